import { z } from 'zod';

/** `amr` values (RFC 8176): `pwd` password, `otp` TOTP, `mfa` a recovery code as second factor. */
export const amrSchema = z.array(z.enum(['pwd', 'otp', 'mfa']));
/** `acr`: "1" password only, "2" with a second factor. */
export const acrSchema = z.enum(['1', '2']);

/** The claims the IdP issues about an account (ID token and userinfo). */
export const accountClaimsSchema = z.object({
  sub: z.string().min(1),
  email: z.string(),
  email_verified: z.boolean(),
  given_name: z.string(),
  family_name: z.string(),
  name: z.string(),
});
export type AccountClaims = z.infer<typeof accountClaimsSchema>;
