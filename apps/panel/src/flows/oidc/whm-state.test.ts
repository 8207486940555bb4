import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { buildWhmState, parseWhmState, stateMatchesSession } from './whm-state.js';

describe('WHM state JSON', () => {
  test('is compact JSON with service first', () => {
    assert.equal(buildWhmState('whostmgrd', 'abc'), '{"service":"whostmgrd","external_validation_token":"abc"}');
  });

  test('parses without throwing on anything', () => {
    assert.deepEqual(parseWhmState(buildWhmState('whostmgrd', 'abc')), {
      ok: true,
      service: 'whostmgrd',
      externalValidationToken: 'abc',
    });
    for (const bad of [
      '',
      '{',
      'null',
      '[]',
      '"x"',
      '{"service":1,"external_validation_token":"a"}',
      'x'.repeat(3000),
    ]) {
      assert.deepEqual(parseWhmState(bad), { ok: false }, bad.slice(0, 20));
    }
  });

  test('matches only the exact state of the session', () => {
    const evt = 'A'.repeat(43);
    assert.equal(stateMatchesSession(buildWhmState('whostmgrd', evt), 'whostmgrd', evt), true);
    assert.equal(stateMatchesSession(buildWhmState('whostmgrd', `${evt}x`), 'whostmgrd', evt), false);
    assert.equal(stateMatchesSession(buildWhmState('cpaneld', evt), 'whostmgrd', evt), false);
    const spaced = `{"service": "whostmgrd", "external_validation_token": "${evt}"}`;
    assert.equal(stateMatchesSession(spaced, 'whostmgrd', evt), false);
    assert.equal(stateMatchesSession('{not json', 'whostmgrd', evt), false);
  });
});
