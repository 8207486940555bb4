import { readBody } from '@extauth/server-kit/request-body';
import { WHM_API_TEXTS } from '@extauth/shared/external-auth-texts';
import type Router from '@koa/router';
import type { PanelContext, PanelDeps, PanelState } from '../deps.js';
import { invalidEncodingIn } from '../http/form-encoding.js';
import { routes } from '../http/routes.js';
import { authenticatedSession } from '../http/session-cookie.js';
import { type ApiAuthentication, authenticateApiRequest, authorizeApiCaller } from './api-auth.js';
import { envelopeOf, failureEnvelope, type WhmApiEnvelope } from './envelope.js';
import { collectParams, parseParams } from './params.js';
import { findApiFunction } from './registry.js';

function respond(ctx: PanelContext, status: number, body: WhmApiEnvelope): void {
  ctx.status = status;
  ctx.type = 'application/json';
  ctx.set('Cache-Control', 'no-store');
  ctx.body = body;
}

/** The function name as given, trimmed to something safe to echo in `metadata.command`. */
function commandOf(ctx: PanelContext): string {
  return String(ctx.params.fn ?? '').slice(0, 100);
}

/**
 * Room for a Base64 button icon in `configurations`. A body that does not decompress (400) or
 * has an unknown Content-Encoding (415) is answered in the envelope, as every other API refusal.
 */
const formBody = readBody({ enableTypes: ['form'], formLimit: '512kb' }, (ctx, refusal) =>
  respond(ctx as PanelContext, refusal.status, failureEnvelope(commandOf(ctx as PanelContext), refusal.message)),
);

async function answer(ctx: PanelContext, deps: PanelDeps, auth: ApiAuthentication): Promise<void> {
  const command = commandOf(ctx);
  if (!auth.ok) {
    if (auth.challenge) ctx.set('WWW-Authenticate', 'Basic realm="WHM"');
    if (auth.status === 429) ctx.set('Retry-After', String(auth.retryAfterSeconds));
    return respond(ctx, auth.status, failureEnvelope(command, auth.reason));
  }
  if (ctx.query['api.version'] !== '1') return respond(ctx, 200, failureEnvelope(command, WHM_API_TEXTS.wrongVersion));
  const fn = findApiFunction(command);
  if (!fn) return respond(ctx, 200, failureEnvelope(command, WHM_API_TEXTS.unknownFunction(command)));
  // qs keeps undecodable `%FF` as text, which would be stored as if it were the value sent.
  const badEncoding = invalidEncodingIn(ctx);
  if (badEncoding)
    return respond(
      ctx,
      200,
      envelopeOf(command, { ok: false, problem: { code: 'invalid_utf8', source: badEncoding } }),
    );
  const collected = collectParams(ctx.query, ctx.request.body);
  if (!collected.ok) return respond(ctx, 200, envelopeOf(command, collected));
  const parsed = parseParams(fn.params, collected.params);
  if (!parsed.ok) return respond(ctx, 200, envelopeOf(command, parsed));
  const outcome = await fn.run(deps, parsed.value, { username: auth.username });
  if (!outcome.ok) deps.logger.info('whm api: call refused', { command, problem: outcome.problem.code });
  respond(ctx, 200, envelopeOf(command, outcome));
}

/**
 * Browsers keep Basic credentials once a person typed them at the challenge and add them to any
 * request for this origin, including one another site's page starts (a form post, an image). Such
 * a request carries `Sec-Fetch-Site` other than `same-origin`/`none`, or a foreign `Origin`; a script
 * (curl, an API client) sends neither, so it is unaffected.
 */
function sentByAnotherSite(ctx: PanelContext, deps: PanelDeps): boolean {
  const site = ctx.get('sec-fetch-site');
  if (site !== '' && site !== 'same-origin' && site !== 'none') return true;
  const origin = ctx.get('origin');
  return origin !== '' && origin !== deps.config.publicUrl;
}

/**
 * WHM API 1 (§8) at `/json-api/<function>` with header credentials, and under the security token
 * for a logged-in session (the secured-area guard has checked the session and the token; the
 * token in the URL is what protects these session calls from other sites, as in cpsrvd).
 */
export function registerWhmApiRoutes(router: Router<PanelState>, deps: PanelDeps): void {
  const headerAuthenticated = async (ctx: PanelContext) => {
    if (sentByAnotherSite(ctx, deps)) {
      return respond(ctx, 403, failureEnvelope(commandOf(ctx), WHM_API_TEXTS.crossSite));
    }
    await answer(ctx, deps, await authenticateApiRequest(deps, ctx.get('authorization') || undefined, ctx.ip));
  };
  router.get(routes.jsonApi, headerAuthenticated);
  router.post(routes.jsonApi, formBody, headerAuthenticated);

  const sessionAuthenticated = async (ctx: PanelContext) => {
    const session = authenticatedSession(ctx);
    if (!session) throw new Error('the secured-area guard let a request without a session through');
    ctx.params = { ...ctx.params, fn: routes.securedJsonApi.exec(ctx.path)?.[1] ?? '' };
    await answer(ctx, deps, authorizeApiCaller(session.username));
  };
  router.get(routes.securedJsonApi, sessionAuthenticated);
  router.post(routes.securedJsonApi, formBody, sessionAuthenticated);
}
