import { parseForm } from '@extauth/server-kit/forms';
import { signupFormSchema } from '@extauth/shared/idp-forms';
import { idpMessages } from '@extauth/shared/idp-messages';
import { Router } from '@koa/router';
import type { Context } from 'koa';
import type { IdpDeps } from '../../deps.js';
import { generatePassword } from '../../domain/passwords.js';
import { formBody } from '../../http/form-body.js';
import { optionalInteraction, uidOf } from '../../http/interaction-scope.js';
import { idpPaths, idpRoutes } from '../../http/routes.js';
import { emailCodeDeps, loginUrlFor } from '../email-code/email-code.routes.js';
import { signUp } from './signup.js';
import { renderSignupPage, type SignupPageModel } from './signup.views.js';

type SignupPageState = Omit<SignupPageModel, 'action' | 'loginHref' | 'csrfToken'>;

const EMPTY = { email: '', firstName: '', lastName: '', terms: false, newsletter: false };

function showSignupPage(deps: IdpDeps, ctx: Context, state: SignupPageState): void {
  const uid = uidOf(ctx);
  ctx.type = 'text/html; charset=utf-8';
  ctx.body = renderSignupPage(deps.view, {
    action: idpPaths.signup(uid),
    loginHref: idpPaths.loginPage(uid),
    csrfToken: ctx.state.csrfToken as string,
    ...state,
  });
}

/** What was typed, to show it back; any non-text value (an array, an object) shows as empty. */
function typedValues(body: unknown): SignupPageState['values'] {
  const b = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>;
  const text = (name: string) => (typeof b[name] === 'string' ? b[name] : '');
  return {
    email: text('email'),
    firstName: text('first_name'),
    lastName: text('last_name'),
    terms: b.terms === 'on',
    newsletter: b.newsletter === 'on',
  };
}

export function signupRoutes(deps: IdpDeps): Router {
  const router = new Router();
  const scope = optionalInteraction(deps.provider);

  router.get([...idpRoutes.signup], deps.csrf.issue, scope, (ctx) => showSignupPage(deps, ctx, { values: EMPTY }));

  router.post([...idpRoutes.signup], formBody(), deps.csrf.issue, deps.csrf.require, scope, async (ctx) => {
    const body = ctx.request.body as Record<string, unknown> | undefined;
    const values = typedValues(body);
    // "Generate" without JavaScript: the form comes back with a generated password shown in clear.
    if (body?.generate !== undefined) {
      showSignupPage(deps, ctx, {
        values,
        generatedPassword: generatePassword(deps.random),
        notice: idpMessages.password_generated,
      });
      return;
    }
    const form = parseForm(signupFormSchema, body);
    if (!form.ok) {
      const { email, password, first_name, last_name, terms, newsletter, ...others } = form.fieldErrors;
      ctx.status = 400;
      showSignupPage(deps, ctx, {
        values,
        formError: Object.keys(others).length > 0 ? idpMessages.form_invalid : undefined,
        fieldErrors: { email, password, first_name, last_name, terms, newsletter },
      });
      return;
    }
    const result = await signUp(emailCodeDeps(deps), { ...form.data, loginUrl: loginUrlFor(deps, ctx) });
    if (!result.ok) {
      ctx.status = 503;
      showSignupPage(deps, ctx, { values, formError: idpMessages.mail_failed });
      return;
    }
    const uid = uidOf(ctx);
    deps.codeFlow.write(ctx, { purpose: 'verify_email', email: form.data.email, uid, step: 'awaiting_code' });
    ctx.status = 303;
    ctx.redirect(idpPaths.emailCode(uid));
  });

  return router;
}
