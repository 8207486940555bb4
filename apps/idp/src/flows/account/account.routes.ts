import { AppError } from '@extauth/server-kit/errors';
import { parseForm } from '@extauth/server-kit/forms';
import {
  buttonOnlyFormSchema,
  changeNameFormSchema,
  changePasswordFormSchema,
  newsletterFormSchema,
} from '@extauth/shared/idp-forms';
import { idpMessages } from '@extauth/shared/idp-messages';
import { Router } from '@koa/router';
import type { Context } from 'koa';
import type { IdpDeps } from '../../deps.js';
import {
  currentAccountSessionIdHash,
  endAccountSession,
  requireAccountSession,
  rotateAccountSession,
  signedInAccount,
} from '../../http/account-session.js';
import { formBody } from '../../http/form-body.js';
import { noticeFromQuery } from '../../http/notice.js';
import { idpPaths, idpRoutes } from '../../http/routes.js';
import { changePassword, mfaStateOf } from './account.js';
import { type AccountPageModel, renderAccountPage } from './account.views.js';

type AccountPageState = Pick<AccountPageModel, 'notice' | 'errors'> & { nameValues?: AccountPageModel['nameValues'] };

/** Notices the account page may show after a redirect (`?notice=`). */
const ACCOUNT_NOTICES = [
  'name_saved',
  'password_changed',
  'newsletter_saved',
  'enrollment_email_sent',
  'mfa_enabled',
  'mfa_disabled',
  'mfa_already_enabled',
  'recovery_code_replaced',
  'trust_revoked',
] as const;

/**
 * A throttled or locked attempt on the account page is answered on the account page, the sentence
 * at the form it concerns (429 with Retry-After), like the login form does, not on a bare error page.
 */
export async function refuseOnAccountPage(
  deps: IdpDeps,
  ctx: Context,
  refusal: { retryAfterSeconds: number; errors: AccountPageState['errors'] },
): Promise<void> {
  ctx.status = 429;
  ctx.set('Retry-After', String(refusal.retryAfterSeconds));
  await showAccountPage(deps, ctx, { errors: refusal.errors });
}

export async function showAccountPage(deps: IdpDeps, ctx: Context, state: AccountPageState = {}): Promise<void> {
  const account = signedInAccount(ctx);
  const sites = deps.trustedSites.listTrustOfAccount(account.id, account.credentialVersion, deps.clock.now().getTime());
  const trustedSites = await Promise.all(
    sites.map(async (site) => {
      const client = await deps.provider.Client.find(site.clientId);
      return {
        id: site.id,
        clientName: client?.clientName ?? site.clientId,
        hostname: site.hostname,
        revokeAction: idpPaths.accountTrustRevoke(site.id),
      };
    }),
  );
  ctx.type = 'text/html; charset=utf-8';
  ctx.body = renderAccountPage(deps.view, {
    csrfToken: ctx.state.csrfToken as string,
    account: {
      name: `${account.givenName} ${account.familyName}`.trim(),
      email: account.email,
      emailVerified: account.emailVerified,
      newsletter: account.newsletter,
      termsAcceptedAt: account.termsAcceptedAt,
      termsVersion: account.termsVersion,
      mfa: mfaStateOf(deps.mfa, account),
    },
    nameValues: state.nameValues ?? { firstName: account.givenName, lastName: account.familyName },
    trustedSites,
    actions: {
      enrollmentEmail: idpPaths.accountEnrollmentEmail(),
      mfa: idpPaths.accountMfa(),
      logout: idpPaths.accountLogout(),
      name: idpPaths.accountName(),
      password: idpPaths.accountPassword(),
      newsletter: idpPaths.accountNewsletter(),
    },
    notice: state.notice,
    errors: state.errors,
  });
}

const done = (ctx: Context, notice: string) => {
  ctx.status = 303;
  ctx.redirect(idpPaths.account(notice));
};

const text = (ctx: Context, name: string) => {
  const value = (ctx.request.body as Record<string, unknown> | undefined)?.[name];
  return typeof value === 'string' ? value : '';
};

/** The welcome / account pages, for a browser signed in to the account pages (see account-session.ts). */
export function accountRoutes(deps: IdpDeps): Router {
  const router = new Router();
  const signedIn = requireAccountSession(deps);
  const post = [formBody(), deps.csrf.issue, deps.csrf.require, signedIn] as const;

  router.get(idpRoutes.account, deps.csrf.issue, signedIn, (ctx) =>
    showAccountPage(deps, ctx, { notice: noticeFromQuery(ctx, ACCOUNT_NOTICES) }),
  );

  router.post(idpRoutes.accountLogout, formBody(), deps.csrf.issue, deps.csrf.require, (ctx) => {
    if (!parseForm(buttonOnlyFormSchema, ctx.request.body).ok) {
      throw new AppError('form_invalid', idpMessages.form_invalid, { status: 400 });
    }
    endAccountSession(deps, ctx);
    deps.mfaFlow.clear(ctx);
    ctx.status = 303;
    ctx.redirect(idpPaths.loginPage(undefined, 'logged_out'));
  });

  router.post(idpRoutes.accountName, ...post, async (ctx) => {
    const form = parseForm(changeNameFormSchema, ctx.request.body);
    if (!form.ok) {
      const { first_name, last_name, ...others } = form.fieldErrors;
      ctx.status = 400;
      await showAccountPage(deps, ctx, {
        nameValues: { firstName: text(ctx, 'first_name'), lastName: text(ctx, 'last_name') },
        errors: {
          name: { first_name, last_name, form: Object.keys(others).length ? idpMessages.form_invalid : undefined },
        },
      });
      return;
    }
    deps.accounts.changeName(signedInAccount(ctx).id, form.data.first_name, form.data.last_name);
    done(ctx, 'name_saved');
  });

  router.post(idpRoutes.accountPassword, ...post, async (ctx) => {
    const account = signedInAccount(ctx);
    const form = parseForm(changePasswordFormSchema, ctx.request.body);
    if (!form.ok) {
      const { current_password, new_password, ...others } = form.fieldErrors;
      ctx.status = 400;
      await showAccountPage(deps, ctx, {
        errors: {
          password: {
            current_password,
            new_password,
            form: Object.keys(others).length ? idpMessages.form_invalid : undefined,
          },
        },
      });
      return;
    }
    // Guessing the current password here is a password attempt like any other (counted before
    // the check, so parallel guesses cannot all pass it).
    const attempt = await deps.loginThrottle.attempt(
      ctx,
      account.email,
      () =>
        changePassword(deps, {
          account,
          currentPassword: form.data.current_password,
          newPassword: form.data.new_password,
          currentSessionIdHash: currentAccountSessionIdHash(ctx),
        }),
      // Losing to another change still proved the current password: no failure.
      (changed) => changed.ok || changed.error !== 'CURRENT_PASSWORD_WRONG',
    );
    if (!attempt.allowed) {
      await refuseOnAccountPage(deps, ctx, {
        retryAfterSeconds: attempt.retryAfterSeconds,
        errors: { password: { current_password: attempt.message } },
      });
      return;
    }
    const result = attempt.result;
    if (!result.ok && result.error === 'CURRENT_PASSWORD_WRONG') {
      ctx.status = 400;
      await showAccountPage(deps, ctx, {
        errors: { password: { current_password: idpMessages.current_password_wrong } },
      });
      return;
    }
    if (!result.ok) {
      ctx.status = 409;
      await showAccountPage(deps, ctx, {
        errors: { password: { current_password: idpMessages.password_changed_meanwhile } },
      });
      return;
    }
    // Every other session ended inside changePassword; this one goes on under a new id.
    rotateAccountSession(deps, ctx, account.id);
    done(ctx, 'password_changed');
  });

  router.post(idpRoutes.accountNewsletter, ...post, async (ctx) => {
    const form = parseForm(newsletterFormSchema, ctx.request.body);
    if (!form.ok) {
      ctx.status = 400;
      await showAccountPage(deps, ctx, {
        errors: { newsletter: form.fieldErrors.newsletter ?? idpMessages.form_invalid },
      });
      return;
    }
    deps.accounts.chooseNewsletter(signedInAccount(ctx).id, form.data.newsletter === 'on');
    done(ctx, 'newsletter_saved');
  });

  return router;
}
