import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type HttpResponse, textOf } from '@extauth/server-kit/http-client';
import { type Db, openDatabase } from '@extauth/server-kit/sqlite';
import { idpMessages, startAgainLinkText } from '@extauth/shared/idp-messages';
import { IDP_DATABASE_FILE } from '../../store/database.js';
import { authorizeUrl, browse, submitForm } from '../../testing/oidc-driver.js';
import { startTestIdp, type TestIdp } from '../../testing/test-idp.js';

let t: TestIdp;
// A second connection to the IdP's file, to lose state the way a crash or a wiped folder would.
let db: Db;
before(async () => {
  t = await startTestIdp({ dataDir: fs.mkdtempSync(path.join(os.tmpdir(), 'idp-start-again-')) });
  db = openDatabase({ file: path.join(t.config.dataDir, 'idp', IDP_DATABASE_FILE), migrations: [] });
});
after(async () => {
  db.close();
  await t.close();
});

const loseSignInRequests = () => db.prepare("DELETE FROM oidc_models WHERE model = 'Interaction'").run();

/** What a person whose sign-in request is gone must see: one sentence and a way back, no error detail. */
function assertStartAgainPage(res: HttpResponse) {
  assert.equal(res.status, 400, res.text);
  const text = textOf(res.text);
  assert.ok(text.includes(idpMessages.interaction_expired), text);
  const link = /<a href="([^"]+)">([^<]+)<\/a>/.exec(res.text);
  assert.deepEqual(link?.slice(1), [
    `https://${t.config.panel.hostname}:${t.config.panel.port}/`,
    startAgainLinkText(`WHM (${t.config.panel.hostname})`),
  ]);
  assert.doesNotMatch(text, /Details:|not found|session|invalid_request/i, 'no oidc-provider wording');
}

describe('a sign-in request that no longer exists', () => {
  test('its pages answer with the start-again page, for a GET and for a form sent from before', async () => {
    const browser = t.browser();
    const loginPage = await browse(browser, await browser.get(authorizeUrl(t.issuer)));
    assert.equal(loginPage.status, 200);
    loseSignInRequests();
    assertStartAgainPage(await browser.get(loginPage.url));
    assertStartAgainPage(
      await submitForm(browser, loginPage, '/login', { email: t.config.demo.email, password: t.config.demo.password }),
    );
    assertStartAgainPage(await browser.get(`${loginPage.url}/signup`));
  });

  test('resuming it at /auth/:uid answers with the start-again page, not the provider’s error', async () => {
    const browser = t.browser();
    const loginPage = await browse(browser, await browser.get(authorizeUrl(t.issuer)));
    const loggedIn = await submitForm(browser, loginPage, '/login', {
      email: t.config.demo.email,
      password: t.config.demo.password,
    });
    assert.equal(loggedIn.status, 303);
    assert.match(loggedIn.location ?? '', /\/auth\/[^/]+$/);
    loseSignInRequests();
    assertStartAgainPage(await browser.get(loggedIn.location ?? ''));
  });

  test('an address nobody was given gets the same page', async () => {
    assertStartAgainPage(await t.browser().get(`${t.issuer}/interaction/never-issued`));
  });
});
