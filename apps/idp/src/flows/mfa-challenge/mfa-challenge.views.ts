import { html } from '@extauth/server-kit/html';
import { csrfInput, textField } from '../../views/components.js';
import { renderPage, type ViewContext } from '../../views/layout.js';
import { oneTimeCodeField } from '../mfa-enrollment/mfa-enrollment.views.js';

export interface ChallengePageModel {
  action: string;
  csrfToken: string;
  /** The other way to prove it: "Use a recovery code" (or back to the one-time code). */
  switchHref: string;
  error?: string | undefined;
}

/** "Verify Your Identity" with the one-time code. */
export function renderChallengePage(view: ViewContext, model: ChallengePageModel): string {
  return renderPage(view, {
    title: 'Verify Your Identity',
    body: html`<h1>Verify Your Identity</h1>
      <p>Enter the 6-digit code from your authenticator app.</p>
      <form method="post" action="${model.action}" novalidate>
        ${csrfInput(model.csrfToken)}
        ${oneTimeCodeField(model.error)}
        <div class="actions"><button type="submit" class="primary">Continue</button></div>
      </form>
      <p><a href="${model.switchHref}">Use a recovery code</a></p>`,
  });
}

/** "Verify Your Identity" with the recovery code. */
export function renderRecoveryLoginPage(view: ViewContext, model: ChallengePageModel): string {
  return renderPage(view, {
    title: 'Verify Your Identity',
    body: html`<h1>Verify Your Identity</h1>
      <p>Enter the recovery code you recorded when you set up multi-factor authentication. It works once; you will get a new one.</p>
      <form method="post" action="${model.action}" novalidate>
        ${csrfInput(model.csrfToken)}
        ${textField({
          id: 'recovery_code',
          name: 'recovery_code',
          label: 'Recovery code',
          type: 'text',
          autocomplete: 'off',
          error: model.error,
          autofocus: model.error !== undefined,
          announceError: true,
        })}
        <div class="actions"><button type="submit" class="primary">Continue</button></div>
      </form>
      <p><a href="${model.switchHref}">Use a one-time code instead</a></p>`,
  });
}
