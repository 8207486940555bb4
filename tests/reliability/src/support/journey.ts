import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import {
  createHeadlessBrowser,
  createMailbox,
  HeadlessError,
  type HeadlessPage,
  loginViaWebPros,
  type Mailbox,
  nextTotpStep,
  type Sandbox,
  totp,
} from '@extauth/testkit';

/**
 * One complete new-user journey over HTTP (no browser), through the real pages of the panel and
 * the IdP, as a person clicks through them:
 *
 * 1. WHM login page › "Log in via WebPros" › IdP "Create one" › "Create your WebPros Account"
 *    (name, email, password, terms) › "Check your email" with the code from the mail catcher ›
 *    "Confirm Sending Data" › the panel's link banner › root with the WHM password › WHM Home.
 * 2. MFA as the spec has it (the panel does not ask `acr_values=2`, so the IdP never enrols inside
 *    its flow): the IdP account page › "Send an enrollment email" › the emailed link ›
 *    "Secure Your Account" (TOTP secret, a code) › "Almost There!" (recovery code) › "on".
 * 3. In a second browser: "Log in via WebPros" with password and a one-time code › "Confirm
 *    Sending Data" › straight to WHM Home through the link made in 1.
 *
 * Every answer that tells the person something was kept (account created, address verified,
 * signed in at the panel, linked, MFA on, logged in with MFA) is recorded with its moment, so a
 * crash test can check exactly what was acknowledged before the crash.
 */

/** Where the sandbox is: the testkit's in-process sandbox or a launcher started as a process. */
export interface JourneyTarget {
  /** The panel's base URL, e.g. https://localhost:42087 */
  panelUrl: string;
  /** The IdP's issuer, e.g. https://localhost:48443 */
  issuer: string;
  /** PEM of the sandbox CA. */
  ca: string;
  /** Reads the email codes and the enrolment link (MailDev through the testkit's mailbox). */
  mail: Pick<Mailbox, 'waitForCode' | 'waitForLink'>;
  /** The WHM user the new identity is linked to, and its password. */
  whmUser: string;
  whmPassword: string;
}

/** The journey's target for a `createSandbox()` sandbox. */
export function sandboxTarget(sandbox: Sandbox): JourneyTarget {
  return {
    panelUrl: sandbox.panelUrl,
    issuer: sandbox.issuer,
    ca: sandbox.ca,
    mail: sandbox.mail,
    whmUser: 'root',
    whmPassword: sandbox.rootPassword,
  };
}

export interface LauncherTargetOptions {
  /** Its SANDBOX_DATA_DIR: the CA (`tls/ca.pem`) and root's password file are read from there. */
  dataDir: string;
  idpPort: number;
  panelPort: number;
  mailWebPort: number;
  /** Default `localhost`. */
  host?: string;
  /** Where the CA is when SANDBOX_TLS_DIR was set (default `<dataDir>/tls/ca.pem`). */
  caFile?: string;
  /** WHM root's password when PANEL_ROOT_PASSWORD was set (default: `<dataDir>/panel/root-password.txt`). */
  rootPassword?: string;
}

/**
 * The journey's target for `node apps/sandbox/dist/main.js` started with IDP_PORT, PANEL_PORT,
 * SMTP_PORT, MAILDEV_WEB_PORT and SANDBOX_DATA_DIR. Call it once the launcher is ready (it writes
 * the CA and the root password file at its first start).
 */
export function launcherTarget(options: LauncherTargetOptions): JourneyTarget {
  const host = options.host ?? 'localhost';
  const whmPassword =
    options.rootPassword ?? fs.readFileSync(path.join(options.dataDir, 'panel', 'root-password.txt'), 'utf8').trim();
  return {
    panelUrl: `https://${host}:${options.panelPort}`,
    issuer: `https://${host}:${options.idpPort}`,
    ca: fs.readFileSync(options.caFile ?? path.join(options.dataDir, 'tls', 'ca.pem'), 'utf8'),
    mail: createMailbox(`http://${host}:${options.mailWebPort}`),
    whmUser: 'root',
    whmPassword,
  };
}

export interface JourneyAccount {
  /** A new address: the journey signs it up. */
  email: string;
  /** Default: a random 32-character password. */
  password?: string;
  givenName?: string;
  familyName?: string;
}

/** What the sandbox told the person it had done, in the order the journey meets it. */
export type Acknowledgement =
  /** "Check your email" after "Create account": the account exists, unverified. */
  | 'accountCreated'
  /** The code was accepted and the IdP moved on to "Confirm Sending Data". */
  | 'emailVerified'
  /** After "Confirm Sending Data" the panel took the authorization code (its token exchange and ID token check passed) and shows the link banner. */
  | 'panelSignedIn'
  /** WHM Home after linking with the WHM password: the link is made. */
  | 'linked'
  /** "Multi-factor authentication is on." after "Almost There!". */
  | 'mfaEnrolled'
  /** WHM Home again, from a second browser, with password and one-time code, through the link. */
  | 'mfaLogin';

export const ACKNOWLEDGEMENTS: readonly Acknowledgement[] = [
  'accountCreated',
  'emailVerified',
  'panelSignedIn',
  'linked',
  'mfaEnrolled',
  'mfaLogin',
];

export interface JourneyStep {
  /** What the person did, e.g. "Create account". */
  step: string;
  /** The page it led to (after redirects); not known for the pages of the MFA login (testkit's loginViaWebPros). */
  status?: number;
  url?: string;
  heading?: string;
  ms: number;
}

export interface JourneyResult {
  email: string;
  password: string;
  givenName: string;
  familyName: string;
  whmUser: string;
  /** When each acknowledgement was seen (absent: not reached). */
  acknowledged: Partial<Record<Acknowledgement, Date>>;
  /** Base32, from "Secure Your Account". */
  totpSecret?: string;
  /** From "Almost There!". */
  recoveryCode?: string;
  /** WHM Home under its /cpsessNNNNNNNNNN/ token, and the session cookie (`whostmgrsession=…`), of the last WHM login. */
  homeUrl?: string;
  sessionCookie?: string;
  steps: JourneyStep[];
}

export interface JourneyHooks {
  /** Called as soon as the sandbox acknowledged something (awaited before the journey goes on). */
  onAcknowledged?: (what: Acknowledgement, result: JourneyResult) => void | Promise<void>;
  /** Stop after this acknowledgement (default: the whole journey, `mfaLogin`). */
  until?: Acknowledgement;
  /** How long to wait for each mail (default 30 s: under load the IdP sends in the background). */
  mailTimeoutMs?: number;
}

/** A journey that stopped: the step, the page it was on (when there was one) and what had been acknowledged. */
export class JourneyError extends Error {
  constructor(
    message: string,
    readonly step: string,
    readonly result: JourneyResult,
    readonly page?: HeadlessPage,
    options?: { cause?: unknown },
  ) {
    super(`${result.email}: ${step}: ${message}`, options);
    this.name = 'JourneyError';
  }
}

const HOME = /^\/cpsess\d{10}\/?$/;
const TERMS_PREFIX = 'I agree with the Terms of Use';

function shownCode(page: HeadlessPage, id: string): string | undefined {
  const raw = new RegExp(`<code\\b[^>]*\\bid="${id}"[^>]*>([\\s\\S]*?)</code>`, 'i').exec(page.html)?.[1];
  return raw?.replace(/<[^>]*>/g, '').replace(/\s+/g, '') || undefined;
}

const noticeCode = (page: HeadlessPage) => /msg_code:\[([a-z_]+)\]/.exec(page.html)?.[1];

function randomPassword(): string {
  return `Journey-${randomBytes(12).toString('hex')}`;
}

/** Runs one journey for a new account; throws a JourneyError (with what was acknowledged) when a page is not the expected one. */
export async function runJourney(
  target: JourneyTarget,
  account: JourneyAccount,
  hooks: JourneyHooks = {},
): Promise<JourneyResult> {
  const result: JourneyResult = {
    email: account.email,
    password: account.password ?? randomPassword(),
    givenName: account.givenName ?? 'Journey',
    familyName: account.familyName ?? 'Runner',
    whmUser: target.whmUser,
    acknowledged: {},
    steps: [],
  };
  const until = ACKNOWLEDGEMENTS.indexOf(hooks.until ?? 'mfaLogin');
  const mailWait = { timeoutMs: hooks.mailTimeoutMs ?? 30_000 };
  const browser = createHeadlessBrowser({ ca: target.ca });
  let current = 'open the WHM login page';
  let page: HeadlessPage | undefined;

  const act = async (step: string, action: () => Promise<HeadlessPage>) => {
    current = step;
    const started = performance.now();
    page = await action();
    result.steps.push({
      step,
      status: page.status,
      url: page.url,
      heading: page.heading,
      ms: Math.round(performance.now() - started),
    });
    return page;
  };
  const expect = (ok: boolean, what: string, on: HeadlessPage) => {
    if (!ok) throw new HeadlessError(`expected ${what}`, on);
  };
  /** Records an acknowledgement; true when the journey should stop here. */
  const acknowledge = async (what: Acknowledgement) => {
    result.acknowledged[what] = new Date();
    await hooks.onAcknowledged?.(what, result);
    return ACKNOWLEDGEMENTS.indexOf(what) >= until;
  };

  try {
    // 1. Sign up from the WHM login page, verify the address, consent, link to root.
    let p = await act('open the WHM login page', () => browser.open(`${target.panelUrl}/`));
    p = await act('Log in via WebPros', () => browser.follow(p, 'Log in via WebPros'));
    p = await act('Create one', () => browser.follow(p, 'Create one'));
    const signupForm = p.forms.find((f) => f.buttons.some((b) => b.text === 'Create account'));
    const terms = Object.keys(signupForm?.labels ?? {}).find((l) => l.startsWith(TERMS_PREFIX));
    expect(terms !== undefined, 'the signup form with the terms checkbox', p);
    const signedUpAt = new Date();
    const signup = p;
    p = await act('Create account', () =>
      browser.submit(signup, {
        button: 'Create account',
        fill: {
          Email: result.email,
          Password: result.password,
          'First name': result.givenName,
          'Last name': result.familyName,
        },
        check: [terms as string],
      }),
    );
    expect(p.status === 200 && p.heading === 'Check your email', '"Check your email"', p);
    if (await acknowledge('accountCreated')) return result;

    current = 'read the email code';
    const code = await target.mail.waitForCode(result.email, { ...mailWait, since: signedUpAt });
    const codePage = p;
    p = await act('enter the email code', () =>
      browser.submit(codePage, { button: 'Next', fill: { 'Or type the whole code': code } }),
    );
    expect(p.status === 200 && p.heading === 'Confirm Sending Data', '"Confirm Sending Data"', p);
    if (await acknowledge('emailVerified')) return result;

    const consent = p;
    p = await act('Confirm Sending Data', () => browser.submit(consent, { button: 'Continue' }));
    expect(noticeCode(p) === 'link_account', "the panel's link banner (msg_code link_account)", p);
    expect(p.text.includes(result.email), 'the link banner to name the new account', p);
    if (await acknowledge('panelSignedIn')) return result;

    const banner = p;
    p = await act('link with the WHM password', () =>
      browser.submit(banner, { button: 'Log in', fill: { Username: target.whmUser, Password: target.whmPassword } }),
    );
    expect(p.status === 200 && HOME.test(new URL(p.url).pathname), 'WHM Home', p);
    expect(p.text.includes(result.email), 'WHM Home to show the linked identity', p);
    result.homeUrl = p.url;
    const session = browser.cookie(new URL(target.panelUrl).hostname, 'whostmgrsession');
    if (session) result.sessionCookie = `whostmgrsession=${session}`;
    if (await acknowledge('linked')) return result;

    // 2. Turn on MFA from the IdP account page with the emailed enrolment link.
    p = await act('open the IdP account page', () => browser.open(`${target.issuer}/account`));
    if (p.forms.some((f) => f.buttons.some((b) => b.text === 'Log in') && 'Email' in f.labels)) {
      const login = p;
      p = await act('log in to the account page', () =>
        browser.submit(login, { button: 'Log in', fill: { Email: result.email, Password: result.password } }),
      );
    }
    expect(p.status === 200 && p.heading.startsWith('Welcome to your'), 'the account page', p);
    const askedAt = new Date();
    const accountPage = p;
    p = await act('Send an enrollment email', () =>
      browser.submit(accountPage, { button: 'Send an enrollment email' }),
    );
    expect(p.text.includes('We sent you an enrollment email'), '"We sent you an enrollment email"', p);
    current = 'read the enrolment link';
    const link = await target.mail.waitForLink(result.email, 'Enable multi-factor authentication', {
      ...mailWait,
      since: askedAt,
    });
    p = await act('open the enrolment link', () => browser.open(link));
    expect(p.status === 200 && p.heading === 'Secure Your Account', '"Secure Your Account"', p);
    const secret = shownCode(p, 'totp-secret');
    expect(secret !== undefined && /^[A-Z2-7]{16,}$/.test(secret), 'the TOTP secret for manual entry', p);
    result.totpSecret = secret as string;
    const enrolledAt = new Date();
    const setup = p;
    p = await act('confirm the first one-time code', () =>
      browser.submit(setup, {
        button: 'Continue',
        fill: { 'One-time code': totp(secret as string, { at: enrolledAt }) },
      }),
    );
    expect(p.status === 200 && p.heading === 'Almost There!', '"Almost There!"', p);
    const recoveryCode = shownCode(p, 'recovery-code');
    expect(recoveryCode !== undefined, 'the recovery code', p);
    result.recoveryCode = recoveryCode as string;
    const almost = p;
    p = await act('I have safely recorded this code', () =>
      browser.submit(almost, { button: 'Continue', check: ['I have safely recorded this code'] }),
    );
    expect(p.text.includes('Multi-factor authentication is on.'), '"Multi-factor authentication is on."', p);
    if (await acknowledge('mfaEnrolled')) return result;

    // 3. Another browser: the next login asks for a one-time code and lands on WHM Home through the link.
    // TOTP steps are single use (the enrolment's included), so the login uses the next step's code,
    // which the IdP's window of ±1 step accepts at once (a person would wait for it instead).
    current = 'log in again with MFA';
    page = undefined;
    const login = await loginViaWebPros({
      panelUrl: target.panelUrl,
      ca: target.ca,
      email: result.email,
      password: result.password,
      totpSecret: result.totpSecret,
      at: nextTotpStep(enrolledAt),
    });
    const mfaPages = login.steps.map((s) => s.page);
    if (!mfaPages.includes('Verify Your Identity')) {
      throw new Error(`the login did not ask for a one-time code (pages: ${mfaPages.join(' › ')})`);
    }
    if (login.linked) throw new Error('the login asked to link again');
    result.homeUrl = login.homeUrl;
    result.sessionCookie = login.sessionCookie;
    result.steps.push(...login.steps.map((s) => ({ step: `MFA login: ${s.page}`, ms: Math.round(s.ms) })));
    await acknowledge('mfaLogin');
    return result;
  } catch (err) {
    if (err instanceof JourneyError) throw err;
    const on = err instanceof HeadlessError ? err.page : page;
    const message = err instanceof Error ? err.message : String(err);
    throw new JourneyError(message, current, result, on, { cause: err });
  } finally {
    await browser.close();
  }
}
