import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type Browser, type BrowserContext, chromium } from 'playwright-core';

const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export function chromiumPath(): string {
  const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'].filter(
    (p): p is string => Boolean(p),
  );
  const found = candidates.find((p) => fs.existsSync(p));
  if (!found) throw new Error('Chromium not found: install Debian\'s "chromium" package or set CHROMIUM_PATH');
  return found;
}

/**
 * Debian's chromium driven by playwright-core, headless, with a fresh profile. `env` replaces the
 * browser's environment (e.g. HOME, whose ~/.pki/nssdb holds the certificates Chromium trusts).
 */
export async function launchBrowser(options: { env?: Record<string, string | undefined> } = {}): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath(),
    headless: true,
    args: CHROMIUM_FLAGS,
    ...(options.env ? { env: options.env } : {}),
  });
}

/** A fresh browser context that accepts the sandbox's local CA certificates. */
export async function newContext(browser: Browser): Promise<BrowserContext> {
  const context = await browser.newContext({ ignoreHTTPSErrors: true, viewport: { width: 1200, height: 900 } });
  context.setDefaultTimeout(15_000);
  return context;
}

export function tempDir(label: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), label));
}
