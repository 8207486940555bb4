import { idpMessages } from '@extauth/shared/idp-messages';
import { z } from 'zod';

/** Longest password accepted anywhere, in code points (spec: no truncation up to 1,024). */
export const MAX_PASSWORD_CODE_POINTS = 1024;
/** RFC 5321 §4.5.3.1: a path is at most 256 octets, so longer input cannot be an address. */
export const MAX_EMAIL_LENGTH = 320;

export const loginFormSchema = z.object({
  // Trimmed (spec: emails are trimmed); passwords never are.
  email: z
    .string({ error: idpMessages.email_required })
    .trim()
    .min(1, { error: idpMessages.email_required })
    .max(MAX_EMAIL_LENGTH, { error: idpMessages.email_too_long }),
  password: z
    .string({ error: idpMessages.password_required })
    .min(1, { error: idpMessages.password_required })
    .refine((v) => [...v].length <= MAX_PASSWORD_CODE_POINTS, { error: idpMessages.password_too_long }),
});

export type LoginForm = z.output<typeof loginFormSchema>;
