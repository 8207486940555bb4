import type { Logger } from '@extauth/server-kit/logger';
import type { KoaContextWithOIDC, Provider } from 'oidc-provider';

/** The OIDC events worth a line: an authorization that needs the person, login (with MFA), consent, codes and tokens issued, logout, and every error with its code. */
const ERROR_EVENTS = [
  'authorization.error',
  'grant.error',
  'end_session.error',
  'userinfo.error',
  'introspection.error',
  'revocation.error',
  'jwks.error',
  'discovery.error',
  'backchannel.error',
] as const;

interface OidcError {
  error?: string;
  error_description?: string;
}

const clientOf = (ctx: KoaContextWithOIDC) => ctx.oidc?.client?.clientId ?? ctx.oidc?.params?.client_id;

/**
 * Logs oidc-provider's events. Only identifiers go into the lines (client id, account id, grant
 * id, prompt, amr/acr, error codes); codes and tokens stay out, and the logger redacts them anyway.
 */
export function logProviderEvents(provider: Provider, logger: Logger): void {
  provider.on('interaction.started', (ctx: KoaContextWithOIDC, prompt: { name: string; reasons: string[] }) => {
    logger.info('oidc: authorization started', { client: clientOf(ctx), prompt: prompt.name, reasons: prompt.reasons });
  });
  provider.on('authorization.accepted', (ctx: KoaContextWithOIDC) => {
    logger.info('oidc: authorization accepted without interaction', { client: clientOf(ctx) });
  });
  provider.on('interaction.ended', (ctx: KoaContextWithOIDC) => {
    const result = ctx.oidc.result as
      | { login?: { accountId: string; amr?: string[]; acr?: string }; consent?: { grantId?: string } }
      | undefined;
    if (result?.login) {
      const { accountId, amr = [], acr } = result.login;
      logger.info(amr.length > 1 ? 'oidc: login with MFA' : 'oidc: login', {
        client: clientOf(ctx),
        accountId,
        amr,
        acr,
      });
    }
    if (result?.consent) logger.info('oidc: consent given', { client: clientOf(ctx), grantId: result.consent.grantId });
  });
  provider.on('authorization.success', (ctx: KoaContextWithOIDC) => {
    logger.info('oidc: authorization code issued', {
      client: clientOf(ctx),
      accountId: ctx.oidc.session?.accountId,
    });
  });
  provider.on('grant.success', (ctx: KoaContextWithOIDC) => {
    logger.info('oidc: token issued', { client: clientOf(ctx), grantType: ctx.oidc.params?.grant_type });
  });
  provider.on('grant.revoked', (_ctx: KoaContextWithOIDC, grantId: string) => {
    logger.info('oidc: grant revoked', { grantId });
  });
  provider.on('end_session.success', (ctx: KoaContextWithOIDC) => {
    logger.info('oidc: logged out', { client: clientOf(ctx) });
  });
  for (const event of ERROR_EVENTS) {
    // One listener shape for all of them; the typings overload each name separately.
    provider.on(event as 'grant.error', (ctx: KoaContextWithOIDC, err: OidcError) => {
      logger.warn(`oidc: ${event}`, {
        client: clientOf(ctx),
        error: err.error,
        description: err.error_description,
      });
    });
  }
  provider.on('server_error', (ctx: KoaContextWithOIDC, err: Error) => {
    logger.error('oidc: server error', { client: clientOf(ctx), err });
  });
}
