import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { type HttpResponse, parseForms } from '@extauth/server-kit/http-client';
import {
  anonymousLoginPage,
  startTestEnv,
  submitLoginForm,
  TEST_ROOT_PASSWORD,
  type TestEnv,
} from '../../test-support/harness.js';
import { callWhmApi } from '../../test-support/whm-api-client.js';
import { renderProvidersList } from './providers.views.js';

const textOf = (page: HttpResponse) =>
  page.text
    .replace(/<[^>]+>/g, ' ')
    .replace(/&quot;/g, '"')
    .replace(/\s+/g, ' ');
const formWith = (page: HttpResponse, test: (fields: Record<string, string>, action: string) => boolean) =>
  parseForms(page.text, page.url).find((f) => test(f.fields, f.action));

describe('Manage External Authentications', () => {
  let env: TestEnv;
  let home: HttpResponse;
  before(async () => {
    env = await startTestEnv();
  });
  after(() => env.close());
  beforeEach(async () => {
    env.browser.cookies.clear();
    const login = await submitLoginForm(env.browser, await env.browser.get(`${env.url}/`), 'root', TEST_ROOT_PASSWORD);
    home = await env.browser.get(login.location ?? '');
  });

  const openProviders = async () => {
    const href = /<a id="manage-external-auth" href="([^"]+)"/.exec(home.text)?.[1] ?? '';
    return env.browser.get(`${env.url}${href}`);
  };

  test('is linked from WHM Home and lists providers with a status per service', async () => {
    const page = await openProviders();
    assert.equal(page.status, 200);
    assert.match(page.text, /<title>Manage External Authentications<\/title>/);
    const text = textOf(page);
    for (const column of ['Authentication Provider', 'Status (cpaneld)', 'Status (whostmgrd)', 'Status (webmaild)']) {
      assert.ok(text.includes(column), column);
    }
    assert.match(text, /WebPros Enabled|WebPros .*Disabled/);
    assert.match(page.text, /<a class="button-secondary" href="[^"]+\/providers\/webpros">Configure<\/a>/);
  });

  test('toggles a service with a CSRF-protected form and reports §6.1 results', async () => {
    const page = await openProviders();
    const disable = formWith(page, (f) => f.service_name === 'whostmgrd');
    assert.equal(disable?.fields.enabled, '0');
    assert.equal((await env.browser.post(disable?.action ?? '', { ...disable?.fields, _csrf: 'x' })).status, 403);
    const done = await env.browser.post(disable?.action ?? '', disable?.fields ?? {});
    assert.equal(done.status, 200);
    assert.ok(textOf(done).includes('The system has successfully disabled the “WebPros” provider in “whostmgrd”.'));
    assert.equal((await anonymousLoginPage(env)).text.includes('external-auth-webpros'), false);
    assert.equal((await anonymousLoginPage(env)).text.includes('<title>WHM Login</title>'), true);
    const enable = formWith(done, (f) => f.service_name === 'whostmgrd');
    const again = await env.browser.post(enable?.action ?? '', enable?.fields ?? {});
    assert.ok(textOf(again).includes('The system has successfully enabled the “WebPros” provider in “whostmgrd”.'));
    const bad = await env.browser.post(enable?.action ?? '', { ...enable?.fields, service_name: 'ftpd' });
    assert.ok(
      textOf(bad).includes(
        'The system could not enable the “WebPros” provider in “ftpd”. The following error occurred: Currently, only “cpaneld”, “webmaild”, and “whostmgrd” can use External Authentication.',
      ),
    );
  });

  test('an unconfigured provider says so and blocks its toggles', () => {
    const html = renderProvidersList(
      [
        {
          id: 'x',
          displayName: 'X',
          configured: false,
          services: [{ service: 'whostmgrd', enabled: false }],
          toggleAction: '/t',
          configureHref: '/c',
        },
      ],
      ['whostmgrd'],
      'csrf',
    ).value;
    assert.match(html, /The provider is not configured\./);
    assert.match(html, /disabled title="You cannot enable this provider until you configure it\."/);
    assert.match(renderProvidersList([], ['whostmgrd'], 'csrf').value, /No providers available\./);
  });

  test('configure page: fields, redirect URIs, the mandatory checkbox, Save results of §6.2', async () => {
    const providers = await openProviders();
    const href = /href="([^"]+\/providers\/webpros)"/.exec(providers.text)?.[1] ?? '';
    const page = await env.browser.get(`${env.url}${href}`);
    const text = textOf(page);
    for (const expected of [
      'Configure the “WebPros” Provider',
      'Provider Settings',
      'Client ID',
      'Client Secret',
      'Configure Login Buttons',
      'Button Label',
      'Button color',
      'Button text color',
      'Button icon',
      'Button icon type',
      'Redirect URIs',
      'To ensure that the system works correctly, confirm that you have used the above URLs when you configure the provider.',
      'Save',
      'Cancel',
    ]) {
      assert.ok(text.includes(expected), expected);
    }
    assert.ok(page.text.includes(`https://localhost:${env.panel.port}/openid_connect_callback/webpros`));
    const form = formWith(page, (f) => 'client_id' in f);
    assert.equal(form?.fields.client_id, 'whm-test-client');
    // The checkbox's error line is kept free before any error, so the refusal does not move the form.
    assert.match(
      page.text,
      /<label for="confirm_redirect_uris" class="inline">[^<]*<\/label>\s*<p class="field-error"><\/p>/,
    );
    const unconfirmed = await env.browser.post(form?.action ?? '', { ...form?.fields, label: 'Use WebPros' });
    assert.equal(unconfirmed.status, 400);
    // The notice is the alert; the line under the checkbox says the same about the field itself.
    assert.match(unconfirmed.text, /<div class="notice error-notice" role="alert">The system could not update/);
    assert.match(unconfirmed.text, /<p id="confirm-error" class="field-error">This field is required\.<\/p>/);
    assert.match(
      unconfirmed.text,
      /id="confirm_redirect_uris"[^>]*aria-invalid="true" aria-describedby="confirm-error"/,
    );
    assert.ok(
      textOf(unconfirmed).includes(
        'The system could not update the configurations for “WebPros.” The following error occurred: “This field is required.”',
      ),
    );
    const badColour = await env.browser.post(form?.action ?? '', {
      ...form?.fields,
      color: 'zzz',
      confirm_redirect_uris: '1',
    });
    assert.ok(
      textOf(badColour).includes(
        'The following error occurred: “The value of the configuration key “color” must be 3 to 6 hexadecimal digits, without “#”.”',
      ),
    );
    const saved = await env.browser.post(form?.action ?? '', {
      ...form?.fields,
      label: 'Use WebPros',
      confirm_redirect_uris: '1',
    });
    assert.equal(saved.status, 200);
    assert.ok(textOf(saved).includes('The system successfully updated the configurations for “WebPros.”'));
    assert.match((await anonymousLoginPage(env)).text, /<span>Use WebPros<\/span>/);
    await env.browser.post(form?.action ?? '', { ...form?.fields, confirm_redirect_uris: '1' });
  });

  test('users tab, per-user page, Confirm Unlink, result and Go Back (§6.3)', async () => {
    await callWhmApi(env, 'link_user_authn_provider', {
      username: 'root',
      provider_id: 'webpros',
      subject_unique_identifier: 'sub-9',
      preferred_username: 'demo@example.com',
    });
    const providers = await openProviders();
    const usersHref = /<a class="tab" href="([^"]+\/users)"/.exec(providers.text)?.[1] ?? '';
    const users = await env.browser.get(`${env.url}${usersHref}`);
    assert.ok(['Username', 'Services', 'Manage'].every((c) => textOf(users).includes(c)));
    const manageHref = /<a href="([^"]+\/users\/root)" aria-label="Manage root">/.exec(users.text)?.[1] ?? '';
    const user = await env.browser.get(`${env.url}${manageHref}`);
    assert.ok(textOf(user).includes('Manage the authentication for “root”'));
    assert.ok(textOf(user).includes('Authentication Method'));
    const unlinkHref =
      /<a class="button-secondary" href="([^"]+\/unlink\?[^"]+)">Unlink<\/a>/.exec(user.text)?.[1] ?? '';
    const confirm = await env.browser.get(`${env.url}${unlinkHref.replace(/&amp;/g, '&')}`);
    assert.ok(textOf(confirm).includes('Confirm Unlink'));
    assert.ok(
      textOf(confirm).includes('Are you sure that you want to remove the “WebPros” authentication linkage for “root”?'),
    );
    const form = formWith(confirm, (f) => 'subject_unique_identifier' in f);
    const done = await env.browser.post(form?.action ?? '', form?.fields ?? {});
    assert.ok(
      textOf(done).includes(
        'The system has removed the “WebPros (demo@example.com)” authentication linkage for “root.”',
      ),
    );
    assert.match(done.text, /<a id="go-back" class="button-secondary" href="[^"]+\/users\/root">Go Back<\/a>/);
    const twice = await env.browser.post(form?.action ?? '', form?.fields ?? {});
    assert.ok(
      textOf(twice).includes(
        'The system could not remove the “WebPros (sub-9)” authentication linkage for “root” due to an error: The value of the parameter “subject_unique_identifier” is not valid for this user.',
      ),
    );
    const empty = await env.browser.get(`${env.url}${manageHref}`);
    assert.ok(textOf(empty).includes('There are no alternative authentication methods for this user.'));
  });

  test('a reseller sees no link on Home and gets 403 on the pages', async () => {
    await callWhmApi(env, 'createacct', { username: 'rita', password: 'rita-password-1', domain: 'rita.test' });
    await callWhmApi(env, 'setupreseller', { user: 'rita' });
    env.browser.cookies.clear();
    const login = await submitLoginForm(env.browser, await env.browser.get(`${env.url}/`), 'rita', 'rita-password-1');
    const resellerHome = await env.browser.get(login.location ?? '');
    assert.doesNotMatch(resellerHome.text, /manage-external-auth/);
    const token = /cpsess(\d{10})/.exec(login.location ?? '')?.[1];
    assert.equal(
      (await env.browser.get(`${env.url}/cpsess${token}/scripts2/manage_external_auth/providers`)).status,
      403,
    );
  });
});
