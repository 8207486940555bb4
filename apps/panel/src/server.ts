import fs from 'node:fs';
import path from 'node:path';
import { type Clock, systemClock } from '@extauth/server-kit/clock';
import { createSealer } from '@extauth/server-kit/crypto';
import { cachedCheck, storageAnswers } from '@extauth/server-kit/health';
import { startHttpsServer } from '@extauth/server-kit/https-server';
import { loadOrCreateLicence } from '@extauth/server-kit/licence';
import type { Logger } from '@extauth/server-kit/logger';
import { DEFAULT_SCRYPT, FAST_TEST_SCRYPT } from '@extauth/server-kit/passwords';
import { loadOrCreateSecrets } from '@extauth/server-kit/secrets';
import { type RowSweeper, startRowSweeper } from '@extauth/server-kit/sqlite';
import { createApp } from './app.js';
import { applyProfile } from './bootstrap/profile.js';
import { ensureRootPassword, type RootPasswordSource } from './bootstrap/root-password.js';
import type { PanelConfig } from './config.js';
import type { PanelDeps } from './deps.js';
import { createBackChannel } from './oidc/back-channel.js';
import { checkIssuerDiscovery, type IssuerCheck } from './oidc/issuer-check.js';
import { createRelyingParty } from './oidc/relying-party.js';
import { createFixedPanelIniSource, createPanelIniFileSource } from './panel-ini/panel-ini-source.js';
import { createProviderRegistry } from './providers/provider-state.js';
import { createSessionManager } from './sessions/session-manager.js';
import { createApiTokenStore } from './store/api-tokens.store.js';
import { openPanelDatabase } from './store/database.js';
import { panelExpiredRowTasks } from './store/expired-rows.js';
import { createLinkStore } from './store/links.store.js';
import { createLoginFailureStore } from './store/login-failures.store.js';
import { createProviderStore } from './store/providers.store.js';
import { createSessionStore } from './store/sessions.store.js';
import { createTwoFactorStore } from './store/two-factor.store.js';
import { createUserStore } from './store/users.store.js';

export interface StartedPanel {
  url: string;
  port: number;
  rootPassword: RootPasswordSource;
  /** The profile this data folder was set up with (SANDBOX_PROFILE at its first start). */
  profile: string;
  /** Where panel.ini is read from; undefined in memory mode without PANEL_INI_PATH. */
  panelIniPath: string | undefined;
  /** Fetches the issuer's discovery through the back channel now: what a login would meet. */
  checkIssuer(): Promise<IssuerCheck>;
  close(): Promise<void>;
}

/** How long /readyz reuses the last IdP discovery result. */
export const READINESS_CACHE_MS = 5_000;
/** How often expired sessions and old failed password attempts are deleted. */
export const SWEEP_INTERVAL_MS = 10 * 60 * 1000;

export interface PanelRuntime {
  tls: { certPem: string; keyPem: string };
  /** The CA the panel trusts for its back channel to the IdP (and nothing else). */
  caPem: string;
  logger: Logger;
  clock?: Clock;
}

/**
 * Opens storage, makes sure root exists, and serves the panel over HTTPS. Nothing talks to the IdP
 * here: discovery happens at the first "Log in via WebPros", so startup stays fast and does not
 * depend on the IdP being up.
 */
export async function startPanel(config: PanelConfig, runtime: PanelRuntime): Promise<StartedPanel> {
  const clock = runtime.clock ?? systemClock;
  const onDisk = config.storage === 'sqlite';
  const panelDir = onDisk ? path.join(config.dataDir, 'panel') : undefined;
  if (panelDir) {
    // Owner-only: the folder holds password hashes, sealed sessions, secrets and the root password.
    fs.mkdirSync(panelDir, { recursive: true, mode: 0o700 });
    fs.chmodSync(panelDir, 0o700);
  }
  const db = openPanelDatabase(panelDir ? path.join(panelDir, 'panel.sqlite') : ':memory:');
  let sweeper: RowSweeper | undefined;
  const backChannel = createBackChannel({
    caPem: runtime.caPem,
    issuer: config.issuer,
    connectTo: config.idpConnectTo,
  });
  try {
    const secrets = loadOrCreateSecrets(panelDir && path.join(panelDir, 'secrets.json'), [
      'sessionKey',
      'csrfSecret',
      'configKey',
      'tfaKey',
    ]);
    const licence = loadOrCreateLicence(onDisk ? config.dataDir : undefined, config.webprosClient);
    const users = createUserStore(db);
    const hashParams = config.passwordHash === 'fast' ? FAST_TEST_SCRYPT : DEFAULT_SCRYPT;
    const rootPassword = await ensureRootPassword({
      users,
      clock,
      hashParams,
      envPassword: config.rootPassword,
      panelDir,
    });
    const providerStore = createProviderStore(db);
    const profile = applyProfile({
      store: providerStore,
      clock,
      logger: runtime.logger,
      profile: config.profile,
      panelIniPath: config.panelIniPath,
    });
    const panelIni = config.panelIniPath
      ? createPanelIniFileSource({ path: config.panelIniPath, logger: runtime.logger })
      : createFixedPanelIniSource(profile.profile === 'demo');
    const configSealer = createSealer(secrets.configKey);
    const checkIssuer = () =>
      checkIssuerDiscovery({
        fetch: backChannel.fetch,
        issuer: config.issuer,
        connectTo: config.idpConnectTo,
        idpPort: config.idpPort,
        now: () => clock.now().getTime(),
      });
    const deps: PanelDeps = {
      config,
      logger: runtime.logger,
      clock,
      users,
      links: createLinkStore(db),
      sessions: createSessionManager({
        store: createSessionStore(db),
        sealer: createSealer(secrets.sessionKey),
        clock,
      }),
      providers: createProviderRegistry({ store: providerStore, panelIni, licence, sealer: configSealer }),
      providerStore,
      apiTokens: createApiTokenStore(db),
      configSealer,
      twoFactor: createTwoFactorStore(db),
      loginFailures: createLoginFailureStore(db),
      tfaSealer: createSealer(secrets.tfaKey),
      relyingParty: createRelyingParty({
        issuer: config.issuer,
        redirectUri: config.redirectUri,
        fetch: backChannel.fetch,
        clock,
      }),
      hashParams,
      csrfSecret: secrets.csrfSecret,
      readiness: [
        storageAnswers(db),
        // Cached so that frequent probes do not each cost a round trip to the IdP.
        cachedCheck(async () => {
          const result = await checkIssuer();
          return result.ok ? undefined : result.sentence;
        }, READINESS_CACHE_MS),
      ],
    };
    sweeper = startRowSweeper({
      tasks: panelExpiredRowTasks(db, {
        clockMs: () => clock.now().getTime(),
        loginFailureWindowMs: config.loginFailureLimit.windowSeconds * 1000,
      }),
      intervalMs: SWEEP_INTERVAL_MS,
      logger: runtime.logger,
    });
    const server = await startHttpsServer({
      handler: createApp(deps).callback(),
      host: config.listenHost,
      port: config.port,
      tls: runtime.tls,
    });
    runtime.logger.info('panel listening', {
      url: config.publicUrl,
      issuer: config.issuer,
      storage: config.storage,
      profile: profile.profile,
      panelIni: config.panelIniPath ?? '(none: memory mode, gate fixed by the profile)',
    });
    let closing: Promise<void> | undefined;
    return {
      url: config.publicUrl,
      port: server.port,
      rootPassword,
      profile: profile.profile,
      panelIniPath: config.panelIniPath,
      checkIssuer,
      close: () => {
        closing ??= (async () => {
          await server.close();
          await sweeper?.stop();
          await backChannel.close();
          db.close();
        })();
        return closing;
      },
    };
  } catch (err) {
    await sweeper?.stop();
    await backChannel.close();
    db.close();
    throw err;
  }
}
