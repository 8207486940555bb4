import { AppError } from '@extauth/server-kit/errors';
import { idpMessages } from '@extauth/shared/idp-messages';
import type { Context, Middleware } from 'koa';
import { errors, type Interaction, type InteractionResults, type Provider } from 'oidc-provider';

export type InteractionPrompt = 'login' | 'consent';

/**
 * Guard: loads the pending oidc-provider interaction named by the URL into `ctx.state.interaction`,
 * translating the provider's errors (no cookie, expired, another tab's interaction) into our
 * message; with `prompt`, also refuses a step that is not the current one.
 */
export function requireInteraction(provider: Provider, prompt?: InteractionPrompt): Middleware {
  return async (ctx, next) => {
    let details: Interaction;
    try {
      details = await provider.interactionDetails(ctx.req, ctx.res);
    } catch (err) {
      if (err instanceof errors.OIDCProviderError) {
        throw new AppError('interaction_expired', idpMessages.interaction_expired, { status: 400, cause: err });
      }
      throw err;
    }
    if (details.uid !== ctx.params.uid) {
      throw new AppError('interaction_expired', idpMessages.interaction_expired, { status: 400 });
    }
    if (prompt && details.prompt.name !== prompt) {
      throw new AppError('interaction_wrong_step', idpMessages.interaction_wrong_step, { status: 400 });
    }
    ctx.state.interaction = details;
    await next();
  };
}

export function interactionOf(ctx: Context): Interaction {
  const details = ctx.state.interaction as Interaction | undefined;
  if (!details) throw new Error('requireInteraction() must run before this handler');
  return details;
}

/** Hands the result to oidc-provider and continues the authorization with a 303 (POST→GET). */
export async function finishInteraction(provider: Provider, ctx: Context, result: InteractionResults): Promise<void> {
  const returnTo = await provider.interactionResult(ctx.req, ctx.res, result, { mergeWithLastSubmission: false });
  ctx.status = 303;
  ctx.redirect(returnTo);
}
