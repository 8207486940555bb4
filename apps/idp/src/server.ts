import path from 'node:path';
import { type AdjustableClock, type Clock, createAdjustableClock, systemClock } from '@extauth/server-kit/clock';
import { createSealer } from '@extauth/server-kit/crypto';
import { createCsrf } from '@extauth/server-kit/csrf';
import { storageAnswers } from '@extauth/server-kit/health';
import { startHttpsServer } from '@extauth/server-kit/https-server';
import { loadOrCreateLicence } from '@extauth/server-kit/licence';
import type { Logger } from '@extauth/server-kit/logger';
import { DEFAULT_SCRYPT, FAST_TEST_SCRYPT } from '@extauth/server-kit/passwords';
import { loadOrCreateSecrets } from '@extauth/server-kit/secrets';
import { startRowSweeper } from '@extauth/server-kit/sqlite';
import { idpMessages } from '@extauth/shared/idp-messages';
import type { IdpSeed } from '@extauth/shared/seed';
import type { ClientMetadata, Provider } from 'oidc-provider';
import { adminApi } from './admin/admin.routes.js';
import { createSigningKeyControl } from './admin/admin-runtime.js';
import { createFaultInjector } from './admin/faults.js';
import { withOutbox } from './admin/outbox.js';
import { createApp } from './app.js';
import type { IdpConfig } from './config.js';
import { cryptoRandom, type RandomSource } from './domain/random.js';
import { createTrustCookies } from './flows/consent/trust.js';
import { createAttemptThrottle } from './http/attempt-throttle.js';
import { createCodeFlowCookie } from './http/code-flow.js';
import { createMfaFlowCookie } from './http/mfa-flow.js';
import { idpPaths } from './http/routes.js';
import { loadScript, loadStylesheet } from './http/stylesheet.js';
import { createSmtpMailer, type Mailer } from './mail/mailer.js';
import { createOidcAdapterFactory } from './oidc/adapter.js';
import { createClientRegistry } from './oidc/client-registry.js';
import { panelClientMetadata, panelStartAgain } from './oidc/clients.js';
import { createProvider } from './oidc/provider.js';
import { loadOrCreateSigningKeys } from './oidc/signing-keys.js';
import { type AppliedIdpSeed, applyIdpSeed } from './provisioning/apply-seed.js';
import { createSqliteAccountSessionStore } from './store/account-sessions.js';
import { createSqliteAccountsStore } from './store/accounts.js';
import { openIdpDatabase } from './store/database.js';
import { createSqliteEmailCodeStore } from './store/email-codes.js';
import { idpExpiredRowTasks } from './store/expired-rows.js';
import { createSqliteMfaStore } from './store/mfa.js';
import { createSqliteMfaFlowStore } from './store/mfa-flows.js';
import { createSqliteOidcClientStore } from './store/oidc-clients.js';
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
  /** Whether /admin answers (IDP_ADMIN_TOKEN set). */
  adminEnabled: boolean;
  /** What the seed file's IdP part did at this start. */
  seeded: AppliedIdpSeed;
  /** The `sub` of the account with this email (the launcher links seeded panel users with it). */
  subjectOf(email: string): string | undefined;
  close(): Promise<void>;
}

export interface IdpRuntime {
  tls: { certPem: string; keyPem: string };
  logger: Logger;
  clock?: Clock;
  /** Defaults to SMTP at SMTP_HOST:SMTP_PORT; tests pass an in-memory mailer. */
  mailer?: Mailer;
  random?: RandomSource;
  /** More static OIDC clients beside the panel's (tests). */
  extraClients?: ClientMetadata[];
  /** The IdP part of a seed file, applied at start (idempotent) and again by the admin API's reset. */
  seed?: IdpSeed;
}

const isAdjustable = (clock: Clock): clock is AdjustableClock => 'advance' in clock && 'reset' in clock;

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
  // One adjustable clock for the sandbox's rules: the admin API moves it; tests may pass their own.
  const base = runtime.clock ?? systemClock;
  const clock = isAdjustable(base) ? base : createAdjustableClock(base);
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
  const delivery = runtime.mailer ?? createSmtpMailer(config.smtp);
  // The in-memory outbox exists only with the admin API, the one thing that reads it.
  const outboxed = config.adminToken ? withOutbox(delivery, { clock, logger }) : undefined;
  const mailer = outboxed?.mailer ?? delivery;
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

    const signingKeyStore = createSqliteSigningKeyStore(db);
    const signingKeys = await loadOrCreateSigningKeys({ store: signingKeyStore, sealer, now: () => clock.now() });
    const demoSeed = {
      email: config.demo.email,
      password: config.demo.password,
      givenName: 'Demo',
      familyName: 'User',
    };
    const demoSeeded = await seedDemoAccount({ accounts, passwordHashing, now: () => clock.now() }, demoSeed);
    if (demoSeeded === 'exists') logger.info('demo account exists; IDP_DEMO_PASSWORD applies only when it is created');

    const stylesheet = loadStylesheet();
    const script = loadScript();
    const view = {
      brand: config.brand,
      stylesheetHref: idpPaths.stylesheet(stylesheet.version),
      scriptHref: idpPaths.script(script.version),
      startAgain: panelStartAgain(config.panel),
    };
    const staticClients = [
      panelClientMetadata({
        clientId: licence.client_id,
        clientSecret: licence.client_secret,
        panelHostname: config.panel.hostname,
        panelPort: config.panel.port,
      }),
      ...(runtime.extraClients ?? []),
    ];
    const clients = createClientRegistry({
      store: createSqliteOidcClientStore(db),
      sealer,
      staticClients,
      now: () => clock.now(),
    });
    const provider: Provider = createProvider({
      issuer: config.issuer,
      adapter: createOidcAdapterFactory({ store: oidcModels, sealer, clients }),
      signingKeys,
      cookieKeys: [secrets.cookieKey],
      clients: staticClients,
      accounts,
      trust,
      view,
      logger,
    });
    const keyControl = createSigningKeyControl({
      store: signingKeyStore,
      sealer,
      clock,
      provider: () => provider,
      logger,
    });
    keyControl.sweep();
    const sweeper = startRowSweeper({
      tasks: [
        ...idpExpiredRowTasks(db, {
          nowMs: Date.now,
          clockMs: () => clock.now().getTime(),
          rateLimitWindowMs: Math.max(config.loginLimits.windowSeconds, config.codeLimits.windowSeconds) * 1000,
        }),
        { name: 'signing_keys', sweepBatch: () => keyControl.sweep().length },
      ],
      intervalMs: SWEEP_INTERVAL_MS,
      logger,
    });
    cleanups.push(() => sweeper.stop());

    const accountSessions = createSqliteAccountSessionStore(db);
    const mfa = createSqliteMfaStore(db);
    // An explicit key (IDP_TOTP_ENCRYPTION_KEY) wins; otherwise the generated one in secrets.json.
    const totpSealer = createSealer(config.totpEncryptionKey ?? secrets.totpKey);
    const seedDeps = {
      accounts,
      mfa,
      trustedSites,
      totpSealer,
      clock,
      random,
      accountSessions,
      oidcModels,
      passwordHashing,
      brand: config.brand,
      clients,
      provider,
    };
    const seed = runtime.seed ?? { accounts: [], clients: [] };
    const seeded = await applyIdpSeed(seedDeps, seed);
    const faults = createFaultInjector({ keys: () => keyControl.current() });
    const admin =
      config.adminToken && outboxed
        ? adminApi({
            ...seedDeps,
            token: config.adminToken,
            db,
            seed: { demo: demoSeed, idp: seed },
            outbox: outboxed.outbox,
            faults,
            signingKeys: keyControl,
            logger,
          })
        : undefined;

    const csrf = createCsrf({ cookieName: 'idp_csrf', secret: secrets.csrfSecret });
    const rateLimits = createSqliteRateLimitStore(db);
    const app = createApp({
      provider,
      accounts,
      emailCodes: createSqliteEmailCodeStore(db),
      resetTickets: createSqlitePasswordResetTicketStore(db),
      accountSessions,
      oidcModels,
      csrf,
      codeFlow: createCodeFlowCookie({ sealer: createSealer(secrets.codeFlowKey), clock }),
      loginThrottle: createAttemptThrottle({
        kind: 'login',
        rateLimits,
        clock,
        logger,
        limits: config.loginLimits,
        messages: { account: idpMessages.login_throttled_account, ip: idpMessages.login_throttled_ip },
      }),
      codeThrottle: createAttemptThrottle({
        kind: 'code',
        rateLimits,
        clock,
        logger,
        limits: config.codeLimits,
        messages: { account: idpMessages.code_throttled_address, ip: idpMessages.code_throttled_ip },
      }),
      mfaLock: config.mfaLock,
      mfa,
      mfaFlow: createMfaFlowCookie({
        sealer: createSealer(secrets.mfaFlowKey),
        clock,
        random,
        flows: createSqliteMfaFlowStore(db),
        accounts,
      }),
      totpSealer,
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
      readiness: [storageAnswers(db)],
      ...(admin ? { admin: { api: admin, faults: faults.middleware } } : {}),
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
      adminEnabled: admin !== undefined,
      seeded,
      subjectOf: (email) => accounts.findAccountByEmail(email)?.id,
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
