import { idpMessages } from '@extauth/shared/idp-messages';
import { z } from 'zod';

/** "One-time code": its format is judged by the use case (a malformed code is a wrong code). */
export const oneTimeCodeFormSchema = z.object({
  code: z
    .string({ error: idpMessages.totp_required })
    .trim()
    .min(1, { error: idpMessages.totp_required })
    .max(20, { error: idpMessages.totp_wrong }),
});

export const recoveryCodeFormSchema = z.object({
  recovery_code: z
    .string({ error: idpMessages.recovery_code_required })
    .trim()
    .min(1, { error: idpMessages.recovery_code_required })
    .max(100, { error: idpMessages.recovery_code_wrong }),
});

/** "I have safely recorded this code" must be ticked. */
export const recordedFormSchema = z.object({
  recorded: z.literal('on', { error: idpMessages.recovery_code_ack_required }),
});

/** The account page's MFA form: one proof field, and which button was pressed. */
export const accountMfaFormSchema = z.object({
  proof: z
    .string({ error: idpMessages.mfa_proof_required })
    .min(1, { error: idpMessages.mfa_proof_required })
    .max(1024, { error: idpMessages.password_too_long }),
  action: z.enum(['regenerate', 'disable'], { error: idpMessages.form_invalid }),
});
