import { z } from 'zod';

/** Parameter shapes shared by several functions; the use cases check the values themselves. */
export const providerIdParam = z.string().max(64);
export const serviceNameParam = z.string().max(64);
export const usernameParam = z.string().max(64);
export const configurationsParam = z.string().max(256 * 1024);
