import type { Clock } from '@extauth/server-kit/clock';
import { type HttpResponse, parseForms } from '@extauth/server-kit/http-client';
import { tfaCodeAt, timeStepAt } from '../domain/totp.js';
import { submitLoginForm, TEST_ROOT_PASSWORD, type TestEnv } from './harness.js';
import { callWhmApi } from './whm-api-client.js';

/** The code of `secret` at the clock's current step plus `offsetSteps` (RFC 6238 is checked in totp.test.ts). */
export function codeAt(secret: string, clock: Clock, offsetSteps = 0): string {
  return tfaCodeAt(secret, timeStepAt(clock.now().getTime()) + offsetSteps);
}

/** Root's 2FA through the API, as a script would: generate, then confirm with a code `offsetSteps` away. */
export async function configureRootTfa(env: TestEnv, clock: Clock, offsetSteps = 0): Promise<string> {
  const generated = await callWhmApi(env, 'twofactorauth_generate_tfa_config');
  const secret = String(generated.body.data?.secret);
  const set = await callWhmApi(env, 'twofactorauth_set_tfa_config', {
    secret,
    tfa_token: codeAt(secret, clock, offsetSteps),
  });
  if (set.body.metadata.result !== 1) throw new Error(`set_tfa_config failed: ${set.body.metadata.reason}`);
  return secret;
}

/** A fresh browser logs in as root with the password and follows the redirect (the 2FA page, or Home). */
export async function passwordLoginAsRoot(env: TestEnv): Promise<HttpResponse> {
  env.browser.cookies.clear();
  const login = await submitLoginForm(env.browser, await env.browser.get(`${env.url}/`), 'root', TEST_ROOT_PASSWORD);
  if (login.status !== 303 || !login.location) throw new Error(`password login failed: ${login.status}`);
  return env.browser.get(login.location);
}

/** Submits the "Security code" form of a WHM Login Security page. */
export function submitSecurityCode(env: TestEnv, page: HttpResponse, code: string): Promise<HttpResponse> {
  const form = parseForms(page.text, page.url).find((f) => f.buttons.some((b) => b.text === 'Continue'));
  if (!form) throw new Error(`no security code form on ${page.url} (status ${page.status})`);
  const field = form.labels['Security code'];
  if (!field) throw new Error('no "Security code" label');
  return env.browser.post(form.action, { ...form.fields, [field]: code });
}

export const titleOf = (page: HttpResponse) => /<title>([^<]*)<\/title>/.exec(page.text)?.[1];
