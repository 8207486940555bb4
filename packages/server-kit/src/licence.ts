import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export interface LicenceCredentials {
  client_id: string;
  client_secret: string;
}

export const LICENCE_FILE_NAME = 'licenseid_credentials.json';
export const DEFAULT_WEBPROS_CLIENT_ID = 'whm-webpros';

/**
 * The WebPros client credentials that a licence would issue to the server (spec §2.2, §13.2): read
 * from `<dataDir>/licenseid_credentials.json`, created once (owner-only) when missing. Both apps
 * read it, like the CA, so the IdP's registered client and the panel's configuration agree in every
 * mode; explicit values (env) win. Creation is exclusive, so concurrent first starts agree.
 */
export function loadOrCreateLicence(
  dataDir: string | undefined,
  overrides: { clientId?: string | undefined; clientSecret?: string | undefined } = {},
): LicenceCredentials {
  const fresh = (): LicenceCredentials => ({
    client_id: DEFAULT_WEBPROS_CLIENT_ID,
    client_secret: randomBytes(32).toString('base64url'),
  });
  let stored: LicenceCredentials;
  if (!dataDir) {
    stored = fresh();
  } else {
    const file = path.join(dataDir, LICENCE_FILE_NAME);
    fs.mkdirSync(dataDir, { recursive: true });
    try {
      fs.writeFileSync(file, `${JSON.stringify(fresh(), null, 2)}\n`, { flag: 'wx', mode: 0o600 });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(fs.readFileSync(file, 'utf8'));
    } catch {
      throw new Error(`${file} is not valid JSON; fix it or delete it to issue new licence credentials`);
    }
    const p = parsed as Partial<LicenceCredentials>;
    if (typeof p.client_id !== 'string' || typeof p.client_secret !== 'string' || !p.client_id || !p.client_secret) {
      throw new Error(`${file} must hold {"client_id": "...", "client_secret": "..."}`);
    }
    stored = { client_id: p.client_id, client_secret: p.client_secret };
  }
  return {
    client_id: overrides.clientId ?? stored.client_id,
    client_secret: overrides.clientSecret ?? stored.client_secret,
  };
}
