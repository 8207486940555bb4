import { MAX_EMAIL_LENGTH, MAX_PASSWORD_CODE_POINTS } from '@extauth/shared/idp-forms';
import { idpMessages } from '@extauth/shared/idp-messages';
import { z } from 'zod';

export { MAX_EMAIL_LENGTH, MAX_PASSWORD_CODE_POINTS };

/** Deliberately lenient on the email's shape: a login only looks it up (same answer either way). */
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
