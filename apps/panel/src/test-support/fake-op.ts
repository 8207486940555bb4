import { createHash, randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { startHttpsServer } from '@extauth/server-kit/https-server';
import { exportJWK, generateKeyPair, type JWK, SignJWT } from 'jose';

/**
 * A small OpenID provider for the panel's HTTP tests (the real IdP lives in apps/idp): discovery,
 * JWKS, an authorization endpoint that redirects straight back with a code, a token endpoint that
 * insists on client_secret_post and checks PKCE, and userinfo. `fault` switches one failure on.
 */
export type FakeOpFault =
  | 'none'
  | 'token_error'
  | 'token_http_500'
  | 'no_id_token'
  | 'bad_signature'
  | 'wrong_nonce'
  | 'unknown_kid'
  | 'no_sub';

export interface FakeAccount {
  sub: string;
  email: string;
  name: string;
}

interface IssuedCode {
  redirectUri: string;
  nonce: string | undefined;
  codeChallenge: string | undefined;
  sub: string;
}

type SigningKey = Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];

export async function startFakeOp(options: {
  port: number;
  tls: { certPem: string; keyPem: string };
  client: { clientId: string; clientSecret: string; redirectUri: string };
}) {
  const issuer = `https://localhost:${options.port}`;
  const signing = await generateKeyPair('RS256');
  const impostor = await generateKeyPair('RS256');
  const publicJwk: JWK = { ...(await exportJWK(signing.publicKey)), kid: 'fake-1', use: 'sig', alg: 'RS256' };
  const codes = new Map<string, IssuedCode>();
  const accessTokens = new Map<string, string>();
  const state = {
    fault: 'none' as FakeOpFault,
    /** Whether discovery offers RP-initiated logout (`end_session_endpoint`). */
    endSession: true,
    account: { sub: 'fake-subject-1', email: 'demo@example.com', name: 'Demo User' } as FakeAccount,
    lastAuthorization: undefined as URLSearchParams | undefined,
    tokenRequests: [] as { body: URLSearchParams; authorization: string | undefined }[],
    /** Every access and ID token the token endpoint handed out. */
    issuedTokens: [] as { accessToken: string; idToken: string }[],
    jwksRequests: 0,
    /** `expires_in` of the token response. */
    expiresIn: 3600,
  };

  const json = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
    res.end(JSON.stringify(body));
  };
  const readBody = async (req: IncomingMessage) => {
    let text = '';
    for await (const chunk of req) text += chunk;
    return new URLSearchParams(text);
  };
  const signIdToken = (claims: Record<string, unknown>, key: SigningKey, kid: string) =>
    new SignJWT(claims)
      .setProtectedHeader({ alg: 'RS256', kid })
      .setIssuer(issuer)
      .setAudience(options.client.clientId)
      .setIssuedAt()
      .setExpirationTime('10m')
      .sign(key);

  async function token(req: IncomingMessage, res: ServerResponse) {
    const body = await readBody(req);
    state.tokenRequests.push({ body, authorization: req.headers.authorization });
    if (req.headers.authorization || body.get('client_id') !== options.client.clientId) {
      return json(res, 401, { error: 'invalid_client', error_description: 'client_secret_post expected' });
    }
    if (body.get('client_secret') !== options.client.clientSecret) return json(res, 401, { error: 'invalid_client' });
    const code = codes.get(body.get('code') ?? '');
    codes.delete(body.get('code') ?? '');
    if (!code || body.get('grant_type') !== 'authorization_code' || body.get('redirect_uri') !== code.redirectUri) {
      return json(res, 400, { error: 'invalid_grant' });
    }
    const verifier = body.get('code_verifier');
    const challenge = verifier && createHash('sha256').update(verifier).digest('base64url');
    if (code.codeChallenge !== undefined && challenge !== code.codeChallenge) {
      return json(res, 400, { error: 'invalid_grant', error_description: 'PKCE verification failed' });
    }
    if (state.fault === 'token_error') return json(res, 400, { error: 'invalid_grant', error_description: 'fault' });
    if (state.fault === 'token_http_500') {
      res.writeHead(500, { 'content-type': 'text/html' });
      return res.end('<h1>Internal Server Error</h1>');
    }
    const accessToken = randomBytes(16).toString('base64url');
    accessTokens.set(accessToken, code.sub);
    const nonce = state.fault === 'wrong_nonce' ? 'not-the-nonce' : code.nonce;
    const key = state.fault === 'bad_signature' ? impostor.privateKey : signing.privateKey;
    const idToken = await signIdToken(
      state.fault === 'no_sub' ? { nonce } : { sub: code.sub, nonce },
      key,
      state.fault === 'unknown_kid' ? 'fake-2' : 'fake-1',
    );
    const response: Record<string, unknown> = {
      access_token: accessToken,
      token_type: 'Bearer',
      expires_in: state.expiresIn,
    };
    if (state.fault !== 'no_id_token') response.id_token = idToken;
    state.issuedTokens.push({ accessToken, idToken });
    return json(res, 200, response);
  }

  function authorize(url: URL, res: ServerResponse) {
    const q = url.searchParams;
    state.lastAuthorization = q;
    const redirectUri = q.get('redirect_uri');
    if (q.get('client_id') !== options.client.clientId || redirectUri !== options.client.redirectUri) {
      return json(res, 400, { error: 'invalid_request', error_description: 'unknown client or redirect_uri' });
    }
    const code = randomBytes(16).toString('base64url');
    codes.set(code, {
      redirectUri,
      nonce: q.get('nonce') ?? undefined,
      codeChallenge: q.get('code_challenge') ?? undefined,
      sub: state.account.sub,
    });
    const back = new URL(redirectUri);
    back.searchParams.set('code', code);
    back.searchParams.set('state', q.get('state') ?? '');
    back.searchParams.set('iss', issuer);
    res.writeHead(302, { location: back.href });
    res.end();
  }

  const server = await startHttpsServer({
    host: '127.0.0.1',
    port: options.port,
    tls: options.tls,
    handler: (req, res) => {
      const url = new URL(req.url ?? '/', issuer);
      const route = `${req.method} ${url.pathname}`;
      if (route === 'GET /.well-known/openid-configuration') {
        return json(res, 200, {
          issuer,
          authorization_endpoint: `${issuer}/auth`,
          token_endpoint: `${issuer}/token`,
          userinfo_endpoint: `${issuer}/me`,
          jwks_uri: `${issuer}/jwks`,
          response_types_supported: ['code'],
          id_token_signing_alg_values_supported: ['RS256'],
          token_endpoint_auth_methods_supported: ['client_secret_post'],
          code_challenge_methods_supported: ['S256'],
          authorization_response_iss_parameter_supported: true,
          ...(state.endSession ? { end_session_endpoint: `${issuer}/session/end` } : {}),
        });
      }
      if (route === 'GET /jwks') {
        state.jwksRequests += 1;
        return json(res, 200, { keys: [publicJwk] });
      }
      if (route === 'GET /auth') return authorize(url, res);
      if (route === 'POST /token') {
        return void token(req, res).catch(() => json(res, 500, { error: 'server_error' }));
      }
      if (route === 'GET /me') {
        const sub = accessTokens.get((req.headers.authorization ?? '').replace(/^Bearer /, ''));
        if (!sub) return json(res, 401, { error: 'invalid_token' });
        return json(res, 200, { ...state.account, sub, email_verified: true });
      }
      return json(res, 404, { error: 'not_found' });
    },
  });

  return { issuer, state, close: () => server.close() };
}

export type FakeOp = Awaited<ReturnType<typeof startFakeOp>>;
