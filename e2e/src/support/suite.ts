import fs from 'node:fs';
import path from 'node:path';
import { after, before } from 'node:test';
import type { Browser, BrowserContext } from 'playwright-core';
import { launchBrowser, newContext } from './browser.js';
import { makeDataDir, type SandboxProcess, startSandboxProcess } from './sandbox-process.js';

export interface BrowserSuite {
  readonly dataDir: string;
  readonly browser: Browser;
  readonly sandbox: SandboxProcess;
  /** A fresh browser context (a new person) that accepts the sandbox's CA. */
  newContext(): Promise<BrowserContext>;
  /** The WHM root password the launcher generated into the data folder. */
  rootPassword(): string;
  /** Ctrl-C and start again on the same data folder; resolves with the first run's exit code. */
  restart(): Promise<number | null>;
}

/**
 * The real launcher on a fresh data folder and one chromium, shared by the tests of one file:
 * started together in before(), stopped in after().
 */
export function sandboxWithBrowser(label: string, options: { env?: Record<string, string> } = {}): BrowserSuite {
  const dataDir = makeDataDir(label);
  let browser: Browser | undefined;
  let sandbox: SandboxProcess | undefined;
  const start = () => startSandboxProcess({ dataDir, ...(options.env ? { env: options.env } : {}) });

  before(async () => {
    [browser, sandbox] = await Promise.all([launchBrowser(), start()]);
  });
  after(async () => {
    await browser?.close();
    await sandbox?.stop();
  });

  const started = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`the ${what} is not started yet (use it inside a test)`);
    return value;
  };
  return {
    dataDir,
    get browser() {
      return started(browser, 'browser');
    },
    get sandbox() {
      return started(sandbox, 'sandbox');
    },
    newContext: () => newContext(started(browser, 'browser')),
    rootPassword: () => fs.readFileSync(path.join(dataDir, 'panel', 'root-password.txt'), 'utf8').trim(),
    async restart() {
      const code = await started(sandbox, 'sandbox').stop();
      sandbox = await start();
      return code;
    },
  };
}
