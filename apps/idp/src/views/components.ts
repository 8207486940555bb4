import { CSRF_FIELD } from '@extauth/server-kit/csrf';
import { type Html, html } from '@extauth/server-kit/html';

export function csrfInput(token: string): Html {
  return html`<input type="hidden" name="${CSRF_FIELD}" value="${token}">`;
}

/**
 * A sentence about the whole form, announced when the page loads. Pages put it under the form's
 * buttons, so a refused submit does not move the fields the person is about to correct.
 */
export function formAlert(id: string, message: string | undefined): Html {
  return message ? html`<p class="alert" id="${id}" role="alert">${message}</p>` : html``;
}

/**
 * The field that gets the focus when a form comes back refused: the first one in error, in the
 * order the form shows them (`autofocus`, so it works without JavaScript).
 */
export function firstInvalid<K extends string>(
  order: readonly K[],
  errors: Partial<Record<K, string | undefined>> | undefined,
): K | undefined {
  return order.find((name) => Boolean(errors?.[name]));
}

/** The attribute that puts the focus on a field when the page loads. */
export const autofocusIf = (focus: boolean | undefined): Html | '' => (focus ? html` autofocus` : '');

/**
 * A field's error line. The line is there even when empty, so an error that fits on it does not
 * push the rest of the form down. `announce` makes the line an alert: for a form whose only message
 * is this one (no form-level alert), so that a screen reader says why the form came back.
 */
export function fieldError(id: string, message: string | undefined, options: { announce?: boolean } = {}): Html {
  if (!message) return html`<p class="field-error"></p>`;
  return html`<p class="field-error" id="${id}"${options.announce ? html` role="alert"` : ''}>${message}</p>`;
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
  /** The first field in error: the focus starts here. */
  autofocus?: boolean | undefined;
  /** This field's error is the form's only message: announce it (see fieldError). */
  announceError?: boolean | undefined;
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
        }${autofocusIf(props.autofocus)}>
        ${fieldError(errorId, props.error, { announce: props.announceError === true })}
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
  autofocus?: boolean | undefined;
}

export function checkboxField(props: CheckboxFieldProps): Html {
  const errorId = `${props.id}-error`;
  return html`<div class="checkbox">
        <input type="checkbox" id="${props.id}" name="${props.name}" value="on"${props.checked ? html` checked` : ''}${
          props.error ? html` aria-invalid="true" aria-describedby="${errorId}"` : ''
        }${autofocusIf(props.autofocus)}>
        <label for="${props.id}">${props.label}</label>
      </div>
      ${fieldError(errorId, props.error)}`;
}
