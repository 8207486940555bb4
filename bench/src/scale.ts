import fs from 'node:fs';
import path from 'node:path';
import { createSqliteAccountsStore } from '@extauth/idp/store/accounts';
import { openIdpDatabase } from '@extauth/idp/store/database';
import { newAccountId } from '@extauth/idp/store/seed';
import { openPanelDatabase } from '@extauth/panel/store/database';
import { createLinkStore } from '@extauth/panel/store/links.store';
import { createUserStore } from '@extauth/panel/store/users.store';
import { FAST_TEST_SCRYPT, hashPassword } from '@extauth/server-kit/passwords';
import { WEBPROS_PROVIDER_ID } from '@extauth/shared/contract';
import { journey } from './journeys.js';
import type { Row } from './report.js';
import { median, summarize } from './stats.js';
import { freshDataDir, startSandboxProcess } from './targets.js';

async function mapLimit<T>(count: number, limit: number, task: (i: number) => Promise<T>): Promise<T[]> {
  const out: T[] = new Array(count);
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const i = next;
      next += 1;
      out[i] = await task(i);
    }
  };
  await Promise.all(Array.from({ length: limit }, worker));
  return out;
}

export interface SeedTiming {
  totalMs: number;
  hashMs: number;
  idpInsertMs: number;
  panelInsertMs: number;
}

/**
 * `count` verified IdP accounts (each its own password, fast KDF) and as many WHM users, each
 * linked to one of them, written through the apps' own store modules while no sandbox runs.
 * The WHM users share one precomputed hash: they never log in here.
 */
export async function seedAccounts(
  dataDir: string,
  count: number,
  passwords: 'one-each' | 'shared' = 'one-each',
): Promise<SeedTiming> {
  const started = performance.now();
  // scrypt runs on libuv's pool (4 threads); 4 in flight keeps both cores busy.
  const shared = passwords === 'shared' ? await hashPassword('bench-shared-password', FAST_TEST_SCRYPT) : undefined;
  const hashes = shared
    ? new Array<string>(count).fill(shared)
    : await mapLimit(count, 4, (i) => hashPassword(`bench-password-${i}`, FAST_TEST_SCRYPT));
  const hashed = performance.now();
  const now = new Date();
  const ids: string[] = [];
  const idpDb = openIdpDatabase(dataDir);
  try {
    const accounts = createSqliteAccountsStore(idpDb);
    idpDb.transaction(() => {
      for (let i = 0; i < count; i += 1) {
        const id = newAccountId();
        const result = accounts.createAccount({
          id,
          email: `bench-${i}@example.com`,
          emailVerified: true,
          givenName: 'Bench',
          familyName: `User ${i}`,
          passwordHash: hashes[i] as string,
          createdAt: now,
        });
        if (!result.ok) throw new Error(`seed: ${result.error}`);
        ids.push(id);
      }
    })();
  } finally {
    idpDb.close();
  }
  const idpDone = performance.now();
  const panelDb = openPanelDatabase(path.join(dataDir, 'panel', 'panel.sqlite'));
  try {
    const users = createUserStore(panelDb);
    const links = createLinkStore(panelDb);
    const userHash = await hashPassword('bench-whm-user-password', FAST_TEST_SCRYPT);
    const linkTime = Math.floor(now.getTime() / 1000);
    panelDb.transaction(() => {
      ids.forEach((subject, i) => {
        const username = `bench${i}`;
        users.setPassword(username, userHash, 'api', now);
        links.linkIdentity({
          providerId: WEBPROS_PROVIDER_ID,
          subject,
          username,
          preferredUsername: `bench-${i}@example.com`,
          linkTime,
        });
      });
    })();
  } finally {
    panelDb.close();
  }
  const done = performance.now();
  return {
    totalMs: done - started,
    hashMs: hashed - started,
    idpInsertMs: idpDone - hashed,
    panelInsertMs: done - idpDone,
  };
}

export async function benchScale(options: { batches: number; perBatch: number; large: number }): Promise<Row[]> {
  const smallDir = freshDataDir('scale-10');
  const largeDir = freshDataDir(`scale-${options.large}`);
  await seedAccounts(smallDir, 10);
  const seeding = await seedAccounts(largeDir, options.large);
  const sharedDir = freshDataDir(`scale-${options.large}-shared`);
  const sharedSeeding = await seedAccounts(sharedDir, options.large, 'shared');
  fs.rmSync(sharedDir, { recursive: true, force: true });
  const small = await startSandboxProcess(smallDir, 'fast');
  const large = await startSandboxProcess(largeDir, 'fast').catch(async (err) => {
    await small.stop();
    throw err;
  });
  try {
    for (const sandbox of [small, large]) {
      const first = await journey(sandbox);
      if (!first.linked) throw new Error('the first journey should have linked the demo account');
      for (let i = 0; i < 5; i += 1) await journey(sandbox);
    }
    const smallMs: number[] = [];
    const largeMs: number[] = [];
    const timeOne = async (sandbox: typeof small, into: number[]) => {
      const started = performance.now();
      await journey(sandbox);
      into.push(performance.now() - started);
    };
    for (let b = 0; b < options.batches; b += 1) {
      // Alternate which goes first in each batch.
      const order =
        b % 2 === 0 ? ([small, smallMs, large, largeMs] as const) : ([large, largeMs, small, smallMs] as const);
      for (let i = 0; i < options.perBatch; i += 1) await timeOne(order[0], order[1]);
      for (let i = 0; i < options.perBatch; i += 1) await timeOne(order[2], order[3]);
    }
    const seconds = (ms: number) => ms / 1000;
    return [
      {
        section: '6',
        figure: `seed ${options.large} accounts + WHM users + links (fast KDF)`,
        unit: 's',
        summary: summarize([seconds(seeding.totalMs)]),
        target: { op: '<=', limit: 5, text: '< 5 s' },
        note: `hashing ${seconds(seeding.hashMs).toFixed(1)} s, IdP inserts ${seconds(seeding.idpInsertMs).toFixed(2)} s, panel inserts ${seconds(seeding.panelInsertMs).toFixed(2)} s`,
      },
      {
        section: '6',
        figure: '  of which hashing (one scrypt per account)',
        unit: 's',
        summary: summarize([seconds(seeding.hashMs)]),
      },
      {
        section: '6',
        figure: '  of which SQLite inserts (IdP + panel)',
        unit: 's',
        summary: summarize([seconds(seeding.idpInsertMs + seeding.panelInsertMs)]),
      },
      {
        section: '6',
        figure: `seed ${options.large} accounts sharing one password (hashed once)`,
        unit: 's',
        summary: summarize([seconds(sharedSeeding.totalMs)]),
      },
      { section: '6', figure: 'login journey, 10 accounts + 10 links', unit: 'ms', summary: summarize(smallMs) },
      {
        section: '6',
        figure: `login journey, ${options.large} accounts + ${options.large} links`,
        unit: 'ms',
        summary: summarize(largeMs),
      },
      {
        section: '6',
        figure: `journey ${options.large} ÷ 10 accounts (medians)`,
        unit: '×',
        summary: summarize([median(largeMs) / median(smallMs)]),
        target: { op: '<=', limit: 1.1, text: '≤ 1.10' },
      },
    ];
  } finally {
    await Promise.all([small.stop(), large.stop()]);
  }
}
