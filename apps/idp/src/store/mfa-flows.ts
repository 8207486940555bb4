import type { Db } from '@extauth/server-kit/sqlite';

/** A live MFA step (see http/mfa-flow.ts): whose, and for which credential version of the account. */
export interface MfaFlowRecord {
  accountId: string;
  credentialVersion: number;
}

/** The server side of MFA steps (migration 7): each step is started once and consumed once. */
export interface MfaFlowStore {
  /** Also drops the rows that expired before `nowMs`. */
  startMfaFlow(flow: MfaFlowRecord & { idHash: string; expiresAt: number }): void;
  findMfaFlow(idHash: string, nowMs: number): MfaFlowRecord | undefined;
  /** Read-and-delete in one statement: of two concurrent finishes, exactly one gets the record. */
  consumeMfaFlow(idHash: string, nowMs: number): MfaFlowRecord | undefined;
  endMfaFlow(idHash: string): void;
}

interface FlowRow {
  account_id: string;
  credential_version: number;
}

const toRecord = (row: FlowRow | undefined): MfaFlowRecord | undefined =>
  row ? { accountId: row.account_id, credentialVersion: row.credential_version } : undefined;

export function createSqliteMfaFlowStore(db: Db): MfaFlowStore {
  const insert = db.prepare(
    `INSERT INTO mfa_flows (id_hash, account_id, credential_version, expires_at)
     VALUES (@idHash, @accountId, @credentialVersion, @expiresAt)`,
  );
  const find = db.prepare<[string, number], FlowRow>(
    'SELECT account_id, credential_version FROM mfa_flows WHERE id_hash = ? AND expires_at > ?',
  );
  const consume = db.prepare<[string, number], FlowRow>(
    'DELETE FROM mfa_flows WHERE id_hash = ? AND expires_at > ? RETURNING account_id, credential_version',
  );
  const end = db.prepare('DELETE FROM mfa_flows WHERE id_hash = ?');
  return {
    startMfaFlow: (flow) => {
      insert.run(flow);
    },
    findMfaFlow: (idHash, nowMs) => toRecord(find.get(idHash, nowMs)),
    consumeMfaFlow: (idHash, nowMs) => toRecord(consume.get(idHash, nowMs)),
    endMfaFlow: (idHash) => {
      end.run(idHash);
    },
  };
}
