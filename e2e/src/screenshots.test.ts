import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { reportTestNumbers } from '@extauth/server-kit/test-numbers';
import { takeScreenshots, VIEWPORT } from './screenshots.js';
import { tempDir } from './support/browser.js';

// `pnpm screenshots` in CI, writing into a temp folder (never docs/): every page of the journey is
// reached, its heading (the spec's exact text) was visible when its picture was taken, and the
// picture is a real PNG of the page at the fixed window width.

const EXPECTED: [file: string, heading: string][] = [
  ['01-panel-login.png', 'WHM Login'],
  ['02-idp-login.png', 'Log in to your WebPros Account'],
  ['03-idp-signup.png', 'Create your WebPros Account'],
  ['04-idp-email-code.png', 'Check your email'],
  ['05-idp-confirm-sending-data.png', 'Confirm Sending Data'],
  ['06-panel-link-account.png', 'WHM Login'],
  ['07-whm-home.png', 'WHM Home'],
  ['08-whm-manage-external-auth.png', 'Manage External Authentications'],
  ['09-whm-user-links.png', 'Manage the authentication for “root”'],
  ['10-whm-two-factor.png', 'Two-Factor Authentication'],
  ['11-idp-account.png', 'Welcome to your WebPros Account!'],
  ['12-idp-mfa-enrolment.png', 'Secure Your Account'],
  ['13-idp-recovery-code.png', 'Almost There!'],
  ['14-idp-mfa-challenge.png', 'Verify Your Identity'],
  ['15-whm-user-selection.png', 'Select user from list of linked accounts'],
  ['16-whm-two-factor-setup.png', 'Set Up Two-Factor Authentication'],
  ['17-whm-login-security.png', 'Enter the security code for “root”'],
  ['20-error-panel-invalid-login.png', 'WHM Login'],
  ['21-error-panel-access-denied.png', 'WHM Login'],
  ['22-error-idp-wrong-password.png', 'Log in to your WebPros Account'],
  ['23-error-idp-terms-not-accepted.png', 'Create your WebPros Account'],
  ['24-error-idp-unknown-client.png', 'This request cannot be completed'],
  ['25-error-panel-not-found.png', 'Page not found'],
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
  assert.ok(urls.size >= 15, `the pictures show different pages (${urls.size} addresses)`);
  reportTestNumbers('screenshots (pnpm screenshots)', { pictures: taken.length });
});
