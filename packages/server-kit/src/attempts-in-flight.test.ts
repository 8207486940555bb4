import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createAttemptsInFlight } from './attempts-in-flight.js';

describe('attempts in flight', () => {
  test('nothing to wait for under a key with no check running', () => {
    const inFlight = createAttemptsInFlight();
    assert.equal(inFlight.nextEnd('root'), undefined);
    inFlight.begin(['root'])();
    assert.equal(inFlight.nextEnd('root'), undefined, 'an ended check is forgotten');
  });

  test('a waiter wakes when one check under its key ends, not one under another key', async () => {
    const inFlight = createAttemptsInFlight();
    const endRootFirst = inFlight.begin(['user:root', 'ip:192.0.2.1']);
    const endRootSecond = inFlight.begin(['user:root', 'ip:192.0.2.1']);
    const endOther = inFlight.begin(['user:other', 'ip:192.0.2.1']);
    const woken: string[] = [];
    void inFlight.nextEnd('user:root')?.then(() => woken.push('root'));
    endOther();
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(woken, []);
    endRootFirst();
    endRootFirst(); // ending twice counts once
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(woken, ['root']);
    assert.ok(inFlight.nextEnd('user:root'), 'the second check still runs');
    endRootSecond();
    assert.equal(inFlight.nextEnd('user:root'), undefined);
    assert.equal(inFlight.nextEnd('ip:192.0.2.1'), undefined);
  });
});
