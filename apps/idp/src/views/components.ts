import { CSRF_FIELD } from '@extauth/server-kit/csrf';
import { type Html, html } from '@extauth/server-kit/html';

export function csrfInput(token: string): Html {
  return html`<input type="hidden" name="${CSRF_FIELD}" value="${token}">`;
}

/** A sentence about the whole form, announced when the page loads. */
export function formAlert(id: string, message: string | undefined): Html {
  return message ? html`<p class="alert" id="${id}" role="alert">${message}</p>` : html``;
}

export interface TextFieldProps {
  id: string;
  name: string;
  label: string;
  type: 'text' | 'email' | 'password';
  value?: string | undefined;
  autocomplete: string;
  required?: boolean;
  /** This field's own error. */
  error?: string | undefined;
  /** Ids of other messages that describe this field (a form-level alert). */
  describedBy?: readonly string[];
}

export function textField(props: TextFieldProps): Html {
  const errorId = `${props.id}-error`;
  const describedBy = [...(props.describedBy ?? []), ...(props.error ? [errorId] : [])];
  const invalid = describedBy.length > 0;
  return html`<div class="field">
        <label for="${props.id}">${props.label}</label>
        <input id="${props.id}" name="${props.name}" type="${props.type}"${
          props.value !== undefined ? html` value="${props.value}"` : ''
        } autocomplete="${props.autocomplete}"${props.required === false ? '' : html` required`}${
          invalid ? html` aria-invalid="true" aria-describedby="${describedBy.join(' ')}"` : ''
        }>
        ${props.error ? html`<p class="field-error" id="${errorId}">${props.error}</p>` : ''}
      </div>`;
}

/** A confirmation (not an error), announced politely. */
export function formNotice(message: string | undefined): Html {
  return message ? html`<p class="notice" role="status">${message}</p>` : html``;
}

export interface CheckboxFieldProps {
  id: string;
  name: string;
  label: string;
  checked: boolean;
  error?: string | undefined;
}

export function checkboxField(props: CheckboxFieldProps): Html {
  const errorId = `${props.id}-error`;
  return html`<div class="checkbox">
        <input type="checkbox" id="${props.id}" name="${props.name}" value="on"${props.checked ? html` checked` : ''}${
          props.error ? html` aria-invalid="true" aria-describedby="${errorId}"` : ''
        }>
        <label for="${props.id}">${props.label}</label>
      </div>
      ${props.error ? html`<p class="field-error" id="${errorId}">${props.error}</p>` : ''}`;
}
