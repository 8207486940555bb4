import { createHash } from 'node:crypto';
import fs from 'node:fs';
import type { Middleware } from 'koa';

/** `apps/idp/assets/idp.css`, found from both `src/http` (tsx) and `dist/http` (compiled). */
const STYLESHEET_URL = new URL('../../assets/idp.css', import.meta.url);
const ONE_YEAR_SECONDS = 365 * 24 * 60 * 60;

export interface Stylesheet {
  /** Content hash, used in the link so a changed file gets a new URL. */
  version: string;
  serve: Middleware;
}

export function loadStylesheet(): Stylesheet {
  const css = fs.readFileSync(STYLESHEET_URL, 'utf8');
  const version = createHash('sha256').update(css).digest('base64url').slice(0, 12);
  return {
    version,
    serve: async (ctx) => {
      ctx.type = 'text/css; charset=utf-8';
      ctx.set('Cache-Control', `public, max-age=${ONE_YEAR_SECONDS}, immutable`);
      ctx.body = css;
    },
  };
}
