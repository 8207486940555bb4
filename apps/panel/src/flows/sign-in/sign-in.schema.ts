import { z } from 'zod';

/** WHM's non-JS login form (§3): `user`, `pass`, optional `goto_uri`. */
export const loginFormSchema = z.object({
  user: z.string().max(255).default(''),
  pass: z.string().max(1024).default(''),
  goto_uri: z.string().max(1024).optional(),
});
