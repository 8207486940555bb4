/**
 * Password checks running now, per limit key (e.g. a user name or a client address), for attempt
 * limits that count an attempt as a failure before its asynchronous check (scrypt runs off the
 * event loop; see the apps' password limits). A counter found full while some of its count is
 * still being checked is not a reached limit yet: the attempt waits for one of those checks to end
 * (a right password takes its count back) and decides again. In memory: one process owns its
 * database.
 */
export interface AttemptsInFlight {
  /** Counts one check as running under each key until the returned function is called (once is enough). */
  begin(keys: readonly string[]): () => void;
  /** Settles when one check running under `key` ends; undefined when none is running. */
  nextEnd(key: string): Promise<void> | undefined;
}

export function createAttemptsInFlight(): AttemptsInFlight {
  const running = new Map<string, { count: number; waiting: (() => void)[] }>();
  return {
    begin: (keys) => {
      for (const key of keys) {
        const entry = running.get(key) ?? { count: 0, waiting: [] };
        entry.count += 1;
        running.set(key, entry);
      }
      let ended = false;
      return () => {
        if (ended) return;
        ended = true;
        for (const key of keys) {
          const entry = running.get(key);
          if (!entry) continue;
          entry.count -= 1;
          if (entry.count === 0) running.delete(key);
          const waiting = entry.waiting.splice(0);
          for (const wake of waiting) wake();
        }
      };
    },
    nextEnd: (key) => {
      const entry = running.get(key);
      return entry ? new Promise<void>((resolve) => entry.waiting.push(resolve)) : undefined;
    },
  };
}
