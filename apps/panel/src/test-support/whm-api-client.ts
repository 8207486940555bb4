import type { HttpResponse } from '@extauth/server-kit/http-client';
import { TEST_ROOT_PASSWORD, type TestEnv } from './harness.js';

export interface Envelope {
  metadata: { command: string; reason: string; result: 0 | 1; version: number };
  data?: Record<string, unknown>;
}

export const basicAuth = (user: string, password: string) =>
  `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
export const ROOT_BASIC = basicAuth('root', TEST_ROOT_PASSWORD);

/** Calls `/json-api/<fn>?api.version=1`, as root with Basic by default; GET query or POST form. */
export async function callWhmApi(
  env: TestEnv,
  fn: string,
  params: Record<string, string> = {},
  options: { method?: 'GET' | 'POST'; authorization?: string | null; prefix?: string } = {},
): Promise<{ res: HttpResponse; body: Envelope }> {
  const headers: Record<string, string> = {};
  const authorization = options.authorization === undefined ? ROOT_BASIC : options.authorization;
  if (authorization !== null) headers.authorization = authorization;
  const url = new URL(`${env.url}${options.prefix ?? ''}/json-api/${fn}`);
  url.searchParams.set('api.version', '1');
  let res: HttpResponse;
  if (options.method === 'POST') {
    res = await env.browser.request('POST', url, { body: new URLSearchParams(params), headers });
  } else {
    for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
    res = await env.browser.request('GET', url, { headers });
  }
  return { res, body: res.json<Envelope>() };
}
