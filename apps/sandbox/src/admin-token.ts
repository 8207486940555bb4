import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export type AdminTokenSource = { source: 'env' } | { source: 'file'; file: string } | { source: 'memory' };
export type AdminToken = { token: string } & AdminTokenSource;

/** Where `pnpm start` keeps the generated admin token of a demo data folder (0600, like root's password). */
export const adminTokenFile = (dataDir: string) => path.join(dataDir, 'idp', 'admin-token.txt');

/**
 * The IdP admin API's token for this start. An explicit IDP_ADMIN_TOKEN always wins. Otherwise the
 * demo profile gets one generated once into the data folder (in memory with memory storage) so the
 * CLI works out of the box, and the fresh profile gets none: like a newly installed server, it has
 * no admin API unless someone asks for one. SANDBOX_ADMIN_API=off turns it off in every case.
 */
export function resolveAdminToken(options: {
  explicit: string | undefined;
  mode: 'auto' | 'off';
  profile: string;
  storage: 'sqlite' | 'memory';
  dataDir: string;
}): AdminToken | undefined {
  if (options.mode === 'off') return undefined;
  if (options.explicit) return { token: options.explicit, source: 'env' };
  if (options.profile === 'fresh') return undefined;
  if (options.storage === 'memory') return { token: randomBytes(24).toString('base64url'), source: 'memory' };
  const file = adminTokenFile(options.dataDir);
  if (fs.existsSync(file)) {
    const stored = fs.readFileSync(file, 'utf8').trim();
    if (stored.length >= 24) return { token: stored, source: 'file', file };
  }
  const token = randomBytes(24).toString('base64url');
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  fs.writeFileSync(file, `${token}\n`, { mode: 0o600 });
  return { token, source: 'file', file };
}
