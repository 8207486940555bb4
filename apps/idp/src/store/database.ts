import path from 'node:path';
import { type Db, openDatabase } from '@extauth/server-kit/sqlite';
import { idpMigrations } from './migrations.js';

export const IDP_DATABASE_FILE = 'idp.sqlite';

/** `<dataDir>/idp/idp.sqlite`, or a private in-memory database when `dataDir` is undefined. */
export function openIdpDatabase(dataDir: string | undefined): Db {
  const file = dataDir === undefined ? ':memory:' : path.join(dataDir, 'idp', IDP_DATABASE_FILE);
  return openDatabase({ file, migrations: idpMigrations });
}
