import assert from 'node:assert/strict';
import { test } from 'node:test';
import { choosePreferredUsername } from './preferred-username.js';

test('prefers email, then emails, preferred_username, name and finally the subject (§5.4)', () => {
  const all = { email: 'e@x.test', emails: { preferred: 'p@x.test' }, preferred_username: 'pu', name: 'N' };
  assert.equal(choosePreferredUsername(all, 'sub'), 'e@x.test');
  assert.equal(choosePreferredUsername({ ...all, email: undefined }, 'sub'), 'p@x.test');
  assert.equal(choosePreferredUsername({ emails: { business: 'b@x.test', personal: 'q@x.test' } }, 'sub'), 'b@x.test');
  assert.equal(choosePreferredUsername({ emails: ['a@x.test'] }, 'sub'), 'a@x.test');
  assert.equal(choosePreferredUsername({ preferred_username: 'pu', name: 'N' }, 'sub'), 'pu');
  assert.equal(choosePreferredUsername({ name: 'N' }, 'sub'), 'N');
  assert.equal(choosePreferredUsername({}, 'sub'), 'sub');
});

test('skips values WHM cannot store as a label: line breaks, slashes, blanks, non-strings', () => {
  assert.equal(choosePreferredUsername({ email: 'a\nb', name: 'ok' }, 'sub'), 'ok');
  assert.equal(choosePreferredUsername({ email: 'a/b', preferred_username: '  ' }, 'sub'), 'sub');
  assert.equal(choosePreferredUsername({ email: 42, name: ['x'] }, 'sub'), 'sub');
  assert.equal(choosePreferredUsername({ email: 'x'.repeat(300) }, 'sub'), 'sub');
});
