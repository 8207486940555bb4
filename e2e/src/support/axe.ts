import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';

// axe-core is a browser script; its `source` is the whole library as one string.
const axe = createRequire(import.meta.url)('axe-core') as { source: string; version: string };

export const AXE_VERSION = axe.version;

export type Impact = 'minor' | 'moderate' | 'serious' | 'critical';

export interface AxeViolation {
  id: string;
  impact: Impact | null;
  help: string;
  helpUrl: string;
  nodes: { target: string[]; failureSummary?: string; html: string }[];
}

export interface AxeReport {
  url: string;
  violations: AxeViolation[];
  /** Rules that passed, counted: shows that axe really looked at the page. */
  passes: number;
}

const AXE_TIMEOUT_MS = 30_000;

/**
 * Runs axe-core on the page as it is now. The library is evaluated through the DevTools protocol,
 * which the pages' Content-Security-Policy (no inline script) does not apply to.
 *
 * With JavaScript off, a page's timers never fire and axe would wait for ever, so such a page is
 * audited as a copy: its DOM, served at its own URL in a context with JavaScript on (its
 * stylesheets load from the app, its scripts are refused, so it looks and reads as it did).
 */
export async function runAxe(page: Page, options: { javaScriptDisabled?: boolean } = {}): Promise<AxeReport> {
  if (options.javaScriptDisabled) return runAxeOnCopy(page);
  const loaded = await page.evaluate('typeof window.axe === "object"');
  if (!loaded) await page.evaluate(axe.source);
  const run = page.evaluate(`window.axe.run(document, { resultTypes: ['violations'] }).then((r) => ({
    violations: r.violations.map((v) => ({
      id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
      nodes: v.nodes.map((n) => ({ target: n.target, failureSummary: n.failureSummary, html: n.html })),
    })),
    passes: r.passes.length,
  }))`) as Promise<Omit<AxeReport, 'url'>>;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`axe-core did not finish in ${AXE_TIMEOUT_MS} ms on ${page.url()}`)),
      AXE_TIMEOUT_MS,
    );
  });
  const result = await Promise.race([run, timeout]).finally(() => clearTimeout(timer));
  return { url: page.url(), ...result };
}

async function runAxeOnCopy(page: Page): Promise<AxeReport> {
  const url = page.url();
  const html = await page.content();
  const browser = page.context().browser();
  if (!browser) throw new Error('runAxe: the page has no browser to open a copy in');
  const context = await browser.newContext({ ignoreHTTPSErrors: true, viewport: page.viewportSize() });
  try {
    const copy = await context.newPage();
    await copy.route(
      (target) => target.href === url,
      (route) => route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: html }),
    );
    await copy.route(
      (target) => target.pathname.endsWith('.js'),
      (route) => route.abort(),
    );
    await copy.goto(url);
    return await runAxe(copy);
  } finally {
    await context.close();
  }
}

/** The violations a person with a screen reader or low vision cannot work around. */
export function blockingViolations(report: AxeReport): AxeViolation[] {
  return report.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

/** One readable paragraph per violation: rule, impact, what to fix, and each offending element. */
export function describeViolations(pageName: string, violations: readonly AxeViolation[]): string {
  return violations
    .map((v) =>
      [
        `${pageName}: [${v.impact ?? 'unknown'}] ${v.id}: ${v.help} (${v.helpUrl})`,
        ...v.nodes.map(
          (n) =>
            `    at ${n.target.join(' ')}\n      ${n.html.slice(0, 200)}\n      ${(n.failureSummary ?? '').replace(/\n/g, '\n      ')}`,
        ),
      ].join('\n'),
    )
    .join('\n');
}
