import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createSqliteAccountSessionStore } from './account-sessions.js';
import { openIdpDatabase } from './database.js';
import { createSqliteEmailCodeStore } from './email-codes.js';
import { createSqliteOidcModelStore } from './oidc-models.js';
import { createSqlitePasswordResetTicketStore } from './password-reset-tickets.js';
import { createSqliteRateLimitStore } from './rate-limits.js';

const code = (codeHash: string, sentAt = 1000) => ({
  purpose: 'verify_email' as const,
  emailNormalized: 'ana@example.com',
  accountId: 'acc_1',
  salt: 's',
  codeHash,
  sentAt,
  expiresAt: sentAt + 600_000,
});

describe('self-service stores', () => {
  test('email codes: a new code replaces the old; consumed once; not after expiry or five wrong tries', () => {
    const store = createSqliteEmailCodeStore(openIdpDatabase(undefined));
    store.replaceEmailCode(code('old'));
    store.replaceEmailCode(code('new'));
    assert.equal(store.consumeEmailCode('verify_email', 'ana@example.com', 'old', 2000, 5), undefined);
    assert.deepEqual(store.consumeEmailCode('verify_email', 'ana@example.com', 'new', 2000, 5), { accountId: 'acc_1' });
    assert.equal(store.consumeEmailCode('verify_email', 'ana@example.com', 'new', 2000, 5), undefined, 'once');

    store.replaceEmailCode(code('late'));
    assert.equal(store.consumeEmailCode('verify_email', 'ana@example.com', 'late', 601_000, 5), undefined);

    store.replaceEmailCode(code('tried'));
    for (let i = 1; i <= 5; i += 1)
      assert.equal(store.recordWrongEmailCode('verify_email', 'ana@example.com', 'tried'), i);
    assert.equal(store.consumeEmailCode('verify_email', 'ana@example.com', 'tried', 2000, 5), undefined);
    assert.equal(store.recordWrongEmailCode('verify_email', 'ana@example.com', 'another'), 0, 'only this code');
  });

  test('reset tickets are single-use and expire; account sessions end per account except one', () => {
    const db = openIdpDatabase(undefined);
    const tickets = createSqlitePasswordResetTicketStore(db);
    tickets.issuePasswordResetTicket({ tokenHash: 'h', accountId: 'acc_1', expiresAt: 5000 });
    assert.deepEqual(tickets.findPasswordResetTicket('h', 1000), { accountId: 'acc_1' });
    assert.equal(tickets.findPasswordResetTicket('h', 5000), undefined);
    assert.deepEqual(tickets.consumePasswordResetTicket('h', 1000), { accountId: 'acc_1' });
    assert.equal(tickets.consumePasswordResetTicket('h', 1000), undefined);

    const sessions = createSqliteAccountSessionStore(db);
    for (const idHash of ['a', 'b', 'c'])
      sessions.startAccountSession({ idHash, accountId: 'acc_1', createdAt: 0, expiresAt: 10 });
    assert.equal(sessions.endAccountSessionsOfAccount('acc_1', 'b'), 2);
    assert.equal(sessions.findAccountSession('b', 5)?.accountId, 'acc_1');
    assert.equal(sessions.findAccountSession('b', 10), undefined, 'expired');
  });

  test('rate limits count failures in fixed windows', () => {
    const store = createSqliteRateLimitStore(openIdpDatabase(undefined));
    assert.equal(store.recordFailure('b', 'k', 0, 1000).failures, 1);
    assert.equal(store.recordFailure('b', 'k', 500, 1000).failures, 2);
    assert.deepEqual(store.recordFailure('b', 'k', 1000, 1000), { failures: 1, windowStartedAt: 1000 });
    assert.equal(store.findFailures('b', 'k', 2000, 1000), undefined);
    store.clearFailures('b', 'k');
    assert.equal(store.findFailures('b', 'k', 1500, 1000), undefined);
  });

  test('a failure taken back leaves the window’s others, and never touches a later window', () => {
    const store = createSqliteRateLimitStore(openIdpDatabase(undefined));
    store.recordFailure('b', 'k', 0, 1000);
    const counted = store.recordFailure('b', 'k', 100, 1000);
    store.releaseFailure('b', 'k', counted.windowStartedAt);
    assert.deepEqual(store.findFailures('b', 'k', 200, 1000), { failures: 1, windowStartedAt: 0 });
    store.recordFailure('b', 'k', 1000, 1000);
    store.releaseFailure('b', 'k', counted.windowStartedAt);
    assert.deepEqual(store.findFailures('b', 'k', 1100, 1000), { failures: 1, windowStartedAt: 1000 });
  });

  test('oidc artefacts of one account are revoked together, others stay', () => {
    const store = createSqliteOidcModelStore(openIdpDatabase(undefined));
    const row = (model: string, idHash: string, accountIdHash?: string) => ({
      model,
      idHash,
      sealedPayload: 'x',
      grantIdHash: undefined,
      uidHash: undefined,
      userCodeHash: undefined,
      accountIdHash,
      expiresAt: undefined,
    });
    store.saveOidcModel(row('Session', 's1', 'acc'));
    store.saveOidcModel(row('Grant', 'g1', 'acc'));
    store.saveOidcModel(row('Session', 's2', 'other'));
    store.saveOidcModel(row('Client', 'c1'));
    assert.equal(store.revokeOidcArtefactsOfAccount('acc'), 2);
    assert.ok(store.findOidcModel('Session', 's2', 0));
    assert.ok(store.findOidcModel('Client', 'c1', 0));
  });
});
