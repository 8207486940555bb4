import { z } from 'zod';

export const consentFormSchema = z.object({
  /** "Trust HOSTNAME for 365 days…": remembered by flows/consent/trust.ts. */
  trust: z.literal('on', { error: 'Tick the box or leave it empty.' }).optional(),
});

export type ConsentForm = z.output<typeof consentFormSchema>;
