import type { HttpClient } from '@extauth/server-kit/http-client';
import { totp } from '@extauth/testkit';
import { type Endpoint, expectRedirect, expectStatus } from '../support/endpoint.js';
import { type ParamsTemplate, queryTemplate } from '../support/templates.js';
import { followUntil, formOf, formTemplate, open, PASSWORD, type World } from '../support/world.js';

/**
 * The panel's forms and query endpoints: the WHM login (form and `login_only=1`), "Log in via
 * WebPros" (start with `goto_uri`, the OIDC callback, the user selection), the WHM Login Security
 * prompt, logout (and the IdP's return to `/logout/?state=`), Manage External Authentications
 * (with the Confirm Unlink page, which reads its query) and Two-Factor Authentication.
 */

/** A browser logged in to WHM as root by the login form, and its security token. */
export async function rootSession(world: World): Promise<{ client: HttpClient; token: string; home: string }> {
  const client = world.browser();
  const page = await open(client, `${world.sandbox.panelUrl}/`);
  const form = formOf(page, '/login/');
  const res = await client.post(form.action, { ...form.fields, user: 'root', pass: world.sandbox.rootPassword });
  const token = /\/cpsess(\d{10})\//.exec(res.location ?? '')?.[1];
  if (!token) throw new Error(`root login answered ${res.status} ${res.location}`);
  return { client, token, home: `${world.sandbox.panelUrl}/cpsess${token}` };
}

/**
 * "Log in via WebPros" up to the IdP's redirect back to the panel's callback (not opened): the
 * callback URL with its code and state, in the browser that holds the pre-auth session.
 */
async function callbackUrl(world: World, email: string, password: string) {
  const client = world.browser();
  const panel = world.sandbox.panelUrl;
  const callback = `${panel}/openid_connect_callback/webpros`;
  const login = await followUntil(client, await client.get(`${panel}/openid_connect/webpros`), callback);
  const loginForm = formOf(login, '/login');
  const consent = await followUntil(
    client,
    await client.post(loginForm.action, { ...loginForm.fields, email, password }),
    callback,
  );
  const form = formOf(consent, '/consent');
  const back = await followUntil(client, await client.post(form.action, form.fields), callback);
  if (!back.location?.startsWith(callback)) throw new Error(`consent ended at ${back.url} (${back.status})`);
  return { client, url: new URL(back.location) };
}

export function panelEndpoints(world: World): Endpoint[] {
  const panel = world.sandbox.panelUrl;
  const basicRoot = `Basic ${Buffer.from(`root:${world.sandbox.rootPassword}`).toString('base64')}`;
  let linked: { email: string } | undefined;
  /** An IdP account linked to WHM root (by the WHM API), so its round trip logs in. */
  const linkedAccount = async () => {
    if (linked) return linked;
    const account = await world.newAccount('panel-linked');
    const res = await world.api.request('POST', `${panel}/json-api/link_user_authn_provider?api.version=1`, {
      headers: { authorization: basicRoot, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        username: 'root',
        provider_id: 'webpros',
        subject_unique_identifier: account.sub,
        preferred_username: account.email,
      }).toString(),
    });
    if (res.json<{ metadata: { result: number } }>().metadata.result !== 1)
      throw new Error(`linking failed: ${res.text}`);
    linked = account;
    return account;
  };
  const securedForm = async (page: string, actionPath: string | RegExp, values: Record<string, string>) => {
    const { client, home } = await rootSession(world);
    const res = await open(client, `${home}${page}`);
    return { client, template: formTemplate(res, actionPath, values) };
  };
  const okPage = expectStatus(200);

  return [
    {
      name: 'panel GET /',
      prepare: async () => ({
        client: world.browser(),
        template: queryTemplate(
          `${panel}/`,
          [
            ['goto_uri', '/scripts2/manage_external_auth'],
            ['user', 'root'],
          ],
          ['utf8'],
        ),
      }),
      rejectsValid: (res) => (res.status === 200 && /id="login_form"/.test(res.text) ? undefined : `${res.status}`),
    },
    {
      name: 'panel POST /login/',
      prepare: async () => {
        const client = world.browser();
        const page = await open(client, `${panel}/`);
        return { client, template: formTemplate(page, '/login/', { user: 'root', pass: world.sandbox.rootPassword }) };
      },
      rejectsValid: expectRedirect(/^\/cpsess\d{10}\//),
    },
    {
      name: 'panel POST /login/?login_only=1',
      prepare: async () => {
        const template: ParamsTemplate = {
          kind: 'params',
          method: 'POST',
          url: `${panel}/login/?login_only=1`,
          location: 'body',
          params: [
            ['user', 'root'],
            ['pass', world.sandbox.rootPassword],
          ],
          headers: {},
          refuses: new Set(['shape', 'utf8', 'huge', 'content-type', 'malformed', 'method']),
        };
        return { client: world.browser(), template };
      },
      rejectsValid: (res) =>
        expectStatus(200)(res) ?? (res.json<{ status: number }>().status === 1 ? undefined : `status 0: ${res.text}`),
      cookieless: true,
    },
    {
      name: 'panel GET /openid_connect/webpros',
      prepare: async () => ({
        client: world.browser(),
        template: queryTemplate(
          `${panel}/openid_connect/webpros`,
          [
            ['goto_uri', '/scripts2/manage_external_auth'],
            ['goto_app', ''],
            ['user', ''],
          ],
          ['utf8'],
        ),
      }),
      rejectsValid: (res) =>
        expectRedirect()(res) ??
        (res.location?.startsWith(`${world.sandbox.issuer}/auth?`)
          ? undefined
          : `expected the IdP, got ${res.location}`),
    },
    {
      name: 'panel GET /openid_connect_callback/webpros',
      prepare: async () => {
        const account = await linkedAccount();
        const { client, url } = await callbackUrl(world, account.email, PASSWORD);
        const template: ParamsTemplate = queryTemplate(
          `${url.origin}${url.pathname}`,
          [...url.searchParams.entries()],
          ['utf8'],
        );
        return { client, template };
      },
      rejectsValid: expectRedirect(/^\/cpsess\d{10}\//),
      freshForValid: true,
      statefulAcceptance: true,
    },
    {
      name: 'panel POST /openid_connect_callback/webpros (user selection)',
      prepare: async () => {
        const account = await world.newAccount('selection');
        const reseller = await newReseller(world, basicRoot);
        for (const username of ['root', reseller]) {
          await whmCall(world, basicRoot, 'link_user_authn_provider', {
            username,
            provider_id: 'webpros',
            subject_unique_identifier: account.sub,
            preferred_username: account.email,
          });
        }
        const { client, url } = await callbackUrl(world, account.email, PASSWORD);
        const selection = await client.follow(await client.get(url.href));
        return {
          client,
          template: formTemplate(selection, '/openid_connect_callback/webpros', { openid_user_selection: 'root' }),
        };
      },
      rejectsValid: expectRedirect(/^\/cpsess\d{10}\//),
      freshForValid: true,
      statefulAcceptance: true,
    },
    {
      name: 'panel POST /cpsess…/logout/',
      prepare: async () => {
        const { client, home } = await rootSession(world);
        const page = await open(client, `${home}/`);
        return { client, template: formTemplate(page, /\/cpsess\d{10}\/logout\/$/, {}) };
      },
      rejectsValid: expectRedirect(/^\/logout\/$/),
      freshForValid: true,
      statefulAcceptance: true,
    },
    {
      name: 'panel POST …/manage_external_auth/providers/toggle',
      prepare: async () => {
        const { client, home } = await rootSession(world);
        const page = await open(client, `${home}/scripts2/manage_external_auth/providers`);
        const template = formTemplate(page, '/providers/toggle', {
          provider_id: 'webpros',
          service_name: 'whostmgrd',
          enabled: '1',
        });
        return { client, template };
      },
      rejectsValid: okPage,
      cleanUp: async () => {
        await whmCall(world, basicRoot, 'enable_authentication_provider', {
          provider_id: 'webpros',
          service_name: 'whostmgrd',
        });
      },
    },
    {
      name: 'panel POST …/manage_external_auth/users/:user/unlink',
      prepare: async () => {
        const reseller = await newReseller(world, basicRoot);
        const subject = `fuzz-subject-${Date.now().toString(36)}`;
        await whmCall(world, basicRoot, 'link_user_authn_provider', {
          username: reseller,
          provider_id: 'webpros',
          subject_unique_identifier: subject,
          preferred_username: 'fuzz@example.com',
        });
        return securedForm(
          `/scripts2/manage_external_auth/users/${reseller}/unlink?provider_id=webpros&subject=${subject}`,
          /\/unlink$/,
          {},
        );
      },
      rejectsValid: okPage,
      freshForValid: true,
      statefulAcceptance: true,
    },
    {
      // Confirm Unlink reads the link from its query and writes it into the page's form.
      name: 'panel GET …/manage_external_auth/users/:user/unlink?provider_id=&subject=',
      prepare: async () => {
        const reseller = await newReseller(world, basicRoot);
        const subject = `fuzz-confirm-${Date.now().toString(36)}`;
        await whmCall(world, basicRoot, 'link_user_authn_provider', {
          username: reseller,
          provider_id: 'webpros',
          subject_unique_identifier: subject,
          preferred_username: 'fuzz@example.com',
        });
        const { client, home } = await rootSession(world);
        const template: ParamsTemplate = queryTemplate(
          `${home}/scripts2/manage_external_auth/users/${reseller}/unlink`,
          [
            ['provider_id', 'webpros'],
            ['subject', subject],
          ],
          ['utf8'],
        );
        return { client, template };
      },
      rejectsValid: (res, { template }) => {
        const subject = template.kind === 'params' ? template.params[1]?.[1] : undefined;
        if (res.status !== 200) return `expected the Confirm Unlink page, got ${res.status}`;
        return res.text.includes(`name="subject_unique_identifier" value="${subject}"`)
          ? undefined
          : 'the Confirm Unlink form does not carry the link’s subject';
      },
    },
    {
      // Where the IdP sends the browser back after RP-initiated logout (PANEL_IDP_LOGOUT), with `state`.
      name: 'panel GET /logout/?state=',
      prepare: async () => ({
        client: world.browser(),
        template: queryTemplate(`${panel}/logout/`, [['state', 'fuzz-logout-state']], ['utf8']),
      }),
      rejectsValid: (res) =>
        res.status === 200 && /You have logged out\./.test(res.text)
          ? undefined
          : `expected the logged-out login page, got ${res.status}`,
    },
    {
      // WHM Login Security (§10): root with a secret and the policy on; wrong codes are part of the
      // input, so the fuzz raises PANEL_TFA_MAX_FAILURES(_PER_IP) instead of locking root.
      name: 'panel POST /cpsess…/ (WHM Login Security code)',
      prepare: async () => {
        const secret = await configureRootTfa(world, basicRoot);
        await whmCall(world, basicRoot, 'twofactorauth_enable_policy', {});
        const client = world.browser();
        const page = await open(client, `${panel}/`);
        const login = formOf(page, '/login/');
        const prompt = await client.follow(
          await client.post(login.action, { ...login.fields, user: 'root', pass: world.sandbox.rootPassword }),
        );
        if (prompt.status !== 401 || !prompt.text.includes('WHM Login Security'))
          throw new Error(`the password login did not reach the security code page (${prompt.status} ${prompt.url})`);
        // The set-up code used the current step; the next one logs in (a step is accepted once).
        return { client, template: formTemplate(prompt, /^\/cpsess\d{10}\/$/, { tfatoken: totpNextStep(secret) }) };
      },
      rejectsValid: expectRedirect(/^\/cpsess\d{10}\/$/),
      freshForValid: true,
      statefulAcceptance: true,
      cleanUp: async () => {
        await whmCall(world, basicRoot, 'twofactorauth_disable_policy', {});
        await removeRootTfa(world, basicRoot);
      },
    },
    {
      name: 'panel POST …/twofactorauth/myaccount/remove',
      prepare: async () => {
        await configureRootTfa(world, basicRoot);
        return securedForm('/scripts7/twofactorauth/myaccount', '/myaccount/remove', {});
      },
      rejectsValid: (res) =>
        okPage(res) ??
        (res.text.includes('Two-Factor Authentication is now removed from your account.')
          ? undefined
          : 'no “removed” notice'),
      freshForValid: true,
      statefulAcceptance: true,
      cleanUp: () => removeRootTfa(world, basicRoot),
    },
    {
      name: 'panel POST …/twofactorauth/policy',
      prepare: () => securedForm('/scripts7/twofactorauth/myaccount', '/twofactorauth/policy', { enabled: '0' }),
      rejectsValid: okPage,
      cleanUp: async () => {
        await whmCall(world, basicRoot, 'twofactorauth_disable_policy', {});
      },
    },
    {
      name: 'panel POST …/twofactorauth/myaccount/setup',
      prepare: () => securedForm('/scripts7/twofactorauth/myaccount', '/myaccount/setup', {}),
      rejectsValid: okPage,
    },
    {
      name: 'panel POST …/twofactorauth/myaccount/configure',
      prepare: async () => {
        const { client, home } = await rootSession(world);
        const tab = await open(client, `${home}/scripts7/twofactorauth/myaccount`);
        const setup = formOf(tab, '/myaccount/setup');
        const page = await client.post(setup.action, setup.fields);
        const secret = /id="tfa-key">([A-Z2-7]+)</.exec(page.text)?.[1];
        if (!secret) throw new Error('no 2FA secret on the set-up page');
        // The panel's 2FA runs on real time, not on the IdP's sandbox clock.
        return { client, template: formTemplate(page, '/myaccount/configure', { tfa_token: totp(secret) }) };
      },
      rejectsValid: okPage,
      freshForValid: true,
      statefulAcceptance: true,
      // Root must not keep a second factor: every other endpoint logs in with its password alone.
      cleanUp: () => removeRootTfa(world, basicRoot),
    },
    {
      name: 'panel POST …/twofactorauth/users',
      prepare: async () => {
        // The list has a form once a user has 2FA; only root can have it here (every function is root's).
        const session = await rootSession(world);
        await configureRootTfa(world, basicRoot);
        const page = await open(session.client, `${session.home}/scripts7/twofactorauth/users`);
        return {
          client: session.client,
          template: formTemplate(page, '/twofactorauth/users', { disable_user: 'root' }),
        };
      },
      rejectsValid: okPage,
      freshForValid: true,
      statefulAcceptance: true,
      cleanUp: () => removeRootTfa(world, basicRoot),
    },
    {
      name: 'panel POST …/twofactorauth/settings',
      prepare: () =>
        securedForm('/scripts7/twofactorauth/settings', '/twofactorauth/settings', { issuer: 'Fuzz Issuer' }),
      rejectsValid: okPage,
    },
    {
      name: 'panel POST …/manage_external_auth/providers/webpros',
      prepare: async () => {
        const { client, home } = await rootSession(world);
        const page = await open(client, `${home}/scripts2/manage_external_auth/providers/webpros`);
        const form = formOf(page, '/providers/webpros');
        // The secret field is never filled in by the page; the configured one comes from the API.
        const { data } = await whmCall(world, basicRoot, 'get_provider_client_configurations', {
          provider_id: 'webpros',
          service_name: 'whostmgrd',
        });
        const configured = (data as { client_configurations?: { client_secret?: string } } | undefined)
          ?.client_configurations?.client_secret;
        const secret = configured ?? form.fields.client_secret ?? '';
        return {
          client,
          template: formTemplate(page, '/providers/webpros', { client_secret: secret, confirm_redirect_uris: '1' }),
        };
      },
      rejectsValid: okPage,
      statefulAcceptance: true,
    },
  ];
}

/** Root's WHM 2FA through the API, as a script sets it up: a new secret, confirmed with its current code. */
export async function configureRootTfa(world: World, basicRoot: string): Promise<string> {
  const { data } = await whmCall(world, basicRoot, 'twofactorauth_generate_tfa_config', {});
  const secret = (data as { secret: string }).secret;
  await whmCall(world, basicRoot, 'twofactorauth_set_tfa_config', { secret, tfa_token: totp(secret) });
  return secret;
}

/**
 * The code of the next time step: the set-up code's step counts as used, and the panel accepts one
 * step either side of its clock (real time), so this code logs in for the next minute or so.
 */
export const totpNextStep = (secret: string) => totp(secret, { at: new Date(Date.now() + 30_000) });

/** Root goes back to a password alone (every other endpoint logs in with it). */
export async function removeRootTfa(world: World, basicRoot: string): Promise<void> {
  await whmCall(world, basicRoot, 'twofactorauth_remove_user_config', { user: 'root' }, { allowFailure: true });
}

let resellers = 0;

/** A new reseller (createacct + setupreseller through the WHM API). */
export async function newReseller(world: World, basicRoot: string): Promise<string> {
  resellers += 1;
  const username = `fz${Date.now().toString(36).slice(-6)}${resellers}`.slice(0, 16);
  await whmCall(world, basicRoot, 'createacct', {
    username,
    password: PASSWORD,
    domain: `${username}.example.com`,
  });
  await whmCall(world, basicRoot, 'setupreseller', { user: username });
  return username;
}

export async function whmCall(
  world: World,
  authorization: string,
  fn: string,
  params: Record<string, string>,
  options: { allowFailure?: boolean } = {},
): Promise<{ data?: unknown }> {
  const res = await world.api.request('POST', `${world.sandbox.panelUrl}/json-api/${fn}?api.version=1`, {
    headers: { authorization, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(params).toString(),
  });
  const body = res.json<{ metadata: { result: number; reason: string }; data?: unknown }>();
  if (body.metadata.result !== 1 && !options.allowFailure) throw new Error(`${fn} failed: ${body.metadata.reason}`);
  return body;
}
