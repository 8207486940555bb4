import path from 'node:path';
import type { Clock } from '@extauth/server-kit/clock';
import { systemClock } from '@extauth/server-kit/clock';
import { createSealer } from '@extauth/server-kit/crypto';
import { createCsrf } from '@extauth/server-kit/csrf';
import { startHttpsServer } from '@extauth/server-kit/https-server';
import { loadOrCreateLicence } from '@extauth/server-kit/licence';
import type { Logger } from '@extauth/server-kit/logger';
import { DEFAULT_SCRYPT, FAST_TEST_SCRYPT } from '@extauth/server-kit/passwords';
import { loadOrCreateSecrets } from '@extauth/server-kit/secrets';
import type { ClientMetadata } from 'oidc-provider';
import { createApp } from './app.js';
import type { IdpConfig } from './config.js';
import { cryptoRandom, type RandomSource } from './domain/random.js';
import { createTrustCookies } from './flows/consent/trust.js';
import { createCodeFlowCookie } from './http/code-flow.js';
import { createLoginThrottle } from './http/login-throttle.js';
import { createMfaFlowCookie } from './http/mfa-flow.js';
import { idpPaths } from './http/routes.js';
import { loadScript, loadStylesheet } from './http/stylesheet.js';
import { createSmtpMailer, type Mailer } from './mail/mailer.js';
import { createOidcAdapterFactory, startExpiredRowSweeper } from './oidc/adapter.js';
import { panelClientMetadata } from './oidc/clients.js';
import { createProvider } from './oidc/provider.js';
import { loadOrCreateSigningKeys } from './oidc/signing-keys.js';
import { createSqliteAccountSessionStore } from './store/account-sessions.js';
import { createSqliteAccountsStore } from './store/accounts.js';
import { openIdpDatabase } from './store/database.js';
import { createSqliteEmailCodeStore } from './store/email-codes.js';
import { createSqliteMfaStore } from './store/mfa.js';
import { createSqliteOidcModelStore } from './store/oidc-models.js';
import { createSqlitePasswordResetTicketStore } from './store/password-reset-tickets.js';
import { createSqliteRateLimitStore } from './store/rate-limits.js';
import { seedDemoAccount } from './store/seed.js';
import { createSqliteSigningKeyStore } from './store/signing-keys.js';
import { createSqliteTrustedSiteStore } from './store/trusted-sites.js';

export interface StartedIdp {
  issuer: string;
  port: number;
  demo: { email: string; password: string };
  close(): Promise<void>;
}

export interface IdpRuntime {
  tls: { certPem: string; keyPem: string };
  logger: Logger;
  clock?: Clock;
  /** Defaults to SMTP at SMTP_HOST:SMTP_PORT; tests pass an in-memory mailer. */
  mailer?: Mailer;
  random?: RandomSource;
  /** More OIDC clients beside the panel's (tests; a seed file later). */
  extraClients?: ClientMetadata[];
}

export const SWEEP_INTERVAL_MS = 10 * 60 * 1000;
const SECRET_NAMES = [
  'storageKey',
  'cookieKey',
  'csrfSecret',
  'emailCodeKey',
  'codeFlowKey',
  'mfaFlowKey',
  'totpKey',
  'trustCookieKey',
] as const;

/** Opens storage, builds the provider and the app, and listens. `close()` undoes all of it. */
export async function startIdp(config: IdpConfig, runtime: IdpRuntime): Promise<StartedIdp> {
  const clock = runtime.clock ?? systemClock;
  const { logger } = runtime;
  const persistentDir = config.storage === 'sqlite' ? config.dataDir : undefined;
  const secrets = loadOrCreateSecrets(
    persistentDir === undefined ? undefined : path.join(persistentDir, 'idp', 'secrets.json'),
    SECRET_NAMES,
  );
  const licence = loadOrCreateLicence(persistentDir, {
    clientId: config.panelClient.id,
    clientSecret: config.panelClient.secret,
  });
  const db = openIdpDatabase(persistentDir);
  const mailer = runtime.mailer ?? createSmtpMailer(config.smtp);
  const cleanups: (() => void | Promise<void>)[] = [
    () => {
      db.close();
    },
    () => mailer.close(),
  ];
  const closeAll = async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  };

  try {
    const sealer = createSealer(secrets.storageKey);
    const accounts = createSqliteAccountsStore(db);
    const oidcModels = createSqliteOidcModelStore(db);
    const trustedSites = createSqliteTrustedSiteStore(db);
    const random = runtime.random ?? cryptoRandom;
    const trust = createTrustCookies({ accounts, trustedSites, key: secrets.trustCookieKey, clock, random });
    const passwordHashing = config.passwordHashing === 'fast' ? FAST_TEST_SCRYPT : DEFAULT_SCRYPT;

    const signingKeys = await loadOrCreateSigningKeys({
      store: createSqliteSigningKeyStore(db),
      sealer,
      now: () => clock.now(),
    });
    const seeded = await seedDemoAccount(
      { accounts, passwordHashing, now: () => clock.now() },
      { email: config.demo.email, password: config.demo.password, givenName: 'Demo', familyName: 'User' },
    );
    if (seeded === 'exists') logger.info('demo account exists; IDP_DEMO_PASSWORD applies only when it is created');

    const stylesheet = loadStylesheet();
    const script = loadScript();
    const view = {
      brand: config.brand,
      stylesheetHref: idpPaths.stylesheet(stylesheet.version),
      scriptHref: idpPaths.script(script.version),
    };
    const provider = createProvider({
      issuer: config.issuer,
      adapter: createOidcAdapterFactory({ store: oidcModels, sealer }),
      signingKeys,
      cookieKeys: [secrets.cookieKey],
      clients: [
        panelClientMetadata({
          clientId: licence.client_id,
          clientSecret: licence.client_secret,
          panelHostname: config.panel.hostname,
          panelPort: config.panel.port,
        }),
        ...(runtime.extraClients ?? []),
      ],
      accounts,
      trust,
      view,
      logger,
    });
    const sweeper = startExpiredRowSweeper({
      store: oidcModels,
      intervalMs: SWEEP_INTERVAL_MS,
      onError: (err) => logger.error('expired-row sweep failed', { err }),
    });
    cleanups.push(() => sweeper.stop());

    const csrf = createCsrf({ cookieName: 'idp_csrf', secret: secrets.csrfSecret });
    const app = createApp({
      provider,
      accounts,
      emailCodes: createSqliteEmailCodeStore(db),
      resetTickets: createSqlitePasswordResetTicketStore(db),
      accountSessions: createSqliteAccountSessionStore(db),
      oidcModels,
      csrf,
      codeFlow: createCodeFlowCookie({ sealer: createSealer(secrets.codeFlowKey), clock }),
      loginThrottle: createLoginThrottle({
        rateLimits: createSqliteRateLimitStore(db),
        clock,
        limits: config.loginLimits,
      }),
      mfa: createSqliteMfaStore(db),
      mfaFlow: createMfaFlowCookie({ sealer: createSealer(secrets.mfaFlowKey), clock }),
      // An explicit key (IDP_TOTP_ENCRYPTION_KEY) wins; otherwise the generated one in secrets.json.
      totpSealer: createSealer(config.totpEncryptionKey ?? secrets.totpKey),
      trustedSites,
      trust,
      issuer: config.issuer,
      passwordHashing,
      emailCodeKey: secrets.emailCodeKey,
      emailCodeResendSeconds: config.emailCodeResendSeconds,
      mailer,
      clock,
      random,
      view,
      logger,
      stylesheet,
      script,
    });
    const server = await startHttpsServer({
      handler: app.callback(),
      host: config.listen.host,
      port: config.listen.port,
      tls: runtime.tls,
    });
    cleanups.push(() => server.close());
    logger.info('IdP listening', { issuer: config.issuer, port: server.port, storage: config.storage });

    let closing: Promise<void> | undefined;
    return {
      issuer: config.issuer,
      port: server.port,
      demo: { ...config.demo },
      close: () => {
        closing ??= closeAll();
        return closing;
      },
    };
  } catch (err) {
    await closeAll();
    throw err;
  }
}
