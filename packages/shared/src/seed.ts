import { z } from 'zod';
import {
  MAX_EMAIL_LENGTH,
  MAX_NAME_LENGTH,
  MAX_PASSWORD_CODE_POINTS,
  MIN_PASSWORD_CODE_POINTS,
  NAME_FORBIDDEN_CHARACTERS,
} from './idp-forms.js';

/**
 * The seed file (JSON or YAML) of the sandbox: IdP accounts and extra OIDC clients, and the panel's
 * root password, resellers, links, panel.ini gate and WebPros services. Applied at every start
 * (`--seed FILE` / SANDBOX_SEED_FILE) and by `extauth-sandbox seed FILE`; applying it twice changes
 * nothing (accounts are matched by email, clients by client_id, panel users by username).
 * `seed.schema.json` beside this package is generated from these schemas (`pnpm --filter
 * @extauth/shared seed-schema`) for editor completion.
 */

const codePoints = (value: string) => [...value].length;

/** RFC 4648 base32 (upper or lower case, optional `=` padding): what authenticator apps accept. */
const BASE32_SECRET = /^[A-Za-z2-7]{16,128}=*$/;
/** The IdP's recovery code: 25 base32 characters, with or without separators. */
const RECOVERY_CODE = /^[A-Za-z2-7]{25}$/;

export const seedPasswordSchema = z
  .string()
  .refine((v) => codePoints(v) >= MIN_PASSWORD_CODE_POINTS && codePoints(v) <= MAX_PASSWORD_CODE_POINTS, {
    error: `must be ${MIN_PASSWORD_CODE_POINTS} to ${MAX_PASSWORD_CODE_POINTS} characters (the IdP's password rule)`,
  });

export const seedTotpSecretSchema = z
  .string()
  .regex(BASE32_SECRET, { error: 'must be a base32 secret of at least 16 characters (A-Z, 2-7)' })
  .describe('TOTP secret in base32, as an authenticator app is given it');

export const seedRecoveryCodeSchema = z
  .string()
  .refine((v) => RECOVERY_CODE.test(v.replace(/[\s\-_.]+/g, '')), {
    error: 'must be 25 base32 characters (A-Z, 2-7), separators allowed, e.g. ABCDE-FGHIJ-KLMNO-PQRST-UVWXY',
  })
  .describe('Recovery code: 25 base32 characters, separators allowed');

/** A name shown on pages and put in ID tokens: the signup form's character rule applies to seeds too. */
const seedName = (max: number) =>
  z
    .string()
    .max(max)
    .refine((v) => !NAME_FORBIDDEN_CHARACTERS.test(v), {
      error: 'must not contain control characters or bidirectional overrides',
    });

export const seedAccountSchema = z
  .strictObject({
    email: z.email({ error: 'must be an email address' }).max(MAX_EMAIL_LENGTH),
    password: seedPasswordSchema,
    givenName: seedName(MAX_NAME_LENGTH).default('Seeded'),
    familyName: seedName(MAX_NAME_LENGTH).default('User'),
    verified: z.boolean().default(true).describe('Whether the email address counts as verified'),
    newsletter: z.boolean().default(false),
    totpSecret: seedTotpSecretSchema.optional().describe('Turns MFA on with this TOTP secret'),
    recoveryCode: seedRecoveryCodeSchema.optional().describe('The recovery code of that MFA (needs totpSecret)'),
  })
  .refine((a) => a.recoveryCode === undefined || a.totpSecret !== undefined, {
    error: 'a recovery code needs a totpSecret',
    path: ['recoveryCode'],
  });
export type SeedAccount = z.output<typeof seedAccountSchema>;

const httpUrl = z.url({ protocol: /^https?$/, error: 'must be an absolute http(s) URL' });

export const seedClientSchema = z
  .strictObject({
    client_id: z.string().regex(/^[\x21-\x7e]{1,200}$/, { error: 'must be 1-200 visible ASCII characters' }),
    client_secret: z
      .string()
      .min(16, { error: 'must be at least 16 characters' })
      .max(1024)
      .optional()
      .describe('With a secret the client is confidential, without one it is public'),
    client_name: seedName(200).optional(),
    redirect_uris: z.array(httpUrl).min(1, { error: 'needs at least one redirect URI' }),
    post_logout_redirect_uris: z.array(httpUrl).default([]),
    grant_types: z
      .array(z.enum(['authorization_code', 'refresh_token']))
      .min(1)
      .default(['authorization_code', 'refresh_token']),
    token_endpoint_auth_method: z
      .enum(['client_secret_basic', 'client_secret_post', 'none'])
      .optional()
      .describe('Default: client_secret_basic with a secret, none without'),
    pkce_required: z
      .boolean()
      .optional()
      .describe('Default: required for public clients, accepted but optional for confidential ones'),
  })
  .superRefine((c, ctx) => {
    if (c.client_secret !== undefined && c.token_endpoint_auth_method === 'none') {
      ctx.addIssue({ code: 'custom', path: ['client_secret'], message: 'a public client (method none) has no secret' });
    }
    if (c.client_secret === undefined && c.token_endpoint_auth_method && c.token_endpoint_auth_method !== 'none') {
      ctx.addIssue({
        code: 'custom',
        path: ['token_endpoint_auth_method'],
        message: `${c.token_endpoint_auth_method} needs a client_secret`,
      });
    }
  });
export type SeedClient = z.output<typeof seedClientSchema>;
export type SeedClientInput = z.input<typeof seedClientSchema>;

/** WHM's rule for account names (createacct): a lowercase letter, then up to 15 letters or digits. */
const whmUsername = z.string().regex(/^[a-z][a-z0-9]{0,15}$/, {
  error: 'must be a lowercase letter followed by up to 15 lowercase letters or digits',
});

export const seedResellerSchema = z.strictObject({
  username: whmUsername,
  password: z.string().min(8, { error: 'must be at least 8 characters' }).max(1024),
  domain: z.string().regex(/^(?=.{4,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/, {
    error: 'must be a lowercase domain name such as reseller.example.test',
  }),
  contactemail: z.email({ error: 'must be an email address' }).optional(),
});

export const seedLinkSchema = z
  .strictObject({
    username: z.union([z.literal('root'), whmUsername]).describe('The WHM user (root or a reseller)'),
    subject: z.string().min(1).max(255).optional().describe('The IdP subject (sub) to link'),
    email: z.email({ error: 'must be an email address' }).optional().describe("An IdP account's email: its sub"),
    preferred_username: seedName(255).min(1).optional().describe('Label shown in WHM (default: the email)'),
  })
  .superRefine((l, ctx) => {
    if ((l.subject === undefined) === (l.email === undefined)) {
      ctx.addIssue({ code: 'custom', path: ['subject'], message: 'give either subject or email (exactly one)' });
    }
    if (l.subject !== undefined && l.preferred_username === undefined) {
      ctx.addIssue({ code: 'custom', path: ['preferred_username'], message: 'is required with subject' });
    }
  });
export type SeedLink = z.output<typeof seedLinkSchema>;

export const seedServicesSchema = z
  .strictObject({ whostmgrd: z.boolean(), cpaneld: z.boolean(), webmaild: z.boolean() })
  .partial()
  .describe('WebPros enabled (true) or disabled (false) per WHM service; services left out stay as they are');

export const seedFileSchema = z.strictObject({
  $schema: z.string().optional(),
  idp: z
    .strictObject({
      accounts: z.array(seedAccountSchema).default([]),
      clients: z.array(seedClientSchema).default([]),
    })
    .default({ accounts: [], clients: [] }),
  panel: z
    .strictObject({
      rootPassword: z
        .string()
        .min(1)
        .max(1024)
        .optional()
        .describe('WHM root password (PANEL_ROOT_PASSWORD wins when both are set)'),
      gate: z.boolean().optional().describe('panel.ini [AuthProviders] WebProsAccountAdmin'),
      services: seedServicesSchema.optional(),
      resellers: z.array(seedResellerSchema).default([]),
      links: z.array(seedLinkSchema).default([]),
    })
    .default({ resellers: [], links: [] }),
});
export type SeedFile = z.output<typeof seedFileSchema>;
export type SeedFileInput = z.input<typeof seedFileSchema>;
export type IdpSeed = SeedFile['idp'];
export type PanelSeed = SeedFile['panel'];

/** The seed with nothing in it. */
export const emptySeed = (): SeedFile => seedFileSchema.parse({});

/** The JSON Schema published as `seed.schema.json` (input shape: defaults are optional). */
export function seedJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(seedFileSchema, { io: 'input', target: 'draft-2020-12' }),
    title: 'extauth-sandbox seed file',
  };
}

/** Exactly what `seed.schema.json` holds (2-space JSON and a final newline). */
export function seedJsonSchemaText(): string {
  return `${JSON.stringify(seedJsonSchema(), null, 2)}\n`;
}
