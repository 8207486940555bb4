import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { parseForms } from '@extauth/server-kit/http-client';
import { startTestEnv, type TestEnv } from '../test-support/harness.js';
import { callWhmApi, type Envelope, ROOT_BASIC } from '../test-support/whm-api-client.js';

const INVALID_UTF8_REASON = /is not valid UTF-8/;

describe('invalid percent-encoded UTF-8 is refused, never stored as literal text', () => {
  let env: TestEnv;
  before(async () => {
    env = await startTestEnv();
  });
  after(() => env.close());

  test('the WHM API refuses a form body with invalid UTF-8 and stores nothing', async () => {
    const res = await env.browser.request('POST', `${env.url}/json-api/link_user_authn_provider?api.version=1`, {
      body: 'username=root&provider_id=webpros&subject_unique_identifier=%FF&preferred_username=%FE',
      headers: { authorization: ROOT_BASIC, 'content-type': 'application/x-www-form-urlencoded' },
    });
    const body = res.json<Envelope>();
    assert.equal(body.metadata.result, 0);
    assert.equal(body.metadata.command, 'link_user_authn_provider');
    assert.match(body.metadata.reason, INVALID_UTF8_REASON);
    const links = await callWhmApi(env, 'get_users_authn_linked_accounts');
    assert.doesNotMatch(JSON.stringify(links.body), /%FF|%FE/);
  });

  test('the WHM API refuses a query string with invalid UTF-8; valid UTF-8 still passes', async () => {
    const url = `${env.url}/json-api/link_user_authn_provider?api.version=1&username=root&provider_id=webpros&subject_unique_identifier=a%C3`;
    const res = await env.browser.request('GET', url, { headers: { authorization: ROOT_BASIC } });
    const body = res.json<Envelope>();
    assert.equal(body.metadata.result, 0);
    assert.match(body.metadata.reason, INVALID_UTF8_REASON);
    const valid = await callWhmApi(env, 'link_user_authn_provider', {
      username: 'root',
      provider_id: 'webpros',
      subject_unique_identifier: 'sub-é',
      preferred_username: 'émile',
    });
    assert.equal(valid.body.metadata.result, 1, 'valid UTF-8 still works');
  });

  test('the panel’s forms and query strings refuse invalid UTF-8 with a 400 and a clear sentence', async () => {
    env.browser.cookies.clear();
    const page = await env.browser.get(`${env.url}/`);
    const csrf = parseForms(page.text, page.url)[0]?.fields._csrf ?? '';
    const form = await env.browser.request('POST', `${env.url}/login/`, {
      body: `_csrf=${encodeURIComponent(csrf)}&user=root%FF&pass=x`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    assert.equal(form.status, 400);
    assert.match(form.text, /The request contains text that is not valid UTF-8\./);
    const query = await env.browser.get(`${env.url}/openid_connect/webpros?goto_uri=/%FF`);
    assert.equal(query.status, 400);
    assert.match(query.text, /The request contains text that is not valid UTF-8\./);
  });
});
