import assert from 'node:assert/strict';
import { test } from 'node:test';
import { paths, routes, safeGotoUri } from './routes.js';

test('builds WHM’s button and log-in-again links exactly', () => {
  assert.equal(paths.oidcLoginButton('webpros'), '/openid_connect/webpros?user=&theme=&parameterized_form=');
  assert.equal(paths.oidcLogInAgain('webpros'), '/openid_connect/webpros?goto_uri=/');
  assert.equal(paths.home('0123456789'), '/cpsess0123456789/');
  assert.ok(routes.home.test(paths.home('0123456789')));
  assert.ok(routes.securedLogout.test(paths.securedLogout('0123456789')));
  assert.ok(!routes.home.test('/cpsess012345678/'));
});

test('keeps only local absolute paths as goto_uri', () => {
  assert.equal(safeGotoUri('/scripts2/manage_external_auth?x=1'), '/scripts2/manage_external_auth?x=1');
  for (const bad of [undefined, '', 'https://evil.test/', '//evil.test/', '/\\evil.test', 'x', '/a\nb', '/a b']) {
    assert.equal(safeGotoUri(bad), '/', String(bad));
  }
});
