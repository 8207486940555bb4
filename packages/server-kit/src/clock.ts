/** The one source of time for the sandbox's own rules (codes, links, lockouts, trust, TOTP). */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** A clock the admin API and tests can move; it follows real time from its offset. */
export interface AdjustableClock extends Clock {
  advance(ms: number): void;
  set(date: Date): void;
  reset(): void;
}

export function createAdjustableClock(base: Clock = systemClock): AdjustableClock {
  let offsetMs = 0;
  return {
    now: () => new Date(base.now().getTime() + offsetMs),
    advance: (ms) => {
      offsetMs += ms;
    },
    set: (date) => {
      offsetMs = date.getTime() - base.now().getTime();
    },
    reset: () => {
      offsetMs = 0;
    },
  };
}
