// The floor: a bare oidc-provider over HTTPS (memory adapter, devInteractions, a pre-made RS256
// JWK so nothing is generated at start), configured like the sandbox IdP where it matters for the
// figures (a confidential client_secret_post client with refresh tokens, same scopes and claims,
// same lifetimes). With BARE_RP_PORT it also serves a minimal openid-client relying party (login
// → callback with PKCE, state, nonce and the code exchange), loaded only after the OP answers.
import fs from 'node:fs';
import https from 'node:https';
import Provider from 'oidc-provider';

const env = process.env;
const port = Number(env.BARE_OP_PORT);
const issuer = `https://localhost:${port}`;
const rpPort = env.BARE_RP_PORT ? Number(env.BARE_RP_PORT) : undefined;
const clientId = 'bench-rp';
const clientSecret = env.BARE_CLIENT_SECRET ?? 'bench-client-secret-0123456789';
const redirectUri = `https://localhost:${rpPort ?? 1}/cb`;
const tls = {
  cert: fs.readFileSync(env.BARE_TLS_CERT as string),
  key: fs.readFileSync(env.BARE_TLS_KEY as string),
};
const jwk = JSON.parse(fs.readFileSync(env.BARE_JWK_FILE as string, 'utf8'));

const provider = new Provider(issuer, {
  clients: [
    {
      client_id: clientId,
      client_secret: clientSecret,
      redirect_uris: [redirectUri],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_post',
      id_token_signed_response_alg: 'RS256',
    },
  ],
  jwks: { keys: [jwk] },
  cookies: { keys: ['bench-cookie-key-0123456789abcdef'] },
  findAccount: async (_ctx, sub) => ({
    accountId: sub,
    claims: async () => ({
      sub,
      email: `${sub}@example.com`,
      email_verified: true,
      given_name: 'Bench',
      family_name: 'User',
    }),
  }),
  scopes: ['openid', 'offline_access', 'email', 'profile'],
  claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['given_name', 'family_name', 'name'] },
  conformIdTokenClaims: false,
  pkce: { required: (_ctx, client) => client.clientAuthMethod === 'none' },
  issueRefreshToken: async (_ctx, client, code) =>
    client.grantTypeAllowed('refresh_token') && code.kind === 'AuthorizationCode',
  ttl: {
    AccessToken: 3600,
    AuthorizationCode: 60,
    IdToken: 3600,
    RefreshToken: 14 * 86400,
    Interaction: 3600,
    Session: 14 * 86400,
    Grant: 14 * 86400,
  },
  features: { devInteractions: { enabled: true }, revocation: { enabled: true } },
});

https.createServer(tls, provider.callback()).listen(port, '127.0.0.1', () => {
  if (rpPort) void startRelyingParty(rpPort);
});

async function startRelyingParty(listenPort: number) {
  const client = await import('openid-client');
  const { Agent, fetch: undiciFetch } = await import('undici');
  const dispatcher = new Agent({ connect: { ca: fs.readFileSync(env.BARE_TLS_CA as string) } });
  const config = await client.discovery(
    new URL(issuer),
    clientId,
    clientSecret,
    client.ClientSecretPost(clientSecret),
    {
      [client.customFetch]: (url, options) =>
        undiciFetch(url, { ...(options as object), dispatcher }) as unknown as Promise<Response>,
    },
  );
  const pending = new Map<string, { verifier: string; nonce: string }>();
  https
    .createServer(tls, async (req, res) => {
      try {
        const url = new URL(req.url ?? '/', `https://localhost:${listenPort}`);
        if (url.pathname === '/login') {
          const verifier = client.randomPKCECodeVerifier();
          const state = client.randomState();
          const nonce = client.randomNonce();
          pending.set(state, { verifier, nonce });
          const target = client.buildAuthorizationUrl(config, {
            redirect_uri: redirectUri,
            scope: 'openid email profile',
            state,
            nonce,
            code_challenge: await client.calculatePKCECodeChallenge(verifier),
            code_challenge_method: 'S256',
          });
          res.writeHead(302, { location: target.href, 'set-cookie': `rp_state=${state}; Path=/; HttpOnly; Secure` });
          res.end();
          return;
        }
        if (url.pathname === '/cb') {
          const state = /rp_state=([^;]+)/.exec(req.headers.cookie ?? '')?.[1] ?? '';
          const flow = pending.get(state);
          pending.delete(state);
          if (!flow) throw new Error('unknown state');
          const tokens = await client.authorizationCodeGrant(config, url, {
            pkceCodeVerifier: flow.verifier,
            expectedState: state,
            expectedNonce: flow.nonce,
            idTokenExpected: true,
          });
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ ok: true, sub: tokens.claims()?.sub }));
          return;
        }
        res.writeHead(404).end();
      } catch (err) {
        res.writeHead(500, { 'content-type': 'text/plain' }).end(String(err));
      }
    })
    .listen(listenPort, '127.0.0.1');
}

process.on('SIGTERM', () => process.exit(0));
