import path from 'node:path';
import { runEntryPoint, stopOnSignals } from '@extauth/server-kit/lifecycle';
import { createConsoleLogger, loadLogSettings } from '@extauth/server-kit/logger';
import { ensureDevCertificates } from '@extauth/server-kit/tls';
import { loadPanelConfig } from './config.js';
import { startPanel } from './server.js';

/** The panel's own entry point (containers, or running it alone): config → certificates → start. */
async function main(): Promise<void> {
  const config = loadPanelConfig(process.env);
  const logger = createConsoleLogger('panel', { settings: loadLogSettings(process.env) });
  const certs = await ensureDevCertificates({ dir: path.join(config.dataDir, 'tls'), hostnames: config.tlsHostnames });
  const panel = await startPanel(config, { tls: certs, caPem: certs.caPem, logger });
  const root = panel.rootPassword;
  console.log(`WHM panel: ${panel.url}/ (user root)`);
  if (root.source === 'env') console.log('root password: from PANEL_ROOT_PASSWORD');
  if (root.source === 'file') console.log(`root password: in ${root.file}`);
  if (root.source === 'memory') console.log(`root password (in-memory mode): ${root.value}`);
  console.log(`profile: ${panel.profile}; panel.ini: ${panel.panelIniPath ?? '(none in memory mode)'}`);
  // A warning, not a failure: in compose the IdP may still be starting.
  const issuer = await panel.checkIssuer();
  if (!issuer.ok) console.warn(`Warning: ${issuer.sentence}`);

  stopOnSignals(() => panel.close(), {
    stopping: (signal) => logger.info(`${signal} received, stopping`),
    failed: (err) => logger.error('failed to stop cleanly', { err }),
  });
}

runEntryPoint(main, 'The panel', 'PANEL_PORT');
