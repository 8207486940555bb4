import { z } from 'zod';

/**
 * What a session holds between requests (sealed at rest: it contains ID tokens). Parsed with zod
 * when opened, so a row written by an older version or tampered with is treated as no session.
 */

/** The OIDC round trip in flight (§5.1 `openid_connect_state`, plus our PKCE verifier and nonce). */
export const oidcRoundTripSchema = z.object({
  providerId: z.string(),
  externalValidationToken: z.string(),
  pkceCodeVerifier: z.string(),
  nonce: z.string(),
  action: z.enum(['login', 'link']),
  gotoUri: z.string(),
  gotoApp: z.string(),
  parameterizedForm: z.string(),
  tokenDenied: z.string(),
  user: z.string(),
  startedAt: z.number(),
});
export type OidcRoundTrip = z.infer<typeof oidcRoundTripSchema>;

/** NEED_LINK (§5.4): an external identity waiting for a local password to be linked. */
export const pendingLinkSchema = z.object({
  providerId: z.string(),
  subject: z.string(),
  idToken: z.string(),
  preferredUsername: z.string(),
  email: z.string().optional(),
  alreadyLinked: z.boolean(),
  gotoUri: z.string(),
  /** Unix ms; §5.4 stores `openid_connect_token_expiry` with the link request. Absent in older sessions. */
  tokenExpiresAt: z.number().optional(),
});
export type PendingLink = z.infer<typeof pendingLinkSchema>;

/** SELECT_USER (§5.2 step 9, `openid_connect_need_disambiguation`): one subject, several accounts. */
export const pendingSelectionSchema = z.object({
  providerId: z.string(),
  subject: z.string(),
  idToken: z.string(),
  preferredUsername: z.string(),
  email: z.string().optional(),
  usernames: z.array(z.string()).min(2),
  /** Unix ms. */
  tokenExpiresAt: z.number(),
  gotoUri: z.string(),
});
export type PendingSelection = z.infer<typeof pendingSelectionSchema>;

/** How an authenticated session was established through a provider (§5.3). */
export const externalAuthSchema = z.object({
  providerId: z.string(),
  subject: z.string(),
  idToken: z.string(),
  /** Unix ms; §5.2 step 7. */
  tokenExpiresAt: z.number(),
  authenticatedAt: z.number(),
});
export type ExternalAuth = z.infer<typeof externalAuthSchema>;

/**
 * TFA_PROMPT (§10, §11): the primary login succeeded, WHM's 2FA security policy has not. The session
 * stays pre-auth (`username` null) until a valid code, so no `/cpsess…/` page or API call opens.
 */
export const pendingTwoFactorSchema = z.object({
  username: z.string(),
  gotoUri: z.string(),
  externalAuth: externalAuthSchema.optional(),
  /** Unix ms. */
  startedAt: z.number(),
});
export type PendingTwoFactor = z.infer<typeof pendingTwoFactorSchema>;

/** Manage My Account's set-up in progress: the secret shown, kept server-side until confirmed. */
export const tfaSetupSchema = z.object({ secret: z.string(), createdAt: z.number() });

export const sessionDataSchema = z.object({
  oidc: oidcRoundTripSchema.optional(),
  pendingLink: pendingLinkSchema.optional(),
  pendingSelection: pendingSelectionSchema.optional(),
  externalAuth: externalAuthSchema.optional(),
  pendingTwoFactor: pendingTwoFactorSchema.optional(),
  tfaSetup: tfaSetupSchema.optional(),
});
export type SessionData = z.infer<typeof sessionDataSchema>;
