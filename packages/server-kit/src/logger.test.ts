import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ConfigError } from './errors.js';
import { MASKED_CPSESS, redactText, SECRET_KEY_PARTS, SECRET_KEYS, SECRET_QUERY_PARAMS } from './log-redaction.js';
import { createLogger, type LogSettings, loadLogSettings } from './logger.js';
import { runWithRequestId } from './request-context.js';

function capture(settings: LogSettings = { level: 'info', format: 'json' }) {
  const lines: { line: string; level: number }[] = [];
  const logger = createLogger('test', settings, (line, level) => lines.push({ line, level }));
  return { logger, lines, text: () => lines.map((l) => l.line).join('') };
}

// Each value is unique, so finding it anywhere in the output means it leaked.
const SECRET_FIELDS: Record<string, string> = {
  password: 'pw-Hunter2-secret',
  pass: 'pw-whm-root-pass',
  newPassword: 'pw-new-one-42',
  current_password: 'pw-current-43',
  code: '918273',
  otp: '102938',
  securityCode: '564738',
  recovery_code: 'RCVY-1234-5678',
  token: 'tok-plain-abc',
  access_token: 'at-eyJhbGciOi-access',
  refresh_token: 'rt-refresh-xyz',
  id_token: 'eyJ.idtoken.payload',
  client_secret: 'cs-client-secret-0123456789',
  clientSecret: 'cs-camel-secret-9876',
  apiToken: 'whm-api-token-5555',
  csrfToken: 'csrf-token-4444',
  cookie: 'whm_session=cookie-value-3333',
  'set-cookie': 'idp_session=cookie-value-2222',
  authorization: 'Bearer bearer-token-1111',
  state: '{"service":"whostmgrd","external_validation_token":"evt-0000"}',
  nonce: 'nonce-value-7777',
  code_verifier: 'verifier-value-6666',
  secret: 'totp-secret-JBSWY3DP',
};

describe('log redaction', () => {
  test('no secret field value appears in a JSON line, at any depth or in arrays', () => {
    const { logger, text } = capture();
    logger.info('flat', { ...SECRET_FIELDS });
    logger.warn('nested', { request: { headers: { ...SECRET_FIELDS } }, list: [{ ...SECRET_FIELDS }] });
    logger.error('error', { err: Object.assign(new Error('boom'), { ...SECRET_FIELDS }) });
    const out = text();
    for (const [key, value] of Object.entries(SECRET_FIELDS)) {
      assert.ok(!out.includes(value), `${key} leaked: ${value}`);
    }
    assert.match(out, /\[redacted\]/);
    assert.match(out, /"msg":"nested"/);
  });

  test('every entry of SECRET_KEYS and SECRET_KEY_PARTS is redacted as a field, nested, in arrays and on errors', () => {
    // A whole key, and a key part inside a longer camelCase name (parts match anywhere in a key).
    const fields: Record<string, string> = {};
    SECRET_KEYS.forEach((key, i) => {
      fields[key] = `leak-key-${i}-${key}`;
    });
    SECRET_KEY_PARTS.forEach((part, i) => {
      fields[`my${part.charAt(0).toUpperCase()}${part.slice(1)}Field`] = `leak-part-${i}-${part}`;
    });
    assert.equal(Object.keys(fields).length, SECRET_KEYS.length + SECRET_KEY_PARTS.length);
    for (const [key, value] of Object.entries(fields)) {
      const positions: Record<string, Record<string, unknown>> = {
        field: { [key]: value },
        nested: { request: { headers: { [key]: value } } },
        array: { list: [{ [key]: value }] },
        error: { err: Object.assign(new Error('boom'), { [key]: value }) },
      };
      for (const [position, logged] of Object.entries(positions)) {
        const { logger, text } = capture();
        logger.info(position, logged);
        assert.ok(!text().includes(value), `${key} as ${position} leaked: ${text()}`);
        assert.match(text(), /\[redacted\]/, `${key} as ${position}`);
      }
    }
  });

  test('no secret appears in the pretty format either', () => {
    const { logger, text } = capture({ level: 'info', format: 'pretty' });
    logger.info('pretty', { headers: { ...SECRET_FIELDS } });
    for (const value of Object.values(SECRET_FIELDS)) assert.ok(!text().includes(value), value);
    assert.match(text(), /INFO {2}\[test\] pretty headers=/);
  });

  test('secret query parameters are removed from URLs in fields and messages', () => {
    const { logger, text } = capture();
    const query = SECRET_QUERY_PARAMS.map((p, i) => `${p}=qv${i}leak`).join('&');
    logger.info(`callback https://panel.test/cb?${query}`, {
      url: `https://panel.test/cb?x=1&${query}`,
      location: `https://panel.test/cb#${query}`,
    });
    const out = text();
    SECRET_QUERY_PARAMS.forEach((p, i) => {
      assert.ok(!out.includes(`qv${i}leak`), `query parameter ${p} leaked`);
    });
    assert.match(out, /x=1/);
  });

  test("WHM's security token is masked in paths and URLs, in fields and messages", () => {
    const { logger, text } = capture();
    logger.info('GET /cpsess0123456789/scripts2/manage_external_auth', {
      path: '/cpsess9876543210/json-api/listaccts',
      url: 'https://panel.test:2087/cpsess5555512345/',
      location: 'https://panel.test:2087/cpsess4444412345',
    });
    const out = text();
    for (const token of ['0123456789', '9876543210', '5555512345', '4444412345']) {
      assert.ok(!out.includes(token), `cpsess${token} leaked: ${out}`);
    }
    const line = JSON.parse(out);
    assert.equal(line.msg, `GET /${MASKED_CPSESS}/scripts2/manage_external_auth`);
    assert.equal(line.path, `/${MASKED_CPSESS}/json-api/listaccts`);
    assert.equal(line.url, `https://panel.test:2087/${MASKED_CPSESS}/`);
    assert.equal(line.location, `https://panel.test:2087/${MASKED_CPSESS}`);
  });

  test('credentials after an auth scheme and cookie headers are removed from text', () => {
    const { logger, text } = capture();
    logger.warn('header Authorization: Bearer abcDEF123token and Basic cm9vdDpzZWNyZXQ=', {
      detail: 'sent whm root:WHMTOKEN123456 with Cookie: whm_session=sess-9999',
    });
    const out = text();
    for (const leaked of ['abcDEF123token', 'cm9vdDpzZWNyZXQ=', 'WHMTOKEN123456', 'sess-9999']) {
      assert.ok(!out.includes(leaked), leaked);
    }
  });

  test('every Authorization scheme’s credential is removed, the scheme kept', () => {
    const cases: [string, string][] = [
      ['Authorization: Bearer abcDEF123token', 'Authorization: Bearer [redacted]'],
      ['Basic cm9vdDpzZWNyZXQ=', 'Basic [redacted]'],
      // base64 of "ab:cd", letters only: still a Basic credential, as it decodes to user:password.
      ['basic YWI6Y2Q', 'basic [redacted]'],
      ['Token 9f8e7d6c5b4a', 'Token [redacted]'],
      ['Negotiate YIIBhwYGKwYBBQUCoIIBezCCAXeg', 'Negotiate [redacted]'],
      ['DPoP eyJhbGciOiJFUzI1NiJ9.e30.sig', 'DPoP [redacted]'],
      ['Bearer abcdefghijklmnopqrstuvwxyz', 'Bearer [redacted]'],
      ['Digest username="root", realm="whm", response="6629fae49393a053"', 'Digest [redacted]'],
      ['sent whm root:WHMTOKEN123456 back', 'sent whm root:[redacted] back'],
    ];
    for (const [text, expected] of cases) assert.equal(redactText(text), expected, text);
  });

  test('words after which a credential could follow are left alone when none does', () => {
    for (const text of [
      'whm api: call refused',
      'whm api: call refused (ABCDEFGH12345)',
      'token request failed',
      'Basic settings saved',
      'basically fine',
      'bearer of bad news',
      'Negotiate later',
      'Digest of the day',
      'no token',
    ]) {
      assert.equal(redactText(text), text);
    }
  });

  test('keeps what is needed to follow a request: message, ordinary fields, error type and code', () => {
    const { logger, lines } = capture();
    logger.error('token request failed', {
      error: 'invalid_grant',
      username: 'root',
      err: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }),
    });
    const parsed = JSON.parse(lines[0]?.line ?? '{}');
    assert.equal(parsed.msg, 'token request failed');
    assert.equal(parsed.error, 'invalid_grant');
    assert.equal(parsed.username, 'root');
    assert.equal(parsed.err.code, 'ECONNREFUSED');
    assert.equal(parsed.level, 50);
    assert.equal(parsed.name, 'test');
  });
});

describe('logger', () => {
  test('writes JSON lines with the request id of the request being handled', async () => {
    const { logger, lines } = capture();
    logger.info('outside');
    await runWithRequestId('req-123', async () => {
      await Promise.resolve();
      logger.info('inside');
    });
    const [outside, inside] = lines.map((l) => JSON.parse(l.line));
    assert.equal(outside.reqId, undefined);
    assert.equal(inside.reqId, 'req-123');
  });

  test('honours the level: debug is dropped at info, info at warn', () => {
    const info = capture();
    info.logger.debug?.('hidden');
    info.logger.info('shown');
    assert.deepEqual(
      info.lines.map((l) => JSON.parse(l.line).msg),
      ['shown'],
    );
    const warn = capture({ level: 'warn', format: 'json' });
    warn.logger.info('hidden');
    warn.logger.warn('shown');
    assert.equal(warn.lines.length, 1);
    assert.equal(warn.lines[0]?.level, 40);
  });

  test('LOG_LEVEL and LOG_FORMAT default to info/auto and a bad value names the variable', () => {
    assert.deepEqual(loadLogSettings({}), { level: 'info', format: 'auto' });
    assert.deepEqual(loadLogSettings({ LOG_LEVEL: 'debug', LOG_FORMAT: 'json' }), { level: 'debug', format: 'json' });
    assert.throws(
      () => loadLogSettings({ LOG_FORMAT: 'xml' }),
      (err) => err instanceof ConfigError && /LOG_FORMAT/.test(err.message),
    );
  });
});
