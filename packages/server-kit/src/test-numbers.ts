import fs from 'node:fs';

/**
 * The numbers a reliability suite wants a reader of the CI log to see (cases tried, failures,
 * journeys, races won and lost). Each call prints one `# numbers` line where it runs and, when the
 * test command set `EXTAUTH_TEST_NUMBERS` to a file, appends a JSON line there so that
 * `scripts/test.mjs` can print every suite's numbers together after the last test.
 */
export function reportTestNumbers(suite: string, numbers: Record<string, number | string>): void {
  const line = Object.entries(numbers)
    .map(([name, value]) => `${name}=${value}`)
    .join(' ');
  process.stdout.write(`# numbers ${suite}: ${line}\n`);
  const file = process.env.EXTAUTH_TEST_NUMBERS;
  if (file) fs.appendFileSync(file, `${JSON.stringify({ suite, numbers })}\n`);
}
