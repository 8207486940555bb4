import os from 'node:os';
import path from 'node:path';
import type { Clock } from '@extauth/server-kit/clock';
import { createHttpClient, type HttpClient, type HttpResponse, parseForms } from '@extauth/server-kit/http-client';
import type { Logger } from '@extauth/server-kit/logger';
import { findFreePort } from '@extauth/server-kit/ports';
import { ensureDevCertificates } from '@extauth/server-kit/tls';
import { loadPanelConfig } from '../config.js';
import { type StartedPanel, startPanel } from '../server.js';
import { type FakeOp, startFakeOp } from './fake-op.js';

export const TEST_ROOT_PASSWORD = 'root-test-password';
const CLIENT_ID = 'whm-test-client';
const CLIENT_SECRET = 'whm-test-client-secret-0123456789abcdef';

export interface LogLine {
  level: 'info' | 'warn' | 'error';
  message: string;
  fields: Record<string, unknown> | undefined;
}

/**
 * Records log lines so tests can assert that nothing was logged as an error; each line also goes
 * to `forward` when given (the real redacting logger, for tests of what reaches the log output).
 */
export function createRecordingLogger(forward?: Logger): Logger & { lines: LogLine[] } {
  const lines: LogLine[] = [];
  const at = (level: LogLine['level']) => (message: string, fields?: Record<string, unknown>) => {
    lines.push({ level, message, fields });
    forward?.[level](message, fields);
  };
  return { lines, info: at('info'), warn: at('warn'), error: at('error') };
}

export function testCertificates() {
  return ensureDevCertificates({ dir: path.join(os.tmpdir(), 'extauth-sandbox-test-tls') });
}

export interface TestEnv {
  panel: StartedPanel;
  op: FakeOp;
  browser: HttpClient;
  url: string;
  logger: ReturnType<typeof createRecordingLogger>;
  close(): Promise<void>;
}

/** The panel in memory mode on a free port, a fake OpenID provider, and a cookie-keeping browser. */
export async function startTestEnv(
  options: { env?: Record<string, string>; clock?: Clock; logger?: Logger } = {},
): Promise<TestEnv> {
  const certs = await testCertificates();
  const panelPort = await findFreePort();
  let opPort = await findFreePort();
  while (opPort === panelPort) opPort = await findFreePort();
  const op = await startFakeOp({
    port: opPort,
    tls: certs,
    client: {
      clientId: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
      redirectUri: `https://localhost:${panelPort}/openid_connect_callback/webpros`,
    },
  });
  const config = loadPanelConfig({
    SANDBOX_STORAGE: 'memory',
    SANDBOX_PASSWORD_HASH: 'fast',
    PANEL_PORT: String(panelPort),
    IDP_ISSUER: op.issuer,
    WEBPROS_CLIENT_ID: CLIENT_ID,
    WEBPROS_CLIENT_SECRET: CLIENT_SECRET,
    PANEL_ROOT_PASSWORD: TEST_ROOT_PASSWORD,
    ...options.env,
  });
  const logger = createRecordingLogger(options.logger);
  const panel = await startPanel(config, {
    tls: certs,
    caPem: certs.caPem,
    logger,
    ...(options.clock ? { clock: options.clock } : {}),
  });
  const browser = createHttpClient({ ca: certs.caPem });
  return {
    panel,
    op,
    browser,
    url: panel.url,
    logger,
    close: async () => {
      await browser.close();
      await panel.close();
      await op.close();
    },
  };
}

/** Submits the login form of `page` as a browser would, with the given credentials. */
export function submitLoginForm(browser: HttpClient, page: HttpResponse, user: string, pass: string) {
  const form = parseForms(page.text, page.url).find((f) => f.action.endsWith('/login/'));
  if (!form) throw new Error(`no login form on ${page.url} (status ${page.status})`);
  return browser.post(form.action, { ...form.fields, user, pass });
}

/** "Log in via WebPros", through the fake provider, to the panel's answer to the callback. */
export async function answerToWebProsCallback(env: TestEnv): Promise<HttpResponse> {
  const start = await env.browser.get(`${env.url}/openid_connect/webpros?user=&theme=&parameterized_form=`);
  if (start.status !== 302 || !start.location?.startsWith(env.op.issuer)) {
    throw new Error(`start did not redirect to the provider: ${start.status} ${start.location}`);
  }
  const authorize = await env.browser.get(start.location);
  if (!authorize.location) throw new Error(`the provider did not redirect back: ${authorize.status} ${authorize.text}`);
  return env.browser.get(authorize.location);
}

/**
 * "Log in via WebPros" to what the browser shows: the callback's answer, or the login page it
 * redirects to (303, POST/redirect/GET) when a link or a user selection is waiting.
 */
export async function logInViaWebPros(env: TestEnv): Promise<HttpResponse> {
  const callback = await answerToWebProsCallback(env);
  return callback.status === 303 && callback.location === `${env.url}/` ? env.browser.get(callback.location) : callback;
}

/** The msg_code comment WHM puts on the login page, if any. */
export function msgCodeOf(page: HttpResponse): string | undefined {
  return /<!-- msg_code:\[([^\]]*)\] -->/.exec(page.text)?.[1];
}

/** The text of the notice area, tags removed. */
export function noticeTextOf(page: HttpResponse): string | undefined {
  const inner = /<div id="login-status"[^>]*>([\s\S]*?)<\/div>/.exec(page.text)?.[1];
  return inner
    ?.replace(/<[^>]+>/g, '')
    .replace(/\s+/g, ' ')
    .trim();
}

/** The login page as a browser without cookies sees it (whatever `env.browser` is logged in as). */
export async function anonymousLoginPage(env: TestEnv): Promise<HttpResponse> {
  const browser = createHttpClient({ ca: (await testCertificates()).caPem });
  try {
    return await browser.get(`${env.url}/`);
  } finally {
    await browser.close();
  }
}
