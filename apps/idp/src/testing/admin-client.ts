import type { TestIdp } from './test-idp.js';

export const TEST_ADMIN_TOKEN = 'test-admin-token-0123456789abcdef';

export interface AdminAnswer<T = Record<string, unknown>> {
  status: number;
  body: T;
  headers: Headers;
}

/** Calls the admin API of a test IdP as JSON, with the test token unless another is given (null: none). */
export function adminClient(t: TestIdp, token: string | null = TEST_ADMIN_TOKEN) {
  const http = t.browser();
  return async <T = Record<string, unknown>>(method: string, path: string, body?: unknown): Promise<AdminAnswer<T>> => {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (token !== null) headers.authorization = `Bearer ${token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await http.request(method, `${t.issuer}${path}`, {
      ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
      headers,
    });
    return { status: res.status, body: (res.text ? res.json() : {}) as T, headers: res.headers };
  };
}

export type AdminCall = ReturnType<typeof adminClient>;
