import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  emailCodeFormSchema,
  emailDomainToAscii,
  emailSchema,
  isEmailAddress,
  newPasswordSchema,
} from './idp-forms.js';

describe('idp forms', () => {
  test('emails: trimmed, + tags and internationalised domains accepted, junk refused', () => {
    assert.equal(emailSchema.parse('  Ana+x@Example.com '), 'Ana+x@Example.com');
    assert.equal(isEmailAddress('jürgen@bücher.example'), true);
    assert.equal(emailDomainToAscii('bücher.example'), 'xn--bcher-kva.example');
    for (const bad of [
      'no-at',
      '@example.com',
      'a@b',
      'a b@example.com',
      'a@exa mple.com',
      'a@1.2.3.4',
      'a..b@example.com',
    ]) {
      assert.equal(isEmailAddress(bad), false, bad);
    }
  });

  test('passwords: 12 to 1,024 code points, never trimmed', () => {
    const schema = newPasswordSchema();
    assert.equal(schema.safeParse('a'.repeat(11)).success, false);
    assert.equal(schema.safeParse('😀'.repeat(12)).success, true);
    assert.equal(schema.safeParse('😀'.repeat(6)).success, false);
    assert.equal(schema.parse(' twelve chars '), ' twelve chars ');
    assert.equal(schema.safeParse('a'.repeat(1024)).success, true);
    assert.equal(schema.safeParse('a'.repeat(1025)).success, false);
  });

  test('the code is the plain field, or the six boxes joined', () => {
    assert.deepEqual(emailCodeFormSchema.parse({ code: ' 123 456 ' }), { code: '123456' });
    assert.deepEqual(emailCodeFormSchema.parse({ d1: '1', d2: '2', d3: '3', d4: '4', d5: '5', d6: '6' }), {
      code: '123456',
    });
    assert.equal(emailCodeFormSchema.safeParse({ d1: '1' }).success, false);
    assert.equal(emailCodeFormSchema.safeParse({}).success, false);
  });
});
