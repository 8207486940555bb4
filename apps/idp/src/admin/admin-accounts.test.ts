import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { adminClient, TEST_ADMIN_TOKEN } from '../testing/admin-client.js';
import { consentAndGetIdToken, frozenClock, logInWithPassword, totpAt } from '../testing/mfa.js';
import { submitForm } from '../testing/oidc-driver.js';
import { hasOidcSession, signInWithRefreshToken, uniqueEmail } from '../testing/self-service.js';
import { startTestIdp, type TestIdp } from '../testing/test-idp.js';
import { adminRoutes } from './admin.routes.js';

let t: TestIdp;
before(async () => {
  t = await startTestIdp({ clock: frozenClock(), env: { IDP_ADMIN_TOKEN: TEST_ADMIN_TOKEN } });
});
after(() => t.close());

const enc = encodeURIComponent;

describe('admin API: access', () => {
  test('answers 404 when IDP_ADMIN_TOKEN is not set', async () => {
    const plain = await startTestIdp();
    try {
      const res = await adminClient(plain)('GET', adminRoutes.accounts);
      assert.equal(res.status, 404);
    } finally {
      await plain.close();
    }
  });

  test('every endpoint answers 401 in JSON without the token or with a wrong one', async () => {
    const endpoints: [string, string][] = [
      ['GET', '/admin/accounts'],
      ['POST', '/admin/accounts'],
      ['GET', '/admin/accounts/a%40example.com'],
      ['DELETE', '/admin/accounts/a%40example.com'],
      ['PUT', '/admin/accounts/a%40example.com/mfa'],
      ['DELETE', '/admin/accounts/a%40example.com/mfa'],
      ['POST', '/admin/accounts/a%40example.com/revoke'],
      ['GET', '/admin/clients'],
      ['POST', '/admin/clients'],
      ['DELETE', '/admin/clients/x'],
      ['GET', '/admin/signing-keys'],
      ['POST', '/admin/signing-keys/rotate'],
      ['POST', '/admin/reset'],
      ['POST', '/admin/seed'],
      ['GET', '/admin/outbox?to=a%40example.com'],
      ['GET', '/admin/clock'],
      ['POST', '/admin/clock'],
      ['GET', '/admin/faults'],
      ['POST', '/admin/faults'],
      ['DELETE', '/admin/faults'],
      ['GET', '/admin/no-such-endpoint'],
    ];
    for (const token of [null, 'wrong-token-0123456789abcdefgh', `${TEST_ADMIN_TOKEN}x`]) {
      const call = adminClient(t, token);
      for (const [method, path] of endpoints) {
        const res = await call(method, path, method === 'GET' || method === 'DELETE' ? undefined : {});
        assert.equal(res.status, 401, `${method} ${path} with ${token}`);
        assert.equal(res.body.error, 'unauthorized');
        assert.match(res.headers.get('www-authenticate') ?? '', /^Bearer /);
      }
    }
  });

  test('an unknown endpoint is a JSON 404, a wrong method a 405, a body that is not JSON a 400', async () => {
    const call = adminClient(t);
    assert.deepEqual((await call('GET', '/admin/nothing')).body.error, 'not_found');
    assert.equal((await call('PATCH', adminRoutes.accounts)).status, 405);
    const broken = await call('POST', adminRoutes.accounts, '{"email": ');
    assert.equal(broken.status, 400);
    assert.equal(broken.body.error, 'invalid_request');
  });

  test('a body in another content type is a 415, and a body that is not `{}` is refused where `{}` is expected', async () => {
    // Found by tests/fuzz: text/plain bodies were ignored (so `{}` applied) and revoke read no body.
    const http = t.browser();
    const asText = await http.request('POST', `${t.issuer}${adminRoutes.rotateSigningKey}`, {
      body: '{"graceSeconds":0}',
      headers: {
        authorization: `Bearer ${TEST_ADMIN_TOKEN}`,
        'content-type': 'text/plain',
        accept: 'application/json',
      },
    });
    assert.equal(asText.status, 415);
    assert.equal(asText.json<{ error: string }>().error, 'unsupported_media_type');
    const call = adminClient(t);
    const email = uniqueEmail('admin-revoke');
    await call('POST', adminRoutes.accounts, { email });
    const revoke = await call('POST', `/admin/accounts/${encodeURIComponent(email)}/revoke`, { everything: true });
    assert.equal(revoke.status, 400);
    assert.match(String(revoke.body.error_description), /everything/);
  });
});

describe('admin API: accounts', () => {
  test('creates an account with a generated password (returned once) that can log in; a second create is 409', async () => {
    const call = adminClient(t);
    const email = uniqueEmail('admin');
    const created = await call<{ account: { sub: string; email: string; verified: boolean }; password: string }>(
      'POST',
      adminRoutes.accounts,
      { email, givenName: 'Ada', familyName: 'Admin' },
    );
    assert.equal(created.status, 201);
    assert.equal(created.body.account.email, email);
    assert.equal(created.body.account.verified, true);
    assert.equal(created.body.password.length, 20);
    const browser = t.browser();
    const consent = await logInWithPassword(t, browser, { email, password: created.body.password });
    assert.equal((await consentAndGetIdToken(t, browser, consent)).email, email);

    const again = await call('POST', adminRoutes.accounts, {
      email: email.toUpperCase(),
      password: 'another-password-1',
    });
    assert.equal(again.status, 409);
    assert.equal(again.body.error, 'account_exists');
  });

  test('reads an account by email (case-insensitive) and lists it; unknown is 404', async () => {
    const call = adminClient(t);
    const email = uniqueEmail('read');
    await call('POST', adminRoutes.accounts, { email, password: 'read-password-123', newsletter: true });
    const read = await call<{ account: Record<string, unknown> }>('GET', `/admin/accounts/${enc(email.toUpperCase())}`);
    assert.equal(read.status, 200);
    assert.equal(read.body.account.email, email);
    assert.equal(read.body.account.newsletter, true);
    assert.equal(read.body.account.mfa, 'off');
    assert.equal('passwordHash' in read.body.account, false);
    const list = await call<{ accounts: { email: string }[] }>('GET', adminRoutes.accounts);
    assert.ok(list.body.accounts.some((a) => a.email === email));
    const missing = await call('GET', `/admin/accounts/${enc('nobody@example.com')}`);
    assert.equal(missing.status, 404);
    assert.equal(missing.body.error, 'account_not_found');
  });

  test('refuses a bad body with 400 naming each field', async () => {
    const call = adminClient(t);
    const res = await call('POST', adminRoutes.accounts, { email: 'nope', password: 'short', extra: 1 });
    assert.equal(res.status, 400);
    assert.equal(res.body.error, 'invalid_request');
    assert.match(String(res.body.error_description), /email: /);
    assert.match(String(res.body.error_description), /password: /);
    assert.match(String(res.body.error_description), /extra/);
  });

  test('deletes an account: it can no longer log in and reads as 404', async () => {
    const call = adminClient(t);
    const email = uniqueEmail('gone');
    await call('POST', adminRoutes.accounts, { email, password: 'gone-password-123' });
    assert.equal((await call('DELETE', `/admin/accounts/${enc(email)}`)).status, 204);
    assert.equal((await call('GET', `/admin/accounts/${enc(email)}`)).status, 404);
    assert.equal((await call('DELETE', `/admin/accounts/${enc(email)}`)).status, 404);
    const page = await logInWithPassword(t, t.browser(), { email, password: 'gone-password-123' });
    assert.doesNotMatch(page.text, /Confirm Sending Data/);
  });

  test('sets MFA with a generated secret and recovery code (returned once), then clears it', async () => {
    const call = adminClient(t);
    const email = uniqueEmail('mfa-admin');
    const password = 'mfa-admin-password-1';
    await call('POST', adminRoutes.accounts, { email, password });
    const set = await call<{ totpSecret: string; recoveryCode: string; otpauthUri: string }>(
      'PUT',
      `/admin/accounts/${enc(email)}/mfa`,
      {},
    );
    assert.equal(set.status, 200);
    assert.match(set.body.totpSecret, /^[A-Z2-7]{32}$/);
    assert.match(set.body.recoveryCode, /^([A-Z2-7]{5}-){4}[A-Z2-7]{5}$/);
    assert.match(set.body.otpauthUri, /^otpauth:\/\/totp\//);
    assert.equal(
      (await call<{ account: { mfa: string } }>('GET', `/admin/accounts/${enc(email)}`)).body.account.mfa,
      'active',
    );

    const browser = t.browser();
    const challenge = await logInWithPassword(t, browser, { email, password });
    assert.match(challenge.text, /Verify Your Identity/);
    const code = await totpAt(t, set.body.totpSecret);
    const consent = await browser.follow(await submitForm(browser, challenge, '/mfa/challenge', { code }));
    assert.deepEqual((await consentAndGetIdToken(t, browser, consent)).amr, ['pwd', 'otp']);

    const given = await call<{ totpSecret: string }>('PUT', `/admin/accounts/${enc(email)}/mfa`, {
      totpSecret: 'jbswy3dpehpk3pxpjbswy3dpehpk3pxp',
    });
    assert.equal(given.body.totpSecret, 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP');
    assert.equal((await call('DELETE', `/admin/accounts/${enc(email)}/mfa`)).status, 204);
    assert.equal(
      (await call<{ account: { mfa: string } }>('GET', `/admin/accounts/${enc(email)}`)).body.account.mfa,
      'off',
    );
    const bad = await call('PUT', `/admin/accounts/${enc(email)}/mfa`, { totpSecret: 'not base32!' });
    assert.equal(bad.status, 400);
    assert.match(String(bad.body.error_description), /totpSecret/);
  });

  test('revokes the sessions, tokens and trust of an account', async () => {
    const call = adminClient(t);
    const email = uniqueEmail('revoke');
    const password = 'revoke-password-123';
    await call('POST', adminRoutes.accounts, { email, password });
    const browser = t.browser();
    const { refresh } = await signInWithRefreshToken(t, browser, { email, password });
    assert.equal(await hasOidcSession(t, browser), true);
    const revoked = await call<{ oidcArtefacts: number }>('POST', `/admin/accounts/${enc(email)}/revoke`, {});
    assert.equal(revoked.status, 200);
    assert.ok(revoked.body.oidcArtefacts > 0);
    assert.equal((await refresh()).status, 400, 'the refresh token is gone');
    assert.equal(await hasOidcSession(t, browser), false);
    assert.equal((await call('POST', `/admin/accounts/${enc('nobody@example.com')}/revoke`, {})).status, 404);
  });
});
