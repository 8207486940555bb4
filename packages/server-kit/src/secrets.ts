import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/**
 * Loads named random secrets from a JSON file readable only by its owner, creating missing ones.
 * With `file: undefined` (in-memory mode) the secrets live only in this process.
 */
export function loadOrCreateSecrets<K extends string>(
  file: string | undefined,
  names: readonly K[],
): Record<K, string> {
  let stored: Record<string, unknown> = {};
  if (file && fs.existsSync(file)) {
    try {
      stored = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
    } catch {
      throw new Error(`${file} is not valid JSON; restore it or delete it to start with new secrets`);
    }
  }
  let changed = false;
  const out = {} as Record<K, string>;
  for (const name of names) {
    const value = stored[name];
    if (typeof value === 'string' && value.length >= 32) {
      out[name] = value;
    } else {
      out[name] = randomBytes(32).toString('base64url');
      stored[name] = out[name];
      changed = true;
    }
  }
  if (file && changed) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, `${JSON.stringify(stored, null, 2)}\n`, { mode: 0o600 });
    fs.renameSync(tmp, file);
  }
  return out;
}
