import { assertNotRefused, createHeadlessBrowser, HeadlessError, type HeadlessPage } from './headless.js';
import { MFA_NEEDS_FACTOR } from './oidc.js';
import { freshTotp } from './totp.js';

export interface LoginViaWebProsOptions {
  /** The panel's base URL, e.g. https://localhost:2087 */
  panelUrl: string;
  /** PEM of the sandbox CA (`sandbox.ca`, or `<data>/tls/ca.pem`). */
  ca: string;
  email: string;
  password: string;
  /** Base32 TOTP secret of the IdP account, when it has MFA. */
  totpSecret?: string;
  /** A recovery code to use instead of a TOTP code. */
  recoveryCode?: string;
  /** WHM credentials, used when the WebPros identity is not linked yet (first login links it). */
  whmUser?: string;
  whmPassword?: string;
  /** Base32 WHM 2FA secret, when the WHM user has two-factor authentication. */
  whmTotpSecret?: string;
  /** Tick "Trust HOSTNAME for 365 days" on "Confirm Sending Data". */
  trust?: boolean;
  /** The moment for TOTP codes (default: now); useful when the sandbox clock was moved. */
  at?: Date;
}

export interface LoginStep {
  page: string;
  ms: number;
}

export interface LoginViaWebProsResult {
  /** `whostmgrsession=…`, ready for a Cookie header. */
  sessionCookie: string;
  /** WHM Home, under its `/cpsessNNNNNNNNNN/` security token. */
  homeUrl: string;
  /** True when this login linked the WebPros identity to the WHM user. */
  linked: boolean;
  /** The replacement recovery code the IdP showed after `recoveryCode` was used. */
  newRecoveryCode?: string;
  steps: LoginStep[];
}

const HOME = /\/cpsess\d{10}\/?/;

function noticeCode(page: HeadlessPage): string | undefined {
  return /msg_code:\[([a-z_]+)\]/.exec(page.html)?.[1];
}

/** The recovery code shown on an "Almost There!" page (the first `<code>` element). */
function shownRecoveryCode(page: HeadlessPage): string | undefined {
  const code = /<code\b[^>]*>([\s\S]*?)<\/code>/i.exec(page.html)?.[1];
  return code?.replace(/<[^>]*>/g, '').trim() || undefined;
}

/**
 * Logs in to the panel through "Log in via WebPros" over HTTP, as a person in a browser would:
 * IdP login, MFA challenge, "Confirm Sending Data", linking with the WHM password on first use,
 * WHM two-factor authentication, WHM Home. Throws a HeadlessError naming the page it got stuck on.
 */
export async function loginViaWebPros(options: LoginViaWebProsOptions): Promise<LoginViaWebProsResult> {
  const browser = createHeadlessBrowser({ ca: options.ca });
  const steps: LoginStep[] = [];
  let linked = false;
  let newRecoveryCode: string | undefined;
  let usedRecoveryCode = false;
  const timed = async (name: string, action: () => Promise<HeadlessPage>) => {
    const started = performance.now();
    const page = await action();
    steps.push({ page: name, ms: performance.now() - started });
    return page;
  };
  // Never a step this process already sent for the secret (see freshTotp): two logins in a row work.
  const code = (secret: string) => freshTotp(secret, options.at ? { at: options.at } : {});

  try {
    let page = await timed('panel login page', () => browser.open(`${options.panelUrl.replace(/\/$/, '')}/`));
    page = await timed('Log in via WebPros', () => browser.follow(page, 'Log in via WebPros'));

    for (let guard = 0; guard < 12; guard += 1) {
      if (HOME.test(new URL(page.url).pathname) && page.status === 200) {
        const session = browser.cookie(new URL(options.panelUrl).hostname, 'whostmgrsession');
        if (!session) throw new HeadlessError('reached WHM Home without a whostmgrsession cookie', page);
        return {
          sessionCookie: `whostmgrsession=${session}`,
          homeUrl: page.url,
          linked,
          ...(newRecoveryCode ? { newRecoveryCode } : {}),
          steps,
        };
      }
      const form = (button: string) => page.forms.some((f) => f.buttons.some((b) => b.text === button));
      const current: HeadlessPage = page;

      if (current.heading === 'Verify Your Identity' && options.totpSecret && !options.recoveryCode) {
        const oneTimeCode = await code(options.totpSecret);
        page = await timed('Verify Your Identity', () =>
          browser.submit(current, { button: 'Continue', fill: { 'One-time code': oneTimeCode } }),
        );
      } else if (current.heading === 'Verify Your Identity' && options.recoveryCode && !usedRecoveryCode) {
        const recovery = options.recoveryCode;
        usedRecoveryCode = true;
        const form2 = browser.findLink(current, 'Use a recovery code')
          ? await browser.follow(current, 'Use a recovery code')
          : current;
        page = await timed('Use a recovery code', () =>
          browser.submit(form2, { button: 'Continue', fill: { 'Recovery code': recovery } }),
        );
      } else if (current.heading === 'Verify Your Identity' && !options.totpSecret && !options.recoveryCode) {
        throw new HeadlessError(MFA_NEEDS_FACTOR, current);
      } else if (current.heading === 'Almost There!') {
        newRecoveryCode = shownRecoveryCode(current);
        page = await timed('Almost There!', () =>
          browser.submit(current, { button: 'Continue', check: ['I have safely recorded this code'] }),
        );
      } else if (current.heading === 'Confirm Sending Data') {
        const trustLabel = Object.keys(
          current.forms.find((f) => f.buttons.some((b) => b.text === 'Continue'))?.labels ?? {},
        ).find((l) => l.startsWith('Trust '));
        page = await timed('Confirm Sending Data', () =>
          browser.submit(current, { button: 'Continue', check: options.trust && trustLabel ? [trustLabel] : [] }),
        );
      } else if (current.title === 'WHM Login Security' && options.whmTotpSecret) {
        const securityCode = await code(options.whmTotpSecret);
        page = await timed('WHM 2FA', () =>
          browser.submit(current, { button: 'Continue', fill: { 'Security code': securityCode } }),
        );
      } else if (noticeCode(current) === 'link_account' && linked) {
        throw new HeadlessError(`WHM refused the password of "${options.whmUser}"`, current);
      } else if (noticeCode(current) === 'link_account' && options.whmUser && options.whmPassword) {
        const user = options.whmUser;
        const pass = options.whmPassword;
        linked = true;
        page = await timed('link with WHM password', () =>
          browser.submit(current, { button: 'Log in', fill: { Username: user, Password: pass } }),
        );
      } else if (form('Log in') && current.forms.some((f) => 'Email' in f.labels)) {
        page = await timed('IdP login', () =>
          browser.submit(current, { button: 'Log in', fill: { Email: options.email, Password: options.password } }),
        );
      } else {
        const notice = noticeCode(current);
        throw new HeadlessError(
          notice ? `stopped at notice ${notice}: ${current.text.slice(0, 200)}` : 'unexpected page',
          current,
        );
      }
      // The WHM login page that asks for the WHM password to link answers 401 by design (as WHM
      // does); every other 4xx is a refused form: stop there rather than count more failures.
      if (!(page.status === 401 && noticeCode(page) === 'link_account')) {
        assertNotRefused(page, `the form on "${steps.at(-1)?.page ?? current.heading}"`);
      }
    }
    throw new HeadlessError('too many steps without reaching WHM Home', page);
  } finally {
    await browser.close();
  }
}
