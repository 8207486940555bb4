import { z } from 'zod';
import { idpMessages as m } from './idp-messages.js';

/**
 * The IdP's self-service forms (spec/webpros-account.md, "Rules"): one zod schema per form, with
 * the catalogue's sentences as messages. Field names are the HTML `name`s.
 */

/** The password rule counts Unicode code points, not bytes or UTF-16 units. */
export const MIN_PASSWORD_CODE_POINTS = 12;
/** Longest password accepted anywhere (spec: no truncation up to 1,024). */
export const MAX_PASSWORD_CODE_POINTS = 1024;
/** RFC 5321 §4.5.3.1 caps a path at 256 octets; 320 leaves room for internationalised forms. */
export const MAX_EMAIL_LENGTH = 320;
export const MAX_NAME_LENGTH = 100;

export const countCodePoints = (value: string): number => [...value].length;

/**
 * The ASCII (punycode, RFC 3492) form of an email's domain, or undefined when it is not a valid
 * host name. WHATWG URL parsing applies UTS #46 exactly as browsers do.
 */
export function emailDomainToAscii(domain: string): string | undefined {
  if (!/^[^\s@/?#\\:[\]%]+$/u.test(domain)) return undefined;
  let ascii: string;
  try {
    ascii = new URL(`http://${domain}`).hostname;
  } catch {
    return undefined;
  }
  const labels = ascii.split('.');
  const validLabel = (l: string) => /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/.test(l);
  if (labels.length < 2 || !labels.every(validLabel) || /^\d+$/.test(labels.at(-1) ?? '')) return undefined;
  return ascii;
}

/** Permissive on purpose: `+` tags and non-ASCII local parts and domains are all accepted. */
export function isEmailAddress(value: string): boolean {
  const at = value.lastIndexOf('@');
  if (at <= 0) return false;
  const local = value.slice(0, at);
  if (countCodePoints(local) > 64 || !/^[^\s@<>()[\]\\,;:"\p{Cc}]+$/u.test(local)) return false;
  if (local.startsWith('.') || local.endsWith('.') || local.includes('..')) return false;
  return emailDomainToAscii(value.slice(at + 1)) !== undefined;
}

/** Trimmed; stored as entered and compared lower-cased by the store. */
export const emailSchema = z
  .string({ error: m.email_required })
  .trim()
  .min(1, { error: m.email_required })
  .max(MAX_EMAIL_LENGTH, { error: m.email_too_long })
  .refine(isEmailAddress, { error: m.email_invalid });

/** A password being chosen: never trimmed, 12..1,024 code points. */
export const newPasswordSchema = (required: string = m.password_required) =>
  z
    .string({ error: required })
    .min(1, { error: required })
    .refine((v) => countCodePoints(v) >= MIN_PASSWORD_CODE_POINTS, { error: m.password_too_short })
    .refine((v) => countCodePoints(v) <= MAX_PASSWORD_CODE_POINTS, { error: m.password_too_long });

/** A password being checked: any length up to the maximum, never trimmed. */
export const currentPasswordSchema = (required: string = m.password_required) =>
  z
    .string({ error: required })
    .min(1, { error: required })
    .refine((v) => countCodePoints(v) <= MAX_PASSWORD_CODE_POINTS, { error: m.password_too_long });

/**
 * C0 and C1 controls (and DEL), and the bidi embeddings, overrides and isolates (U+202A–U+202E,
 * U+2066–U+2069; Unicode TR #9 §2, the "Trojan Source" characters): nothing a name needs, and they
 * reach ID-token claims, emails and other people's screens.
 */
export const NAME_FORBIDDEN_CHARACTERS = /[\p{Cc}\u202A-\u202E\u2066-\u2069]/u;

const nameSchema = (required: string) =>
  z
    .string({ error: required })
    .trim()
    .min(1, { error: required })
    .refine((v) => countCodePoints(v) <= MAX_NAME_LENGTH, { error: m.name_too_long })
    .refine((v) => !NAME_FORBIDDEN_CHARACTERS.test(v), { error: m.name_control_characters });

/** An HTML checkbox: "on" when ticked, absent when not. */
const checkbox = () => z.literal('on', { error: m.checkbox_invalid }).optional();

export const signupFormSchema = z.object({
  email: emailSchema,
  password: newPasswordSchema(),
  first_name: nameSchema(m.first_name_required),
  last_name: nameSchema(m.last_name_required),
  terms: z.literal('on', { error: m.terms_required }),
  newsletter: checkbox(),
});
export type SignupForm = z.output<typeof signupFormSchema>;

const digit = z.string().max(8).optional();

/** The plain `code` field wins; otherwise the six boxes `d1`..`d6` are joined. Spaces are ignored. */
export const emailCodeFormSchema = z
  .object({ code: z.string().max(64).optional(), d1: digit, d2: digit, d3: digit, d4: digit, d5: digit, d6: digit })
  .transform((f, ctx) => {
    const typed = (f.code ?? '').replace(/\s/g, '');
    const joined = typed || [f.d1, f.d2, f.d3, f.d4, f.d5, f.d6].map((d) => (d ?? '').trim()).join('');
    if (joined === '') ctx.addIssue({ code: 'custom', path: ['code'], message: m.code_required });
    else if (!/^\d{6}$/.test(joined)) ctx.addIssue({ code: 'custom', path: ['code'], message: m.code_format });
    return { code: joined };
  });
export type EmailCodeForm = z.output<typeof emailCodeFormSchema>;

export const passwordResetRequestSchema = z.object({ email: emailSchema });

export const newPasswordFormSchema = z.object({ password: newPasswordSchema(m.new_password_required) });

export const changeNameFormSchema = z.object({
  first_name: nameSchema(m.first_name_required),
  last_name: nameSchema(m.last_name_required),
});

export const changePasswordFormSchema = z.object({
  current_password: currentPasswordSchema(m.current_password_required),
  new_password: newPasswordSchema(m.new_password_required),
});

export const newsletterFormSchema = z.object({ newsletter: checkbox() });

/** Forms whose only field is the CSRF token ("Resend code", "Log out"): anything else sent must still be text. */
export const buttonOnlyFormSchema = z.object({});
