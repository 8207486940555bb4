import { seedAccountSchema, seedRecoveryCodeSchema, seedTotpSecretSchema } from '@extauth/shared/seed';
import { z } from 'zod';

/** Request bodies of the admin API (ADMIN-API.md); every one is validated before use. */

/** A seed-file account whose password may be left out (one is generated and returned once). */
export const createAccountBody = z
  .strictObject({
    ...seedAccountSchema.shape,
    password: seedAccountSchema.shape.password.optional(),
  })
  .refine((a) => a.recoveryCode === undefined || a.totpSecret !== undefined, {
    error: 'a recovery code needs a totpSecret',
    path: ['recoveryCode'],
  });

export const setMfaBody = z.strictObject({
  totpSecret: seedTotpSecretSchema.optional(),
  recoveryCode: seedRecoveryCodeSchema.optional(),
});

export const rotateKeyBody = z.strictObject({
  /** How long the old keys stay in the JWKS (verify only); the sweeper drops them afterwards. */
  graceSeconds: z
    .number()
    .int()
    .min(0)
    .max(30 * 24 * 60 * 60)
    .default(24 * 60 * 60),
});

export const moveClockBody = z.union(
  [
    z.strictObject({
      advanceSeconds: z
        .number()
        .int()
        .min(-10 * 365 * 86400)
        .max(10 * 365 * 86400),
    }),
    z.strictObject({ set: z.iso.datetime({ offset: true, error: 'must be an ISO 8601 date-time' }) }),
    z.strictObject({ reset: z.literal(true) }),
  ],
  { error: 'give one of advanceSeconds, set (ISO 8601) or reset: true' },
);

/** OAuth error codes (RFC 6749 §5.2, RFC 6750 §3.1) a relying party is likely to meet. */
const oauthError = z.string().regex(/^[a-z_]{1,64}$/, { error: 'must be an OAuth error code such as invalid_grant' });

export const faultBody = z
  .strictObject({
    endpoint: z.enum(['token', 'userinfo']),
    /** How many of the next responses of that endpoint are affected. */
    times: z.number().int().min(1).max(1000).default(1),
    delayMs: z.number().int().min(0).max(60_000).optional(),
    respond: z
      .strictObject({
        status: z.number().int().min(400).max(599).default(400),
        error: oauthError.default('server_error'),
        error_description: z.string().max(500).optional(),
      })
      .optional(),
    idToken: z.enum(['expired', 'wrong_iss', 'wrong_aud', 'bad_signature']).optional(),
  })
  .superRefine((f, ctx) => {
    if (f.delayMs === undefined && f.respond === undefined && f.idToken === undefined) {
      ctx.addIssue({ code: 'custom', path: [], message: 'give at least one of delayMs, respond or idToken' });
    }
    if (f.respond !== undefined && f.idToken !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['idToken'], message: 'cannot be combined with respond' });
    }
    if (f.idToken !== undefined && f.endpoint !== 'token') {
      ctx.addIssue({ code: 'custom', path: ['idToken'], message: 'only the token endpoint issues ID tokens' });
    }
  });
export type FaultSpec = z.output<typeof faultBody>;

export const outboxQuery = z.strictObject({
  to: z.email({ error: 'must be an email address' }),
  limit: z.coerce.number().int().min(1).max(100).default(10),
});
