import { type HeadlessBrowser, HeadlessError, type HeadlessPage } from './headless.js';
import { freshTotp } from './totp.js';

/** What a person brings to the IdP's pages (loginViaWebPros and completeLogin both take these). */
export interface IdpCredentials {
  email: string;
  password: string;
  /** Base32 TOTP secret, for an account with MFA. */
  totpSecret?: string;
  /** A recovery code to use instead of a TOTP code. */
  recoveryCode?: string;
  /** Tick "Trust HOSTNAME for 365 days" on "Confirm Sending Data". */
  trust?: boolean;
  /** The moment for TOTP codes (default: now); useful when the sandbox clock was moved. */
  at?: Date;
}

/** What the drivers say on "Verify Your Identity" without a second factor. */
export const MFA_NEEDS_FACTOR = 'this account has MFA: pass totpSecret or recoveryCode';

/** A form on an IdP page, filled in and ready to send. */
export interface IdpStep {
  /** The page, as loginViaWebPros names its timed steps. */
  page: string;
  /** What is sent, as completeLogin names it when the form is refused. */
  what: string;
  send(): Promise<HeadlessPage>;
  /** On "Almost There!": the replacement recovery code the page shows. */
  shownRecoveryCode?: string;
}

/** The recovery code shown on an "Almost There!" page (the first `<code>` element). */
function shownRecoveryCode(page: HeadlessPage): string | undefined {
  const code = /<code\b[^>]*>([\s\S]*?)<\/code>/i.exec(page.html)?.[1];
  return code?.replace(/<[^>]*>/g, '').trim() || undefined;
}

/**
 * The form a person fills in next on an IdP page (login, MFA challenge, "Almost There!", "Confirm
 * Sending Data"), or undefined when `page` is none of them. A recovery code is sent once per
 * login (`state.usedRecoveryCode`); a TOTP code is never one this process already sent.
 */
export async function nextIdpStep(
  browser: HeadlessBrowser,
  page: HeadlessPage,
  options: IdpCredentials,
  state: { usedRecoveryCode: boolean },
): Promise<IdpStep | undefined> {
  const hasButton = (text: string) => page.forms.some((f) => f.buttons.some((b) => b.text === text));
  if (page.heading === 'Verify Your Identity') {
    if (options.totpSecret && !options.recoveryCode) {
      const code = await freshTotp(options.totpSecret, options.at ? { at: options.at } : {});
      return {
        page: 'Verify Your Identity',
        what: 'the one-time code',
        send: () => browser.submit(page, { button: 'Continue', fill: { 'One-time code': code } }),
      };
    }
    if (options.recoveryCode && !state.usedRecoveryCode) {
      const recoveryCode = options.recoveryCode;
      state.usedRecoveryCode = true;
      const form = browser.findLink(page, 'Use a recovery code')
        ? await browser.follow(page, 'Use a recovery code')
        : page;
      return {
        page: 'Use a recovery code',
        what: 'the recovery code',
        send: () => browser.submit(form, { button: 'Continue', fill: { 'Recovery code': recoveryCode } }),
      };
    }
    if (!options.totpSecret && !options.recoveryCode) throw new HeadlessError(MFA_NEEDS_FACTOR, page);
    return undefined;
  }
  if (page.heading === 'Almost There!') {
    const shown = shownRecoveryCode(page);
    return {
      page: 'Almost There!',
      what: '"Almost There!"',
      send: () => browser.submit(page, { button: 'Continue', check: ['I have safely recorded this code'] }),
      ...(shown ? { shownRecoveryCode: shown } : {}),
    };
  }
  if (page.heading === 'Confirm Sending Data') {
    const labels = page.forms.find((f) => f.buttons.some((b) => b.text === 'Continue'))?.labels ?? {};
    const trust = Object.keys(labels).find((l) => l.startsWith('Trust '));
    return {
      page: 'Confirm Sending Data',
      what: '"Confirm Sending Data"',
      send: () => browser.submit(page, { button: 'Continue', check: options.trust && trust ? [trust] : [] }),
    };
  }
  if (hasButton('Log in') && page.forms.some((f) => 'Email' in f.labels)) {
    return {
      page: 'IdP login',
      what: 'the email and password',
      send: () =>
        browser.submit(page, { button: 'Log in', fill: { Email: options.email, Password: options.password } }),
    };
  }
  return undefined;
}
