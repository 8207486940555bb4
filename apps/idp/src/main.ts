import path from 'node:path';
import { runEntryPoint, stopOnSignals } from '@extauth/server-kit/lifecycle';
import { createConsoleLogger, loadLogSettings } from '@extauth/server-kit/logger';
import { ensureDevCertificates } from '@extauth/server-kit/tls';
import { loadIdpConfig } from './config.js';
import { startIdp } from './server.js';

/** The IdP's own entry point (containers, `node apps/idp/dist/main.js`); `pnpm start` embeds it instead. */
async function main(): Promise<void> {
  const config = loadIdpConfig(process.env);
  const logger = createConsoleLogger('idp', { settings: loadLogSettings(process.env) });
  const certificates = await ensureDevCertificates({
    dir: path.join(config.dataDir, 'tls'),
    // The issuer's own host name must be on the certificate, whatever SANDBOX_HOSTNAMES says.
    hostnames: [...config.tlsHostnames, new URL(config.issuer).hostname],
  });
  const idp = await startIdp(config, {
    tls: { certPem: certificates.certPem, keyPem: certificates.keyPem },
    logger,
  });
  logger.info(`ready at ${idp.issuer} (demo account ${idp.demo.email} / ${idp.demo.password})`);
  stopOnSignals(() => idp.close(), {
    stopping: (signal) => logger.info(`${signal} received, stopping`),
    failed: (err) => logger.error('failed to stop cleanly', { err }),
  });
}

runEntryPoint(main, 'The IdP', 'IDP_PORT');
