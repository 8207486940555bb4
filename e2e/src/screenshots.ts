import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createHttpClient } from '@extauth/server-kit/http-client';
import type { Browser, Locator, Page } from 'playwright-core';
import { pasteCode, readCodeFromMailDev, readEnrollmentLink } from './mail.js';
import { launchBrowser } from './support/browser.js';
import { samePicture } from './support/pictures.js';
import { makeDataDir, repoRoot, startSandboxProcess } from './support/sandbox-process.js';
import { codeSource } from './support/totp.js';
import { IDP, PANEL } from './support/urls.js';

// `pnpm screenshots`: the whole journey in chromium against the real launcher on a fresh data
// folder, one PNG per page. Each picture is taken only once the page's heading (the spec's exact
// text) is visible. A fixed person, a fixed window and masked secrets keep the pictures the same
// from run to run, so a changed PNG in a diff means a changed page.

export const VIEWPORT = { width: 1200, height: 800 } as const;

/** The person of the pictures (a fresh data folder each run, so the address is always free). */
const PERSON = {
  email: 'jane.doe@example.com',
  password: 'screenshot-password-123',
  /** Chosen on the password-reset pages. */
  newPassword: 'screenshot-password-456',
  first: 'Jane',
  last: 'Doe',
};
const TERMS =
  'I agree with the Terms of Use and that WebPros will process my provided personal data in its internal systems according to the WebPros Privacy Policy';
const MASK_COLOR = '#c9ced6';
/** Inline values that differ between runs: masked, at one fixed width (their text's width varies by the pixel). */
const VOLATILE_INLINE = 'code.subject, time, #tfa-key';
/** Everything masked, also drawn transparent, so that no pixel of it shows at the mask's anti-aliased edge. */
const MASKED = `${VOLATILE_INLINE}, #totp-secret, #recovery-code, img[alt="QR code"]`;
const SCREENSHOT_STYLE = `
  ${VOLATILE_INLINE} { display: inline-block; width: 16em; overflow: hidden; white-space: nowrap; vertical-align: top; }
  ${MASKED} { color: transparent !important; }
  img[alt="QR code"] { opacity: 0; }`;

export interface Screenshot {
  file: string;
  /** The heading that was visible when the picture was taken, as the page shows it. */
  heading: string;
  url: string;
}

class Camera {
  readonly taken: Screenshot[] = [];
  constructor(private readonly outDir: string) {}

  /**
   * Waits for the heading, checks it is visible, then takes the whole page, volatile parts masked,
   * and writes it to `<file>` unless the picture there is the same.
   */
  async shoot(page: Page, file: string, heading: string, mask: Locator[] = []): Promise<void> {
    const title = page.getByRole('heading', { name: heading, exact: true });
    await title.first().waitFor({ state: 'visible' });
    await assertSeen(title.first(), `${file}: heading "${heading}" on ${page.url()}`);
    await page.waitForLoadState('load');
    // The pointer stays where the last click was, over whatever the next page shows there: move it
    // off the page so no hover style (or its transition) lands in the picture.
    await page.mouse.move(0, 0);
    const picture = await page.screenshot({
      fullPage: true,
      animations: 'disabled',
      caret: 'hide',
      scale: 'css',
      mask,
      maskColor: MASK_COLOR,
      style: SCREENSHOT_STYLE,
    });
    // Rewriting a picture that only differs by anti-aliasing noise would show every page as changed.
    const target = path.join(this.outDir, file);
    if (!fs.existsSync(target) || !samePicture(fs.readFileSync(target), picture)) fs.writeFileSync(target, picture);
    // What the page shows, read back, so the list of pictures says what each one really has.
    const seen = ((await title.first().textContent()) ?? '').replace(/\s+/g, ' ').trim();
    this.taken.push({ file, heading: seen, url: page.url() });
  }
}

/** Smaller than this (CSS px) a heading is not something a person reads. */
const MIN_HEADING_PX = 8;

/** What the browser says about how an element is drawn (read in the page). */
interface Drawn {
  width: number;
  height: number;
  /** Why the element is not fully drawn, or '' when it is. */
  clipped: string;
}

// Browser globals used inside evaluate (this package compiles without the DOM library).
declare function getComputedStyle(el: DomBox): { clipPath: string; clip: string; overflow: string };
interface DomBox {
  tagName: string;
  parentElement: DomBox | null;
  getBoundingClientRect(): { left: number; top: number; right: number; bottom: number; width: number; height: number };
}

/**
 * Playwright's isVisible() accepts any non-empty box, such as a visually-hidden 1 px heading: the
 * picture must show the heading, so it must also be of a readable size and not clipped away (a clip
 * or clip-path on it or an ancestor, or an ancestor with hidden overflow that cuts it off).
 */
export async function assertSeen(heading: Locator, what: string): Promise<void> {
  const drawn = await heading.evaluate((node): Drawn => {
    const el = node as unknown as DomBox;
    const box = el.getBoundingClientRect();
    let clipped = '';
    for (let at: DomBox | null = el; at && !clipped; at = at.parentElement) {
      const style = getComputedStyle(at);
      if (style.clipPath !== 'none') clipped = `clip-path: ${style.clipPath} on <${at.tagName.toLowerCase()}>`;
      else if (style.clip !== 'auto' && style.clip !== '')
        clipped = `clip: ${style.clip} on <${at.tagName.toLowerCase()}>`;
      else if (at !== el && style.overflow !== 'visible') {
        const outer = at.getBoundingClientRect();
        const cut =
          box.left < outer.left - 1 ||
          box.top < outer.top - 1 ||
          box.right > outer.right + 1 ||
          box.bottom > outer.bottom + 1;
        if (cut) clipped = `cut off by <${at.tagName.toLowerCase()}> (overflow: ${style.overflow})`;
      }
    }
    return { width: box.width, height: box.height, clipped };
  });
  assert.ok(
    drawn.width >= MIN_HEADING_PX && drawn.height >= MIN_HEADING_PX,
    `${what}: drawn ${drawn.width} × ${drawn.height} px, too small to read`,
  );
  assert.equal(drawn.clipped, '', `${what}: not clipped`);
}

/** Values that differ between runs: subjects, times, one-time secrets. */
const volatile = (page: Page): Locator[] => [page.locator(VOLATILE_INLINE)];

/** One WHM API 1 call as root with HTTP Basic (a second user for the user-selection page). */
async function whmApi(dataDir: string, fn: string, params: Record<string, string>): Promise<void> {
  const root = fs.readFileSync(path.join(dataDir, 'panel', 'root-password.txt'), 'utf8').trim();
  const http = createHttpClient({ ca: fs.readFileSync(path.join(dataDir, 'tls', 'ca.pem'), 'utf8') });
  try {
    const res = await http.post(`${PANEL}/json-api/${fn}?api.version=1`, params, {
      authorization: `Basic ${Buffer.from(`root:${root}`).toString('base64')}`,
    });
    const { metadata } = res.json<{ metadata: { result: number; reason: string } }>();
    assert.equal(metadata.result, 1, `WHM API ${fn}: ${metadata.reason}`);
  } finally {
    await http.close();
  }
}

async function newPage(browser: Browser): Promise<Page> {
  const context = await browser.newContext({ ignoreHTTPSErrors: true, viewport: VIEWPORT, deviceScaleFactor: 1 });
  context.setDefaultTimeout(15_000);
  return context.newPage();
}

async function logInAsRoot(page: Page, dataDir: string): Promise<void> {
  await page.getByLabel('Username', { exact: true }).fill('root');
  await page
    .getByLabel('Password', { exact: true })
    .fill(fs.readFileSync(path.join(dataDir, 'panel', 'root-password.txt'), 'utf8').trim());
  await page.getByRole('button', { name: 'Log in', exact: true }).click();
}

/** A new person from the WHM login page: signup, email code, consent, linking to root, WHM pages. */
async function firstVisit(camera: Camera, page: Page, dataDir: string): Promise<string> {
  await page.goto(`${PANEL}/`);
  await camera.shoot(page, '01-panel-login.png', 'WHM Login');
  await page.getByRole('link', { name: 'Log in via WebPros' }).click();
  await camera.shoot(page, '02-idp-login.png', 'Log in to your WebPros Account');

  await page.getByRole('link', { name: 'Create one' }).click();
  await page.getByLabel('Email', { exact: true }).fill(PERSON.email);
  await page.getByLabel('Password', { exact: true }).fill(PERSON.password);
  await page.getByLabel('First name', { exact: true }).fill(PERSON.first);
  await page.getByLabel('Last name', { exact: true }).fill(PERSON.last);
  await page.getByLabel(TERMS, { exact: true }).check();
  await camera.shoot(page, '03-idp-signup.png', 'Create your WebPros Account');
  const sentAt = new Date(Date.now() - 1000);
  await page.getByRole('button', { name: 'Create account', exact: true }).click();

  await camera.shoot(page, '04-idp-email-code.png', 'Check your email');
  await pasteCode(page, await readCodeFromMailDev(PERSON.email, 'Your WebPros Account verification code: ', sentAt));
  await page.getByRole('button', { name: 'Next', exact: true }).click();

  await camera.shoot(page, '05-idp-confirm-sending-data.png', 'Confirm Sending Data');
  await page.getByRole('button', { name: 'Continue', exact: true }).click();

  await page.getByText('is not associated with an existing').waitFor();
  await camera.shoot(page, '06-panel-link-account.png', 'WHM Login');
  await logInAsRoot(page, dataDir);
  await page.waitForURL(/\/cpsess\d{10}\/$/);
  await camera.shoot(page, '07-whm-home.png', 'WHM Home', volatile(page));

  const nav = page.getByRole('navigation', { name: 'Main' });
  await nav.getByRole('link', { name: 'Manage External Authentications' }).click();
  await camera.shoot(page, '08-whm-manage-external-auth.png', 'Manage External Authentications');
  await page.locator('#provider-webpros').getByRole('link', { name: 'Configure', exact: true }).click();
  await camera.shoot(page, '09-whm-configure-provider.png', 'Configure the “WebPros” Provider');
  await page.getByRole('link', { name: 'Manage Users', exact: true }).click();
  await page.getByRole('link', { name: 'Manage root' }).waitFor();
  await camera.shoot(page, '10-whm-manage-users.png', 'Manage External Authentications');
  await page.getByRole('link', { name: 'Manage root' }).click();
  await camera.shoot(page, '11-whm-user-links.png', 'Manage the authentication for “root”', volatile(page));
  const subject = ((await page.locator('code.subject').first().textContent()) ?? '').trim();
  assert.ok(subject, 'the link shows the WebPros subject');
  // The confirmation only: "Cancel" keeps the link the rest of the journey needs.
  await page.getByRole('link', { name: 'Unlink' }).first().click();
  await camera.shoot(page, '12-whm-confirm-unlink.png', 'Confirm Unlink');
  await page.getByRole('link', { name: 'Cancel', exact: true }).click();
  await page.getByRole('heading', { name: 'Manage the authentication for “root”' }).waitFor();

  await nav.getByRole('link', { name: 'Two-Factor Authentication' }).click();
  await camera.shoot(page, '13-whm-two-factor.png', 'Two-Factor Authentication');
  return subject;
}

/** MFA from the IdP's account page and the emailed link; returns the secret's code source. */
async function enrolMfa(camera: Camera, page: Page) {
  // The account pages have their own session, apart from the one of the WebPros login.
  await page.goto(`${IDP}/account/login`);
  await page.getByLabel('Email', { exact: true }).fill(PERSON.email);
  await page.getByLabel('Password', { exact: true }).fill(PERSON.password);
  await page.getByRole('button', { name: 'Log in', exact: true }).click();
  const termsAccepted = page.locator('dt', { hasText: 'Terms of Use' }).locator('xpath=following-sibling::dd[1]');
  await camera.shoot(page, '14-idp-account.png', 'Welcome to your WebPros Account!', [termsAccepted]);
  const askedAt = new Date(Date.now() - 1000);
  await page.getByRole('button', { name: 'Send an enrollment email' }).click();
  await page.getByText('We sent you an enrollment email').waitFor();
  await page.goto(await readEnrollmentLink(PERSON.email, askedAt));
  const secretText = page.locator('#totp-secret');
  await camera.shoot(page, '15-idp-mfa-enrolment.png', 'Secure Your Account', [
    page.getByRole('img', { name: 'QR code' }),
    secretText,
  ]);
  const codes = codeSource(((await secretText.textContent()) ?? '').replace(/\s+/g, ''));
  await page.getByLabel('One-time code', { exact: true }).fill(await codes.next());
  await page.getByRole('button', { name: 'Continue', exact: true }).click();
  await camera.shoot(page, '16-idp-recovery-code.png', 'Almost There!', [page.locator('#recovery-code')]);
  await page.getByLabel('I have safely recorded this code', { exact: true }).check();
  await page.getByRole('button', { name: 'Continue', exact: true }).click();
  await page.getByText('Multi-factor authentication is on.').waitFor();
  return codes;
}

/** A second visit in a new browser: the MFA challenge, then a choice between two linked WHM users. */
async function secondVisit(camera: Camera, page: Page, codes: ReturnType<typeof codeSource>): Promise<void> {
  await page.goto(`${PANEL}/`);
  await page.getByRole('link', { name: 'Log in via WebPros' }).click();
  await page.getByLabel('Email', { exact: true }).fill(PERSON.email);
  await page.getByLabel('Password', { exact: true }).fill(PERSON.password);
  await page.getByRole('button', { name: 'Log in', exact: true }).click();
  await camera.shoot(page, '17-idp-mfa-challenge.png', 'Verify Your Identity');
  await page.getByRole('link', { name: 'Use a recovery code' }).click();
  await page.getByLabel('Recovery code', { exact: true }).waitFor();
  await camera.shoot(page, '18-idp-mfa-recovery-login.png', 'Verify Your Identity');
  await page.getByRole('link', { name: 'Use a one-time code instead' }).click();
  await page.getByLabel('One-time code', { exact: true }).fill(await codes.next());
  await page.getByRole('button', { name: 'Continue', exact: true }).click();
  await page.getByRole('heading', { name: 'Confirm Sending Data' }).waitFor();
  await page.getByRole('button', { name: 'Continue', exact: true }).click();
  await camera.shoot(page, '19-whm-user-selection.png', 'Select user from list of linked accounts');
  await page.getByRole('button', { name: 'root', exact: true }).click();
  await page.waitForURL(/\/cpsess\d{10}\/$/);
}

/** Root sets up WHM 2FA and turns the policy on; the next login meets "WHM Login Security". */
async function whmTwoFactor(camera: Camera, page: Page, dataDir: string): Promise<void> {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Two-Factor Authentication' }).click();
  await page.getByRole('button', { name: 'Set Up Two-Factor Authentication' }).click();
  const key = page.locator('#tfa-key');
  await camera.shoot(page, '20-whm-two-factor-setup.png', 'Set Up Two-Factor Authentication', [
    page.getByRole('img', { name: 'QR code' }),
    key,
  ]);
  const codes = codeSource(((await key.textContent()) ?? '').trim());
  await page.getByLabel('Security Code', { exact: true }).fill(await codes.next());
  await page.getByRole('button', { name: 'Configure Two-Factor Authentication' }).click();
  await page.getByText('Two-Factor Authentication is now configured for your account.').waitFor();
  await page.getByRole('button', { name: 'Enable Policy' }).click();
  await page.getByText('The Two-Factor Authentication Security Policy is Enabled').waitFor();
  // The other two tabs, with root's 2FA in the list and the policy on.
  await page.getByRole('link', { name: 'Manage Users', exact: true }).click();
  await page.locator('#tfa-user-root').waitFor();
  await camera.shoot(page, '21-whm-two-factor-users.png', 'Two-Factor Authentication');
  await page.getByRole('link', { name: 'Settings', exact: true }).click();
  await page.getByLabel('Issuer', { exact: true }).waitFor();
  await camera.shoot(page, '22-whm-two-factor-settings.png', 'Two-Factor Authentication');
  await page.getByRole('button', { name: 'Log out' }).click();
  await page.getByText('You have logged out.').waitFor();
  await logInAsRoot(page, dataDir);
  await camera.shoot(page, '23-whm-login-security.png', 'Enter the security code for “root”');
}

/** Ending the WebPros session from the IdP (RP-initiated logout without a hint asks first). */
async function idpLogOut(camera: Camera, page: Page): Promise<void> {
  await page.goto(`${IDP}/session/end`);
  await camera.shoot(page, '24-idp-log-out.png', 'Log out');
  await page.getByRole('button', { name: 'Log out', exact: true }).click();
  await camera.shoot(page, '25-idp-logged-out.png', 'You have logged out');
}

/** "Forgot password?" from the WebPros login: the request, the emailed code, the new password. */
async function passwordReset(camera: Camera, page: Page): Promise<void> {
  await page.goto(`${PANEL}/`);
  await page.getByRole('link', { name: 'Log in via WebPros' }).click();
  await page.getByRole('link', { name: 'Forgot password?' }).click();
  await page.getByLabel('Email', { exact: true }).fill(PERSON.email);
  await camera.shoot(page, '26-idp-password-reset.png', 'Reset your password');
  const sentAt = new Date(Date.now() - 1000);
  await page.getByRole('button', { name: 'Send code', exact: true }).click();
  await page.getByRole('group', { name: 'Verification code' }).waitFor();
  await camera.shoot(page, '27-idp-password-reset-code.png', 'Check your email');
  await pasteCode(page, await readCodeFromMailDev(PERSON.email, 'Your WebPros Account password reset code: ', sentAt));
  await page.getByRole('button', { name: 'Next', exact: true }).click();
  await camera.shoot(page, '28-idp-new-password.png', 'Choose a new password');
  await page.getByLabel('New password', { exact: true }).fill(PERSON.newPassword);
  await page.getByRole('button', { name: 'Reset password', exact: true }).click();
  await page.getByText('Your password has been reset.').waitFor();
}

/** The pages a person meets when something goes wrong. */
async function errorPages(camera: Camera, page: Page): Promise<void> {
  await page.goto(`${PANEL}/`);
  await page.getByLabel('Username', { exact: true }).fill('root');
  await page.getByLabel('Password', { exact: true }).fill('not-the-password');
  await page.getByRole('button', { name: 'Log in', exact: true }).click();
  await page.getByText('The login is invalid.').waitFor();
  await camera.shoot(page, '30-error-panel-invalid-login.png', 'WHM Login');

  await page.goto(`${PANEL}/openid_connect_callback/webpros?error=access_denied&state=x`);
  await page.getByText(/denied access to information/).waitFor();
  await camera.shoot(page, '31-error-panel-access-denied.png', 'WHM Login');

  await page.goto(`${IDP}/account/login`);
  await page.getByLabel('Email', { exact: true }).fill(PERSON.email);
  await page.getByLabel('Password', { exact: true }).fill('wrong-password-123');
  await page.getByRole('button', { name: 'Log in', exact: true }).click();
  await page
    .getByRole('alert')
    .getByText(/incorrect/i)
    .waitFor();
  await camera.shoot(page, '32-error-idp-wrong-password.png', 'Log in to your WebPros Account');

  await page.goto(`${IDP}/signup`);
  await page.getByLabel('Email', { exact: true }).fill('someone@example.com');
  await page.getByLabel('Password', { exact: true }).fill(PERSON.password);
  await page.getByLabel('First name', { exact: true }).fill(PERSON.first);
  await page.getByLabel('Last name', { exact: true }).fill(PERSON.last);
  // form.submit() skips the browser's own checks: the picture shows the server's message.
  await page
    .getByRole('button', { name: 'Create account', exact: true })
    .evaluate((button) => (button as unknown as { form: { submit(): void } }).form.submit());
  await page.locator('[aria-invalid="true"]').first().waitFor();
  await camera.shoot(page, '33-error-idp-terms-not-accepted.png', 'Create your WebPros Account');

  const oidcError = await page.goto(`${IDP}/auth?client_id=nobody&response_type=code&scope=openid`);
  assert.equal(oidcError?.status(), 400);
  await camera.shoot(page, '34-error-idp-unknown-client.png', 'This request cannot be completed');

  // A sign-in request the IdP no longer has (expired, used, or an address nobody was given).
  const lost = await page.goto(`${IDP}/interaction/never-issued`);
  assert.equal(lost?.status(), 400);
  await page.getByRole('link', { name: /^Start again/ }).waitFor();
  await camera.shoot(page, '35-error-idp-start-again.png', 'This request cannot be completed');

  const notFound = await page.goto(`${PANEL}/no-such-page`);
  assert.equal(notFound?.status(), 404);
  await camera.shoot(page, '36-error-panel-not-found.png', 'Page not found');
}

/**
 * Starts the real launcher on a fresh data folder and one chromium, drives the journey, writes the
 * PNGs into `outDir` and stops both. Returns what was taken, in order.
 */
export async function takeScreenshots(outDir: string): Promise<Screenshot[]> {
  fs.mkdirSync(outDir, { recursive: true });
  const dataDir = makeDataDir('screenshots');
  const [browser, sandbox] = await Promise.all([launchBrowser(), startSandboxProcess({ dataDir })]);
  const camera = new Camera(outDir);
  try {
    const first = await newPage(browser);
    const subject = await firstVisit(camera, first, dataDir);
    const codes = await enrolMfa(camera, first);

    // A second WHM user (a reseller, so WHM lets it in) linked to the same identity: the next WebPros login asks which one.
    await whmApi(dataDir, 'createacct', {
      username: 'alice',
      password: 'alice-password-123',
      domain: 'alice.example.com',
    });
    await whmApi(dataDir, 'setupreseller', { user: 'alice' });
    await whmApi(dataDir, 'link_user_authn_provider', {
      username: 'alice',
      provider_id: 'webpros',
      subject_unique_identifier: subject,
      preferred_username: PERSON.email,
    });
    const second = await newPage(browser);
    await secondVisit(camera, second, codes);
    await whmTwoFactor(camera, second, dataDir);
    await idpLogOut(camera, second);
    await passwordReset(camera, await newPage(browser));
    await errorPages(camera, await newPage(browser));
    // Pictures of pages that are no longer in the journey must not linger in the docs.
    const taken = new Set(camera.taken.map((shot) => shot.file));
    for (const old of fs.readdirSync(outDir).filter((f) => /^\d\d-[a-z0-9-]+\.png$/.test(f) && !taken.has(f))) {
      fs.rmSync(path.join(outDir, old));
    }
    return camera.taken;
  } catch (err) {
    throw new Error(`${(err as Error).message}\n--- sandbox output:\n${sandbox.output().slice(-3000)}`, { cause: err });
  } finally {
    await browser.close();
    await sandbox.stop();
  }
}

// `node e2e/dist/screenshots.js [DIR]` (what `pnpm screenshots` runs): DIR defaults to docs/screenshots.
const invokedAs = process.argv[1] ? fs.realpathSync(process.argv[1]) : undefined;
if (invokedAs === fileURLToPath(import.meta.url)) {
  const outDir = path.resolve(process.argv[2] ?? path.join(repoRoot, 'docs', 'screenshots'));
  const taken = await takeScreenshots(outDir);
  for (const shot of taken)
    console.log(`${path.join(path.relative(process.cwd(), outDir), shot.file)}  (${shot.heading})`);
  console.log(
    `${taken.length} screenshots in ${outDir} (a picture that only differs by anti-aliasing is left as it was)`,
  );
}
