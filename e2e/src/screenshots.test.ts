import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { reportTestNumbers } from '@extauth/server-kit/test-numbers';
import { assertSeen, takeScreenshots, VIEWPORT } from './screenshots.js';
import { launchBrowser, newContext, tempDir } from './support/browser.js';

// `pnpm screenshots` in CI, writing into a temp folder (never docs/): every page of the journey is
// reached, its heading (the spec's exact text) was visible, readable and unclipped when its picture
// was taken, and the picture is a real PNG of the page at the fixed window width. Journey pages are
// numbered 01-29, the pages met when something goes wrong 30 and up.

const EXPECTED: [file: string, heading: string][] = [
  ['01-panel-login.png', 'WHM Login'],
  ['02-idp-login.png', 'Log in to your WebPros Account'],
  ['03-idp-signup.png', 'Create your WebPros Account'],
  ['04-idp-email-code.png', 'Check your email'],
  ['05-idp-confirm-sending-data.png', 'Confirm Sending Data'],
  ['06-panel-link-account.png', 'WHM Login'],
  ['07-whm-home.png', 'WHM Home'],
  ['08-whm-manage-external-auth.png', 'Manage External Authentications'],
  ['09-whm-configure-provider.png', 'Configure the “WebPros” Provider'],
  ['10-whm-manage-users.png', 'Manage External Authentications'],
  ['11-whm-user-links.png', 'Manage the authentication for “root”'],
  ['12-whm-confirm-unlink.png', 'Confirm Unlink'],
  ['13-whm-two-factor.png', 'Two-Factor Authentication'],
  ['14-idp-account.png', 'Welcome to your WebPros Account!'],
  ['15-idp-mfa-enrolment.png', 'Secure Your Account'],
  ['16-idp-recovery-code.png', 'Almost There!'],
  ['17-idp-mfa-challenge.png', 'Verify Your Identity'],
  ['18-idp-mfa-recovery-login.png', 'Verify Your Identity'],
  ['19-whm-user-selection.png', 'Select user from list of linked accounts'],
  ['20-whm-two-factor-setup.png', 'Set Up Two-Factor Authentication'],
  ['21-whm-two-factor-users.png', 'Two-Factor Authentication'],
  ['22-whm-two-factor-settings.png', 'Two-Factor Authentication'],
  ['23-whm-login-security.png', 'Enter the security code for “root”'],
  ['24-idp-log-out.png', 'Log out'],
  ['25-idp-logged-out.png', 'You have logged out'],
  ['26-idp-password-reset.png', 'Reset your password'],
  ['27-idp-password-reset-code.png', 'Check your email'],
  ['28-idp-new-password.png', 'Choose a new password'],
  ['30-error-panel-invalid-login.png', 'WHM Login'],
  ['31-error-panel-access-denied.png', 'WHM Login'],
  ['32-error-idp-wrong-password.png', 'Log in to your WebPros Account'],
  ['33-error-idp-terms-not-accepted.png', 'Create your WebPros Account'],
  ['34-error-idp-unknown-client.png', 'This request cannot be completed'],
  ['35-error-idp-start-again.png', 'This request cannot be completed'],
  ['36-error-panel-not-found.png', 'Page not found'],
];

/** Width and height from a PNG's IHDR chunk (after the 8-byte signature and the chunk header). */
function pngSize(file: string): { width: number; height: number } {
  const bytes = fs.readFileSync(file);
  assert.deepEqual([...bytes.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], `${file} is a PNG`);
  assert.equal(bytes.subarray(12, 16).toString('latin1'), 'IHDR');
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

test('the screenshot journey writes one PNG per page, each after its heading was visible', async () => {
  const outDir = tempDir('extauth-e2e-screenshots-');
  fs.writeFileSync(path.join(outDir, '99-stale-page.png'), 'left over from an older journey');
  const taken = await takeScreenshots(outDir);

  assert.deepEqual(
    taken.map((s) => [s.file, s.heading]),
    EXPECTED,
    'every page, in order, with the heading seen on it',
  );
  assert.deepEqual(fs.readdirSync(outDir).sort(), EXPECTED.map(([file]) => file).sort(), 'nothing else in the folder');
  for (const [file] of EXPECTED) {
    const { width, height } = pngSize(path.join(outDir, file));
    assert.equal(width, VIEWPORT.width, `${file} width`);
    assert.ok(height >= VIEWPORT.height, `${file} is at least the window's height (${height})`);
  }
  const urls = new Set(taken.map((s) => s.url));
  assert.ok(urls.size >= 25, `the pictures show different pages (${urls.size} addresses)`);
  reportTestNumbers('screenshots (pnpm screenshots)', { pictures: taken.length });
});

test('a heading that is there for screen readers only, tiny or cut off does not count as seen', async () => {
  const browser = await launchBrowser();
  try {
    const page = await (await newContext(browser)).newPage();
    await page.setContent(`<!doctype html><html lang="en"><title>Headings</title><style>
      .visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip-path: inset(50%); white-space: nowrap; }
      .tiny { font-size: 4px; line-height: 4px; margin: 0; }
      .box { height: 10px; overflow: hidden; }
    </style><h1>Seen</h1><h2 class="visually-hidden">Hidden</h2><h2 class="tiny">Tiny</h2><div class="box"><p>x</p><h2>Cut</h2></div>`);
    const heading = (name: string) => page.getByRole('heading', { name, exact: true });
    await assertSeen(heading('Seen'), 'a plain heading');
    for (const [name, why] of [
      ['Hidden', /too small to read/],
      ['Tiny', /too small to read/],
      ['Cut', /not clipped/],
    ] as const) {
      assert.ok(await heading(name).isVisible(), `Playwright calls "${name}" visible`);
      await assert.rejects(assertSeen(heading(name), name), why, `"${name}" is refused`);
    }
  } finally {
    await browser.close();
  }
});
