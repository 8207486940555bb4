import assert from 'node:assert/strict';
import { test } from 'node:test';
import { z } from 'zod';
import { envCount, parseEnv } from './env.js';
import { ConfigError } from './errors.js';

const schema = z.object({ LIMIT: envCount(10) });
const load = (value: string | undefined) => parseEnv(schema, { LIMIT: value }, 'test').LIMIT;

/** The ConfigError's line for LIMIT, as the launcher prints it. */
function refusal(value: string): string {
  try {
    load(value);
  } catch (err) {
    assert.ok(err instanceof ConfigError);
    return err.message.split('\n')[1] ?? '';
  }
  return assert.fail(`${JSON.stringify(value)} was accepted`);
}

test('envCount reads decimal digits, and the default when unset or empty', () => {
  assert.equal(load(undefined), 10);
  assert.equal(load(''), 10);
  assert.equal(load('1'), 1);
  assert.equal(load('900'), 900);
  assert.equal(load('0900'), 900);
  assert.equal(load('1000000'), 1_000_000);
});

test('envCount refuses numbers not written as plain digits, naming the value', () => {
  for (const value of [
    '1e3',
    '1E3',
    '0x10',
    '0b11',
    '1_000',
    '1.5',
    '1.0',
    '+5',
    '-5',
    ' 12',
    '12 ',
    'Infinity',
    'many',
  ]) {
    assert.equal(
      refusal(value),
      `  LIMIT: must be a whole number (decimal digits only) (got ${JSON.stringify(value)})`,
      value,
    );
  }
});

test('envCount keeps its range: at least 1, at most 1,000,000', () => {
  assert.equal(refusal('0'), '  LIMIT: must be at least 1 (got "0")');
  assert.equal(refusal('1000001'), '  LIMIT: must be at most 1000000 (got "1000001")');
  assert.equal(refusal('99999999999999999999999'), '  LIMIT: must be at most 1000000 (got "99999999999999999999999")');
});

test('a refused secret is named with its length, never its value', () => {
  const secrets = z.object({
    IDP_ADMIN_TOKEN: z.string().min(24),
    WEBPROS_CLIENT_SECRET: z.string().min(16),
    PANEL_ROOT_PASSWORD: z.string().min(12),
    IDP_TOTP_ENCRYPTION_KEY: z.string().length(64),
    PANEL_PORT: z.string().regex(/^\d+$/),
  });
  const given = {
    IDP_ADMIN_TOKEN: 'short-token',
    WEBPROS_CLIENT_SECRET: 'tiny-secret',
    PANEL_ROOT_PASSWORD: 'root-pw',
    IDP_TOTP_ENCRYPTION_KEY: 'abc123',
    PANEL_PORT: 'eighty',
  };
  assert.throws(
    () => parseEnv(secrets, given, 'test'),
    (err: unknown) => {
      assert.ok(err instanceof ConfigError);
      for (const [name, value] of Object.entries(given)) {
        if (name === 'PANEL_PORT') continue;
        assert.ok(!err.message.includes(value), `${name}'s value is not shown`);
        assert.match(err.message, new RegExp(`  ${name}: .* \\(got a value of ${value.length} characters\\)`));
      }
      assert.match(err.message, /PANEL_PORT: .*\(got "eighty"\)/, 'an ordinary value is shown as given');
      return true;
    },
  );
});
