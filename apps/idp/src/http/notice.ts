import { type IdpMessageCode, idpMessages } from '@extauth/shared/idp-messages';
import type { Context } from 'koa';

/**
 * The sentence named by `?notice=CODE` after a POST/redirect/GET, if it is one this page shows;
 * the query carries only a catalogue code, never text.
 */
export function noticeFromQuery(ctx: Context, allowed: readonly IdpMessageCode[]): string | undefined {
  const code = ctx.query.notice;
  return typeof code === 'string' && (allowed as readonly string[]).includes(code)
    ? idpMessages[code as IdpMessageCode]
    : undefined;
}
