import { createPublicKey, type JsonWebKey, verify } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { createHttpClient, parseForms } from '@extauth/server-kit/http-client';
import { LICENCE_FILE_NAME } from '@extauth/server-kit/licence';
import { IDP, PANEL_REDIRECT_URI as REDIRECT_URI } from './urls.js';

function readCa(dataDir: string): string {
  return fs.readFileSync(path.join(dataDir, 'tls', 'ca.pem'), 'utf8');
}

/**
 * Runs the panel's client through a code flow against the IdP over HTTP (no browser) and returns
 * the ID token, as a relying party would receive it. The client credentials are the licence's.
 */
export async function issueIdToken(options: { dataDir: string; email: string; password: string }) {
  const licence = JSON.parse(fs.readFileSync(path.join(options.dataDir, LICENCE_FILE_NAME), 'utf8')) as {
    client_id: string;
    client_secret: string;
  };
  const http = createHttpClient({ ca: readCa(options.dataDir) });
  try {
    const discovery = (await http.get(`${IDP}/.well-known/openid-configuration`)).json<{
      authorization_endpoint: string;
      token_endpoint: string;
    }>();
    const authorize = new URL(discovery.authorization_endpoint);
    authorize.search = new URLSearchParams({
      client_id: licence.client_id,
      redirect_uri: REDIRECT_URI,
      response_type: 'code',
      scope: 'openid profile email',
      state: 'restart-test',
    }).toString();
    const stopAtPanel = (url: URL) => url.href.startsWith(REDIRECT_URI);
    let res = await http.follow(await http.get(authorize), { stopAt: stopAtPanel });
    for (let step = 0; step < 4 && !(res.location && stopAtPanel(new URL(res.location))); step += 1) {
      const form = parseForms(res.text, res.url).find((f) => f.method === 'POST');
      if (!form) throw new Error(`no form on ${res.url} (status ${res.status}):\n${res.text.slice(0, 500)}`);
      if ('email' in form.fields || 'password' in form.fields) {
        form.fields.email = options.email;
        form.fields.password = options.password;
      }
      res = await http.follow(await http.post(form.action, form.fields), { stopAt: stopAtPanel });
    }
    const callback = new URL(res.location ?? '');
    const code = callback.searchParams.get('code');
    if (!code) throw new Error(`no code in ${callback.href}`);
    const token = await http.post(discovery.token_endpoint, {
      grant_type: 'authorization_code',
      code,
      redirect_uri: REDIRECT_URI,
      client_id: licence.client_id,
      client_secret: licence.client_secret,
    });
    const body = token.json<{ id_token?: string }>();
    if (!body.id_token) throw new Error(`no id_token: ${token.text}`);
    return { idToken: body.id_token };
  } finally {
    await http.close();
  }
}

/** Verifies an RS256 JWS against the IdP's current JWKS, as any relying party would. */
export async function verifyWithJwks(dataDir: string, jwt: string): Promise<boolean> {
  const http = createHttpClient({ ca: readCa(dataDir) });
  try {
    const discovery = (await http.get(`${IDP}/.well-known/openid-configuration`)).json<{ jwks_uri: string }>();
    const jwks = (await http.get(discovery.jwks_uri)).json<{ keys: (JsonWebKey & { kid?: string; use?: string })[] }>();
    const [header, payload, signature] = jwt.split('.');
    if (!header || !payload || !signature) return false;
    const { kid, alg } = JSON.parse(Buffer.from(header, 'base64url').toString()) as { kid?: string; alg?: string };
    const jwk = jwks.keys.find((k) => k.kid === kid && k.use === 'sig');
    if (!jwk || alg !== 'RS256') return false;
    return verify(
      'RSA-SHA256',
      Buffer.from(`${header}.${payload}`),
      createPublicKey({ key: jwk, format: 'jwk' }),
      Buffer.from(signature, 'base64url'),
    );
  } finally {
    await http.close();
  }
}
