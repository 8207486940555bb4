import assert from 'node:assert/strict';
import { reportTestNumbers } from '@extauth/server-kit/test-numbers';

/** Tally of every race run in this process, printed at the end of the suite. */
export interface RaceRecord {
  secret: string;
  submits: number;
  won: number;
  lost: number;
  /** Outcome → how many submits had it, e.g. { "303": 1, "400": 19 }. */
  outcomes: Record<string, number>;
}

export const raceRecords: RaceRecord[] = [];

/**
 * Fires `submits` attempts at once (all started before any is awaited) and asserts that exactly one
 * wins and every other one is refused cleanly (`refused`: a 4xx answer, never a 5xx or a second
 * success). Records the tally.
 */
export async function race<T>(
  secret: string,
  submits: number,
  attempt: (index: number) => Promise<T>,
  won: (outcome: T) => boolean,
  refused: (outcome: T) => boolean,
  describeOutcome: (outcome: T) => string,
): Promise<T> {
  const outcomes = await Promise.all(Array.from({ length: submits }, (_, i) => attempt(i)));
  const winners = outcomes.filter(won);
  const summary = outcomes.map(describeOutcome).reduce<Record<string, number>>((acc, o) => {
    acc[o] = (acc[o] ?? 0) + 1;
    return acc;
  }, {});
  raceRecords.push({ secret, submits, won: winners.length, lost: submits - winners.length, outcomes: summary });
  assert.equal(winners.length, 1, `${secret}: ${winners.length} of ${submits} submits won ${JSON.stringify(summary)}`);
  const unclean = outcomes.filter((o) => !won(o) && !refused(o));
  assert.equal(unclean.length, 0, `${secret}: losers not refused cleanly ${JSON.stringify(summary)}`);
  return winners[0] as T;
}

export function printRaceTally(): void {
  const lines = raceRecords.map(
    (r) =>
      `  ${r.secret.padEnd(30)} submits ${r.submits}  won ${r.won}  lost ${r.lost}${r.won === 1 ? '' : '  FAILED'}  ` +
      JSON.stringify(r.outcomes),
  );
  const races = raceRecords.length;
  const clean = raceRecords.filter((r) => r.won === 1).length;
  const won = raceRecords.reduce((n, r) => n + r.won, 0);
  const lost = raceRecords.reduce((n, r) => n + r.lost, 0);
  console.log(
    [
      `single-use races: ${races} run, ${clean} with exactly one winner; submits won ${won}, lost ${lost}`,
      ...lines,
    ].join('\n'),
  );
  reportTestNumbers('single-use races (20 submits each)', {
    races,
    'exactly-one-winner': clean,
    'submits-won': won,
    'submits-lost': lost,
  });
}
