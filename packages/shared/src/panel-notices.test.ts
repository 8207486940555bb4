import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  describePanelNotice,
  isPanelNoticeCode,
  linkAccountBannerText,
  logInAgainText,
  PANEL_NOTICE_CODES,
  UNKNOWN_NOTICE_TEXT,
} from './panel-notices.js';

const p = { provider: 'WebPros', username: 'demo@example.com', app: 'WHM' };

describe('panel notices catalogue', () => {
  test('renders the §4.1 texts with the provider display name', () => {
    const expected: Record<string, string> = {
      openid_access_denied:
        'WebPros denied access to information that this system needs in order to authenticate you. Log in again, but authorize this server to access the information that it requests.',
      missing_openid_code: 'WebPros did not return an authorization code.',
      missing_openid_state: 'WebPros did not send back the state of the request.',
      invalid_openid_external_validation_token: 'WebPros did not return the correct validation token.',
      openid_communication: 'The server failed to communicate with WebPros.',
      openid_communication_no_login: 'The server failed to communicate with WebPros.',
      openid_unable_to_get_access_token: 'The system failed to retrieve an access token from WebPros.',
      openid_missing_id_token: 'WebPros did not send back the ID token.',
      openid_provider_misconfigured:
        'The system failed to complete an OpenID Connect authentication due to a possible misconfiguration.',
      openid_access_token_expired: 'Your OpenID Connect session has expired.',
      oidc_received_error: 'The system received an error from WebPros: HTTP 500',
      expired_session: 'Your session has expired. Please log in again.',
      token_incorrect: 'The security token in your request is invalid.',
      user_selection:
        'The “WebPros” account “demo@example.com” links to multiple “WHM” accounts. Select the “WHM” account that you wish to access.',
    };
    for (const [code, text] of Object.entries(expected)) {
      assert.equal(describePanelNotice(code, { ...p, error: 'HTTP 500' }).text, text, code);
    }
  });

  test('marks which notices carry the log-in-again link and the persists sentence', () => {
    assert.deepEqual(PANEL_NOTICE_CODES.filter((c) => describePanelNotice(c, p).logInAgain).sort(), [
      'invalid_openid_external_validation_token',
      'missing_openid_code',
      'missing_openid_state',
      'openid_access_token_expired',
      'openid_communication',
      'openid_missing_id_token',
      'openid_unable_to_get_access_token',
    ]);
    assert.equal(describePanelNotice('openid_communication_no_login', p).persists, true);
    assert.equal(describePanelNotice('openid_communication_no_login', p).logInAgain, false);
    assert.equal(logInAgainText('WebPros'), 'Log in to WebPros again.');
  });

  test('falls back to the generic text for unknown or prototype-named codes', () => {
    for (const code of ['nope', '__proto__', 'toString', 'constructor']) {
      assert.equal(isPanelNoticeCode(code), false, code);
      assert.equal(describePanelNotice(code, p).text, UNKNOWN_NOTICE_TEXT);
    }
  });

  test('builds the link banner in both variants with curly quotes', () => {
    assert.equal(
      linkAccountBannerText({ username: 'demo@example.com', app: 'WHM', alreadyLinked: false }),
      'Your account “demo@example.com” is not associated with an existing “WHM” account. Please log in to connect the account.',
    );
    assert.match(
      linkAccountBannerText({ username: 'x', app: 'WHM', alreadyLinked: true }),
      /^Your account “x” is already associated with an existing “WHM” account\. Please log in to connect a new account\.$/,
    );
  });
});
