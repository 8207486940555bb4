import { openDatabase } from '@extauth/server-kit/sqlite';
import { sqliteFilesIn } from './launcher.js';

/**
 * What a long outage does to a stopped sandbox's data folder: every stored expiry (`expires_at`
 * in any table of any database) moves `ms` closer, as if that much time had passed before the
 * restart. Sign-in requests (1 h), pre-auth panel sessions (15 min), email codes and MFA steps run
 * out; accounts, links, grants and refresh tokens (14 days) do not.
 */
export function simulateDowntime(dataDir: string, ms: number): Record<string, number> {
  const aged: Record<string, number> = {};
  for (const file of sqliteFilesIn(dataDir)) {
    const db = openDatabase({ file, migrations: [] });
    try {
      const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all() as string[];
      for (const table of tables) {
        const columns = db.prepare(`SELECT name FROM pragma_table_info(?)`).pluck().all(table) as string[];
        if (!columns.includes('expires_at')) continue;
        const changes = db
          .prepare(`UPDATE ${table} SET expires_at = expires_at - ? WHERE expires_at IS NOT NULL`)
          .run(ms).changes;
        if (changes > 0) aged[table] = (aged[table] ?? 0) + changes;
      }
    } finally {
      db.close();
    }
  }
  return aged;
}

/** True when a request failed because the server went away (reset, refused), not with an HTTP answer. */
export function isConnectionFailure(err: unknown): boolean {
  for (let e: unknown = err; e instanceof Error; e = e.cause) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && /^(ECONNRESET|ECONNREFUSED|EPIPE|UND_ERR_SOCKET|UND_ERR_CLOSED)$/.test(code)) {
      return true;
    }
    if (e instanceof TypeError && e.message === 'fetch failed') return true;
  }
  return false;
}

export interface Gate {
  promise: Promise<void>;
  open(): void;
}

/** A promise the test resolves when it chooses: people parked mid-journey wait on it. */
export function createGate(): Gate {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}

/**
 * Resolves once `condition()` holds, checking every 20 ms (the load it waits for runs in this
 * process); rejects with `what` after `timeoutMs`, so a stuck load fails the test with a reason.
 */
export async function waitUntil(condition: () => boolean, what: string, timeoutMs = 180_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
