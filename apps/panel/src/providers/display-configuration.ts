import { z } from 'zod';

/** §8: `color` and `textcolor` are 3 to 6 hex digits without `#`. */
export const HEX_COLOUR = /^[0-9a-fA-F]{3,6}$/;
const MAX_ICON_BASE64_LENGTH = 64 * 1024;

const hexColour = z.string().regex(HEX_COLOUR);
const base64Icon = z
  .string()
  .max(MAX_ICON_BASE64_LENGTH)
  .regex(/^[A-Za-z0-9+/]*={0,2}$/);
const iconType = z.string().regex(/^image\/[a-z0-9.+-]{1,100}$/);

/** How a provider's login button looks (§6.2). */
export const displayConfigurationSchema = z.object({
  label: z.string().min(1).max(100),
  color: hexColour,
  textcolor: hexColour,
  /** Base64 image, empty for none. */
  icon: base64Icon,
  icon_type: iconType,
  link: z.string(),
  display_name: z.string().min(1),
  provider_name: z.string().min(1),
  documentation_url: z.string(),
});
export type DisplayConfiguration = z.infer<typeof displayConfigurationSchema>;

/** The keys `set_provider_display_configurations` and the Configure page may change. */
export const EDITABLE_DISPLAY_KEYS = Object.freeze([
  'label',
  'color',
  'textcolor',
  'icon',
  'icon_type',
  'documentation_url',
] as const);
export type EditableDisplayKey = (typeof EDITABLE_DISPLAY_KEYS)[number];

/** Each editable key's own rule, so a bad value is reported under its key. */
export const editableDisplayValueSchemas: Readonly<Record<EditableDisplayKey, z.ZodType<string>>> = Object.freeze({
  label: z
    .string()
    .min(1)
    .max(100)
    .refine((v) => !/[\r\n]/.test(v)),
  color: hexColour,
  textcolor: hexColour,
  icon: base64Icon,
  icon_type: iconType,
  documentation_url: z
    .string()
    .max(2048)
    .refine((v) => v === '' || /^https?:\/\/[^\s]+$/.test(v)),
});

export const displayOverridesSchema = z
  .object(
    Object.fromEntries(EDITABLE_DISPLAY_KEYS.map((k) => [k, editableDisplayValueSchemas[k].optional()])) as Record<
      EditableDisplayKey,
      z.ZodOptional<z.ZodType<string>>
    >,
  )
  .strip();

/** The product's defaults for a provider module (§6.2). */
export function defaultDisplayConfiguration(providerId: string, displayName: string): DisplayConfiguration {
  return {
    label: `Log in via ${displayName}`,
    color: 'cccccc',
    textcolor: '000000',
    icon: '',
    icon_type: 'image/svg+xml',
    link: `/openid_connect/${providerId}`,
    display_name: displayName,
    provider_name: providerId,
    documentation_url: 'http://openid.net/developers/specs/',
  };
}
