import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseForms, textOf } from './http-client.js';

const page = `
<form method="post" action="/interaction/abc/confirm">
  <input type="hidden" name="_csrf" value="t&amp;k">
  <input type="checkbox" id="trust" name="trust" value="on">
  <label for="trust">Trust <b>localhost</b> for 365 days</label>
  <label for="email">Email</label><input id="email" name="email" type="email" value="a@b.c">
  <button type="submit" class="link">https://localhost:2087/cb</button>
  <button type="button">Copy code</button>
  <button type="submit" name="via" value="continue">Continue</button>
</form>
<form action="cancel"><button>Cancel</button></form>`;

test('reads fields a browser would send, labels to names, and submit buttons', () => {
  const [confirm, cancel] = parseForms(page, 'https://localhost:8443/interaction/abc');
  assert.ok(confirm && cancel);
  assert.equal(confirm.action, 'https://localhost:8443/interaction/abc/confirm');
  assert.equal(confirm.method, 'POST');
  assert.deepEqual(confirm.fields, { _csrf: 't&k', email: 'a@b.c' }, 'an unchecked box is not sent');
  assert.deepEqual(confirm.labels, { 'Trust localhost for 365 days': 'trust', Email: 'email' });
  assert.deepEqual(confirm.buttons, [
    { text: 'https://localhost:2087/cb' },
    { text: 'Continue', name: 'via', value: 'continue' },
  ]);
  assert.equal(cancel.method, 'GET');
  assert.equal(cancel.action, 'https://localhost:8443/interaction/cancel');
  assert.deepEqual(cancel.buttons, [{ text: 'Cancel' }]);
});

test('textOf drops tags and comments and collapses white space', () => {
  assert.equal(textOf('<p>Your account <!-- x -->“a&amp;b”\n  is <em>here</em></p>'), 'Your account “a&b” is here');
});
