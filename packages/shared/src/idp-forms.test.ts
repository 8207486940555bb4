import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  changeNameFormSchema,
  emailCodeFormSchema,
  emailDomainToAscii,
  emailSchema,
  isEmailAddress,
  newPasswordSchema,
  signupFormSchema,
} from './idp-forms.js';
import { idpMessages } from './idp-messages.js';

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

  test('names: C0/C1 controls and bidi overrides or isolates are refused, other scripts kept', () => {
    const signup = { email: 'a@example.com', password: 'long-enough-password', last_name: 'B', terms: 'on' };
    for (const bad of [
      'A\u0000B',
      'A\u0007B\u001bC',
      'X\r\nY',
      'A\u007fB',
      'A\u0085B',
      '\u202Aa',
      '\u202Eevil',
      '\u2066a',
      'a\u2069',
    ]) {
      for (const result of [
        changeNameFormSchema.safeParse({ first_name: bad, last_name: 'B' }),
        signupFormSchema.safeParse({ ...signup, first_name: bad }),
      ]) {
        assert.equal(result.success, false, JSON.stringify(bad));
        assert.deepEqual(
          result.error?.issues.map((i) => [i.path.join('.'), i.message]),
          [['first_name', idpMessages.name_control_characters]],
        );
      }
    }
    for (const good of ['Zoë', 'José María', "O'Brien-Smith", 'محمد', '李 小龙', 'Ana\u200dB']) {
      assert.equal(changeNameFormSchema.safeParse({ first_name: good, last_name: 'B' }).success, true, good);
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
