import { createHttpClient } from '@extauth/server-kit/http-client';
import { type AdminClient, authorize, completeLogin, exchangeCode } from '@extauth/testkit';

/** A confidential client of the IdP that holds refresh tokens, as a relying party's back end does. */
export interface GrantClient {
  clientId: string;
  clientSecret: string;
  redirectUri: string;
}

export async function registerGrantClient(admin: AdminClient, redirectUri: string): Promise<GrantClient> {
  const client = {
    clientId: 'durability-load',
    clientSecret: 'durability-load-secret-0123456789abcdef',
    redirectUri,
  };
  await admin.addClient({
    client_id: client.clientId,
    client_secret: client.clientSecret,
    client_name: 'Durability load',
    redirect_uris: [redirectUri],
    grant_types: ['authorization_code', 'refresh_token'],
    // testkit's exchangeCode sends client_secret_basic; refresh() sends the secret in the body.
    token_endpoint_auth_method: 'client_secret_basic',
  });
  return client;
}

export interface TokenAnswer {
  status: number;
  body: { access_token?: string; refresh_token?: string; error?: string; error_description?: string };
}

/**
 * The client's half of one grant, over HTTPS with the sandbox CA: the browser signs in and
 * confirms, the client redeems the code and rotates the refresh token.
 */
export function createGrantDriver(options: { issuer: string; ca: string; client: GrantClient }) {
  const { issuer, ca, client } = options;
  const backChannel = createHttpClient({ ca });

  async function token(params: Record<string, string>): Promise<TokenAnswer> {
    const res = await backChannel.post(`${issuer}/token`, {
      ...params,
      client_id: client.clientId,
      client_secret: client.clientSecret,
    });
    return { status: res.status, body: res.json() };
  }

  return {
    /** The authorization code flow as testkit users run it; resolves with the token answer. */
    async authorize(account: { email: string; password: string }): Promise<TokenAnswer> {
      const request = { issuer, ca, clientId: client.clientId, clientSecret: client.clientSecret };
      const authorization = await authorize({ ...request, redirectUri: client.redirectUri, scope: 'openid email' });
      const callbackUrl = await completeLogin(authorization.url, { ...account, ca });
      const tokens = await exchangeCode({
        ...request,
        redirectUri: client.redirectUri,
        callbackUrl,
        request: authorization,
      });
      return { status: 200, body: tokens };
    },
    refresh: (refreshToken: string) => token({ grant_type: 'refresh_token', refresh_token: refreshToken }),
    async userinfo(accessToken: string): Promise<number> {
      return (await backChannel.get(`${issuer}/me`, { authorization: `Bearer ${accessToken}` })).status;
    },
    close: () => backChannel.close(),
  };
}

export type GrantDriver = ReturnType<typeof createGrantDriver>;

/** One grant under load: the last refresh token the client was given, and whether a request is out. */
export interface GrantHolder {
  refreshToken: string | undefined;
  accessToken: string | undefined;
  inFlight: boolean;
  rotations: number;
}

/**
 * Keeps `holders.length` grants busy: each is authorized once, then refreshed over and over until
 * `shouldStop()` says so; a failed request (the server was killed) ends that holder's loop.
 */
export async function runGrantLoad(
  driver: GrantDriver,
  account: { email: string; password: string },
  holders: GrantHolder[],
  shouldStop: () => boolean,
): Promise<void> {
  await Promise.all(
    holders.map(async (holder) => {
      while (!shouldStop()) {
        holder.inFlight = true;
        let answer: TokenAnswer;
        try {
          answer =
            holder.refreshToken === undefined
              ? await driver.authorize(account)
              : await driver.refresh(holder.refreshToken);
        } catch {
          return; // connection refused or reset: the server is gone; the request stays in flight
        }
        if (answer.status !== 200 || !answer.body.refresh_token || !answer.body.access_token) {
          throw new Error(`a token request under load failed: ${answer.status} ${JSON.stringify(answer.body)}`);
        }
        holder.refreshToken = answer.body.refresh_token;
        holder.accessToken = answer.body.access_token;
        holder.rotations += 1;
        holder.inFlight = false;
      }
    }),
  );
}
