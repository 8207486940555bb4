import { createHash } from 'node:crypto';
import fs from 'node:fs';
import type { Middleware } from 'koa';

const ONE_YEAR_SECONDS = 365 * 24 * 60 * 60;

export interface StaticAsset {
  /** Content hash, used in the link so a changed file gets a new URL. */
  version: string;
  serve: Middleware;
}

/** The stylesheet keeps its historical name; scripts are static files too (CSP: no inline script). */
export type Stylesheet = StaticAsset;

/** A file of `apps/idp/assets/`, found from both `src/http` (tsx) and `dist/http` (compiled). */
function loadAsset(name: string, type: string): StaticAsset {
  const body = fs.readFileSync(new URL(`../../assets/${name}`, import.meta.url), 'utf8');
  const version = createHash('sha256').update(body).digest('base64url').slice(0, 12);
  return {
    version,
    serve: async (ctx) => {
      ctx.type = type;
      ctx.set('Cache-Control', `public, max-age=${ONE_YEAR_SECONDS}, immutable`);
      ctx.body = body;
    },
  };
}

export function loadStylesheet(): Stylesheet {
  return loadAsset('idp.css', 'text/css; charset=utf-8');
}

/** The one script: it only improves pages that work without it (Generate, the code boxes). */
export function loadScript(): StaticAsset {
  return loadAsset('idp.js', 'text/javascript; charset=utf-8');
}
