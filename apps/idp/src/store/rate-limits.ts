import type { Db } from '@extauth/server-kit/sqlite';

/** Failure counters in fixed windows, per (bucket, key): e.g. ('login_account', email) or ('login_ip', ip). */
export interface RateLimitStore {
  /** Adds one failure; a window that has ended starts over. Returns the window after the update. */
  recordFailure(bucket: string, key: string, nowMs: number, windowMs: number): FailureWindow;
  findFailures(bucket: string, key: string, nowMs: number, windowMs: number): FailureWindow | undefined;
  clearFailures(bucket: string, key: string): void;
  /**
   * Takes back one failure counted in the window that started at `windowStartedAt` (an attempt
   * counted before its check that turned out right); nothing if that window has since ended.
   */
  releaseFailure(bucket: string, key: string, windowStartedAt: number): void;
}

export interface FailureWindow {
  failures: number;
  windowStartedAt: number;
}

export function createSqliteRateLimitStore(db: Db): RateLimitStore {
  const record = db.prepare<{ bucket: string; key: string; now: number; windowMs: number }, FailureRow>(
    `INSERT INTO rate_limits (bucket, key, window_started_at, failures) VALUES (@bucket, @key, @now, 1)
     ON CONFLICT (bucket, key) DO UPDATE SET
       failures = CASE WHEN window_started_at + @windowMs <= @now THEN 1 ELSE failures + 1 END,
       window_started_at = CASE WHEN window_started_at + @windowMs <= @now THEN @now ELSE window_started_at END
     RETURNING failures, window_started_at`,
  );
  const find = db.prepare<{ bucket: string; key: string; now: number; windowMs: number }, FailureRow>(
    `SELECT failures, window_started_at FROM rate_limits
     WHERE bucket = @bucket AND key = @key AND window_started_at + @windowMs > @now`,
  );
  const clear = db.prepare('DELETE FROM rate_limits WHERE bucket = ? AND key = ?');
  const release = db.prepare<[string, string, number]>(
    `UPDATE rate_limits SET failures = failures - 1
     WHERE bucket = ? AND key = ? AND window_started_at = ? AND failures > 0`,
  );
  const toWindow = (row: FailureRow) => ({ failures: row.failures, windowStartedAt: row.window_started_at });
  return {
    recordFailure: (bucket, key, now, windowMs) => {
      const row = record.get({ bucket, key, now, windowMs });
      if (!row) throw new Error('rate limit upsert returned nothing');
      return toWindow(row);
    },
    findFailures: (bucket, key, now, windowMs) => {
      const row = find.get({ bucket, key, now, windowMs });
      return row ? toWindow(row) : undefined;
    },
    clearFailures: (bucket, key) => {
      clear.run(bucket, key);
    },
    releaseFailure: (bucket, key, windowStartedAt) => {
      release.run(bucket, key, windowStartedAt);
    },
  };
}

interface FailureRow {
  failures: number;
  window_started_at: number;
}
