import { assertNotRefused, createHeadlessBrowser, HeadlessError, type HeadlessPage } from './headless.js';
import { type IdpCredentials, nextIdpStep } from './idp-pages.js';
import { freshTotp } from './totp.js';

export interface LoginViaWebProsOptions extends IdpCredentials {
  /** The panel's base URL, e.g. https://localhost:2087 */
  panelUrl: string;
  /** PEM of the sandbox CA (`sandbox.ca`, or `<data>/tls/ca.pem`). */
  ca: string;
  /** WHM credentials, used when the WebPros identity is not linked yet (first login links it). */
  whmUser?: string;
  whmPassword?: string;
  /** Base32 WHM 2FA secret, when the WHM user has two-factor authentication. */
  whmTotpSecret?: string;
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
  const idpState = { usedRecoveryCode: false };
  const timed = async (name: string, action: () => Promise<HeadlessPage>) => {
    const started = performance.now();
    const page = await action();
    steps.push({ page: name, ms: performance.now() - started });
    return page;
  };

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
      const current: HeadlessPage = page;
      const idpStep = await nextIdpStep(browser, current, options, idpState);

      if (idpStep) {
        if (idpStep.shownRecoveryCode) newRecoveryCode = idpStep.shownRecoveryCode;
        page = await timed(idpStep.page, idpStep.send);
      } else if (current.title === 'WHM Login Security' && options.whmTotpSecret) {
        // Never a step this process already sent for the secret: two logins in a row work.
        const securityCode = await freshTotp(options.whmTotpSecret, options.at ? { at: options.at } : {});
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
