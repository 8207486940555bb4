import { createHash, randomBytes } from 'node:crypto';
import type { HttpClient } from '@extauth/server-kit/http-client';
import { type Endpoint, expectRedirect } from '../support/endpoint.js';
import { type ParamsTemplate, queryTemplate } from '../support/templates.js';
import { followUntil, formOf, formTemplate, open, PASSWORD, type World } from '../support/world.js';

/**
 * Every form of the IdP's own pages (login, signup, codes, password reset, consent, account, MFA),
 * each reached the way a person reaches it, and its valid submission.
 */

/** An authorization request of the fuzz RP, opened: the IdP's login page inside an interaction. */
export async function openInteraction(world: World, client: HttpClient, extra: Record<string, string> = {}) {
  const verifier = randomBytes(32).toString('base64url');
  const url = new URL('/auth', world.sandbox.issuer);
  const params = {
    response_type: 'code',
    client_id: world.rp.clientId,
    redirect_uri: world.rp.redirectUri,
    scope: 'openid email profile',
    state: randomBytes(12).toString('base64url'),
    nonce: randomBytes(12).toString('base64url'),
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
    ...extra,
  };
  for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
  const page = await followUntil(client, await client.get(url.href), world.rp.redirectUri);
  return { page, verifier, params };
}

/** Logs in inside an interaction and returns the next page (consent, or the MFA challenge). */
async function loginInInteraction(world: World, client: HttpClient, email: string) {
  const { page } = await openInteraction(world, client);
  const form = formOf(page, '/login');
  const res = await client.post(form.action, { ...form.fields, email, password: PASSWORD });
  return followUntil(client, res, world.rp.redirectUri);
}

/** A browser signed in to the account pages. */
async function accountBrowser(world: World, email: string) {
  const client = world.browser();
  const login = await open(client, `${world.sandbox.issuer}/account/login`);
  const form = formOf(login, '/account/login');
  const res = await client.follow(await client.post(form.action, { ...form.fields, email, password: PASSWORD }));
  if (!new URL(res.url).pathname.startsWith('/account') || res.status !== 200) {
    throw new Error(`account login for ${email} ended at ${res.url} (${res.status})`);
  }
  return { client, page: res };
}

/** A browser that signed up with a new address and stands at the email-code page. */
async function signedUpBrowser(world: World) {
  const client = world.browser();
  const email = world.uniqueEmail('signup');
  const page = await open(client, `${world.sandbox.issuer}/signup`);
  const form = formOf(page, '/signup');
  const res = await client.post(form.action, {
    ...form.fields,
    email,
    password: PASSWORD,
    first_name: 'Fuzz',
    last_name: 'Signup',
    terms: 'on',
  });
  if (res.status !== 303) throw new Error(`signup answered ${res.status}`);
  return { client, email, codePage: await client.follow(res) };
}

async function latestCode(world: World, email: string): Promise<string> {
  return world.sandbox.outbox.waitForCode(email);
}

/** The emailed "Enable multi-factor authentication" link of a new account, and its browser. */
async function enrollmentLink(world: World) {
  const account = await world.newAccount('enroll');
  const { client, page } = await accountBrowser(world, account.email);
  const form = formOf(page, '/account/mfa/enrollment-email');
  const sent = await client.post(form.action, form.fields);
  if (sent.status !== 303) throw new Error(`enrollment email answered ${sent.status}`);
  const [mail] = await world.sandbox.outbox.messages(account.email, 1);
  const link = /https:\/\/[^\s"<>]+\/mfa\/enroll\?token=[A-Za-z0-9_%-]+/.exec(mail?.text ?? '')?.[0];
  if (!link) throw new Error(`no enrollment link in ${mail?.text}`);
  return { client, link: link.replace(/&amp;/g, '&'), account };
}

export function idpFormEndpoints(world: World): Endpoint[] {
  const issuer = world.sandbox.issuer;
  let loginAccount: { email: string } | undefined;
  const sharedAccount = async () => {
    loginAccount ??= await world.newAccount('login');
    return loginAccount;
  };
  const toAccount = expectRedirect(/^\/account(\?|$)/);
  // oidc-provider resumes the authorization at /auth/:uid, which then redirects to the RP.
  const toRp = expectRedirect(/^\/auth\/[^/]+$/);

  return [
    {
      // Pages read `notice` from the query: only known notices may be shown, never the text given.
      name: 'idp GET /account/login?notice=',
      prepare: async () => ({
        client: world.browser(),
        template: queryTemplate(`${issuer}/account/login`, [['notice', 'logged_out']]),
      }),
      rejectsValid: (res) =>
        res.status === 200 && /role="status"/.test(res.text) ? undefined : `no notice shown (${res.status})`,
    },
    {
      name: 'idp POST /account/login',
      prepare: async () => {
        const client = world.browser();
        const page = await open(client, `${issuer}/account/login`);
        const { email } = await sharedAccount();
        return { client, template: formTemplate(page, '/account/login', { email, password: PASSWORD }) };
      },
      rejectsValid: toAccount,
    },
    {
      name: 'idp POST /interaction/:uid/login',
      prepare: async () => {
        const client = world.browser();
        const { page } = await openInteraction(world, client);
        const { email } = await sharedAccount();
        return { client, template: formTemplate(page, '/login', { email, password: PASSWORD }) };
      },
      // The interaction's login is done: oidc-provider resumes the authorization (consent comes next).
      rejectsValid: toRp,
      statefulAcceptance: true,
    },
    {
      name: 'idp POST /interaction/:uid/consent',
      prepare: async () => {
        const client = world.browser();
        const consent = await loginInInteraction(world, client, (await sharedAccount()).email);
        return { client, template: formTemplate(consent, '/consent', {}) };
      },
      rejectsValid: toRp,
      statefulAcceptance: true,
    },
    {
      name: 'idp POST /interaction/:uid/abort',
      prepare: async () => {
        const client = world.browser();
        const consent = await loginInInteraction(world, client, (await sharedAccount()).email);
        return { client, template: formTemplate(consent, '/abort', {}) };
      },
      rejectsValid: toRp,
      statefulAcceptance: true,
    },
    {
      name: 'idp POST /signup',
      prepare: async () => {
        const client = world.browser();
        const page = await open(client, `${issuer}/signup`);
        const values = {
          email: world.uniqueEmail('signup'),
          password: PASSWORD,
          first_name: 'Fuzz',
          last_name: 'Signup',
          terms: 'on',
        };
        return { client, template: formTemplate(page, '/signup', values) };
      },
      rejectsValid: expectRedirect(/^\/email-code/),
      freshForValid: true,
    },
    {
      name: 'idp POST /interaction/:uid/signup',
      prepare: async () => {
        const client = world.browser();
        const { page: login } = await openInteraction(world, client);
        const signupHref = /href="([^"]*\/signup)"/.exec(login.text)?.[1];
        if (!signupHref) throw new Error('no signup link on the interaction login page');
        const page = await open(client, new URL(signupHref, login.url).href);
        const values = {
          email: world.uniqueEmail('isignup'),
          password: PASSWORD,
          first_name: 'Fuzz',
          last_name: 'Signup',
          terms: 'on',
        };
        return { client, template: formTemplate(page, /\/interaction\/[^/]+\/signup$/, values) };
      },
      rejectsValid: expectRedirect(/^\/interaction\/[^/]+\/email-code/),
      freshForValid: true,
    },
    {
      name: 'idp POST /email-code',
      prepare: async () => {
        const { client, email, codePage } = await signedUpBrowser(world);
        return { client, template: formTemplate(codePage, '/email-code', { code: await latestCode(world, email) }) };
      },
      rejectsValid: expectRedirect(),
      freshForValid: true,
      statefulAcceptance: true,
    },
    {
      name: 'idp POST /email-code/resend',
      prepare: async () => {
        const { client, codePage } = await signedUpBrowser(world);
        const resendHref = /href="([^"]*\/email-code\/resend)"/.exec(codePage.text)?.[1];
        if (!resendHref) throw new Error('no "Resend code" link');
        const page = await open(client, new URL(resendHref, codePage.url).href);
        return { client, template: formTemplate(page, '/email-code/resend', {}) };
      },
      // At most one code per 30 s per address: the valid resend comes after that wait.
      beforeValid: async () => {
        await world.sandbox.admin?.moveClock({ advanceSeconds: 31 });
      },
      rejectsValid: expectRedirect(/^\/email-code\?notice=code_sent/),
    },
    {
      name: 'idp POST /password-reset',
      prepare: async () => {
        const client = world.browser();
        const page = await open(client, `${issuer}/password-reset`);
        return { client, template: formTemplate(page, '/password-reset', { email: (await sharedAccount()).email }) };
      },
      rejectsValid: expectRedirect(/^\/email-code/),
    },
    {
      name: 'idp POST /password-reset/new',
      prepare: async () => {
        const account = await world.newAccount('reset');
        const client = world.browser();
        const page = await open(client, `${issuer}/password-reset`);
        const request = formOf(page, '/password-reset');
        const codePage = await client.follow(
          await client.post(request.action, { ...request.fields, email: account.email }),
        );
        const codeForm = formOf(codePage, '/email-code');
        const code = await latestCode(world, account.email);
        const newPage = await client.follow(await client.post(codeForm.action, { ...codeForm.fields, code }));
        return { client, template: formTemplate(newPage, '/password-reset/new', { password: PASSWORD }) };
      },
      rejectsValid: expectRedirect(/^\/account\/login\?notice=password_reset_done/),
      freshForValid: true,
      statefulAcceptance: true,
    },
    ...accountEndpoints(world),
    ...mfaEndpoints(world),
  ];
}

function accountEndpoints(world: World): Endpoint[] {
  const toAccount = (notice: string) => expectRedirect(new RegExp(`^/account\\?notice=${notice}$`));
  /** A form of the account page of a new account. */
  const accountForm =
    (actionPath: string | RegExp, values: Record<string, string>, options: { mfa?: boolean } = {}) =>
    async () => {
      const account = await world.newAccount('account', options);
      const { client, page } = await accountBrowser(world, account.email);
      return { client, template: formTemplate(page, actionPath, values) };
    };
  return [
    {
      // The account page reads `notice` from its query, like the login page: known notices only.
      name: 'idp GET /account?notice=',
      prepare: async () => {
        const { client } = await accountBrowser(world, (await world.newAccount('account-notice')).email);
        const template: ParamsTemplate = queryTemplate(`${world.sandbox.issuer}/account`, [['notice', 'name_saved']]);
        return { client, template };
      },
      rejectsValid: (res) =>
        res.status === 200 && /role="status"[^>]*>[^<]*\S/.test(res.text)
          ? undefined
          : `no notice on the account page (${res.status})`,
    },
    {
      name: 'idp POST /account/name',
      prepare: accountForm('/account/name', { first_name: 'Ana', last_name: 'Fuzz' }),
      rejectsValid: toAccount('name_saved'),
    },
    {
      name: 'idp POST /account/newsletter',
      prepare: accountForm('/account/newsletter', { newsletter: 'on' }),
      rejectsValid: toAccount('newsletter_saved'),
    },
    {
      name: 'idp POST /account/password',
      prepare: accountForm('/account/password', { current_password: PASSWORD, new_password: PASSWORD }),
      rejectsValid: toAccount('password_changed'),
      freshForValid: true,
      statefulAcceptance: true,
    },
    {
      name: 'idp POST /account/logout',
      prepare: accountForm('/account/logout', {}),
      rejectsValid: expectRedirect(/^\/account\/login\?notice=logged_out$/),
      freshForValid: true,
      statefulAcceptance: true,
    },
    {
      name: 'idp POST /account/mfa/enrollment-email',
      prepare: accountForm('/account/mfa/enrollment-email', {}),
      rejectsValid: toAccount('enrollment_email_sent'),
    },
    {
      name: 'idp POST /account/mfa',
      prepare: async () => {
        const account = await world.newAccount('account-mfa', { mfa: true });
        const { client, page } = await mfaAccountBrowser(world, account);
        return { client, template: formTemplate(page, '/account/mfa', { proof: PASSWORD, action: 'regenerate' }) };
      },
      rejectsValid: expectRedirect(/^\/mfa\/recovery-code$/),
      freshForValid: true,
      statefulAcceptance: true,
    },
    {
      name: 'idp POST /account/trusted-sites/:id/revoke',
      prepare: async () => {
        const account = await world.newAccount('trust');
        const consentBrowser = world.browser();
        const consent = await loginInInteraction(world, consentBrowser, account.email);
        const consentForm = formOf(consent, '/consent');
        const done = await consentBrowser.post(consentForm.action, { ...consentForm.fields, trust: 'on' });
        if (done.status !== 303) throw new Error(`consent with trust answered ${done.status}`);
        const { client, page } = await accountBrowser(world, account.email);
        return { client, template: formTemplate(page, /\/account\/trusted-sites\/[^/]+\/revoke$/, {}) };
      },
      rejectsValid: toAccount('trust_revoked'),
      freshForValid: true,
      statefulAcceptance: true,
    },
  ];
}

/** An account with MFA signs in to the account pages: password, then its one-time code. */
async function mfaAccountBrowser(world: World, account: { email: string; totpSecret?: string }) {
  const client = world.browser();
  const login = await open(client, `${world.sandbox.issuer}/account/login`);
  const form = formOf(login, '/account/login');
  const challenge = await client.follow(
    await client.post(form.action, { ...form.fields, email: account.email, password: PASSWORD }),
  );
  const mfaForm = formOf(challenge, '/mfa/challenge');
  const page = await client.follow(
    await client.post(mfaForm.action, { ...mfaForm.fields, code: await world.totpNow(account.totpSecret ?? '') }),
  );
  if (new URL(page.url).pathname !== '/account')
    throw new Error(`MFA account login ended at ${page.url} (${page.status})`);
  return { client, page };
}

function mfaEndpoints(world: World): Endpoint[] {
  const enrollmentQuery = async (): Promise<{ client: HttpClient; template: ParamsTemplate }> => {
    const { client, link } = await enrollmentLink(world);
    const url = new URL(link);
    return {
      client,
      template: queryTemplate(`${url.origin}${url.pathname}`, [...url.searchParams.entries()], ['shape']),
    };
  };
  const setupPage = async () => {
    const { client, link, account } = await enrollmentLink(world);
    const page = await open(client, link);
    const secret = /id="totp-secret">([^<]+)</.exec(page.text)?.[1]?.replace(/\s+/g, '');
    if (!secret) throw new Error(`no secret on ${page.url} (${page.status}): ${page.text.slice(0, 300)}`);
    return { client, page, secret, account };
  };
  /** A login inside an interaction that stands at "Verify Your Identity". */
  const challengePage = async () => {
    const account = await world.newAccount('challenge', { mfa: true });
    const client = world.browser();
    const page = await loginInInteraction(world, client, account.email);
    return { client, page, account };
  };
  return [
    {
      name: 'idp GET /mfa/enroll?token=',
      prepare: enrollmentQuery,
      rejectsValid: expectRedirect(/^\/mfa\/setup$/),
      freshForValid: true,
      statefulAcceptance: true,
    },
    {
      name: 'idp POST /mfa/setup',
      prepare: async () => {
        const { client, page, secret } = await setupPage();
        return { client, template: formTemplate(page, '/mfa/setup', { code: await world.totpNow(secret) }) };
      },
      rejectsValid: expectRedirect(/^\/mfa\/recovery-code$/),
      freshForValid: true,
      statefulAcceptance: true,
    },
    {
      name: 'idp POST /mfa/recovery-code',
      prepare: async () => {
        const { client, page, secret } = await setupPage();
        const form = formOf(page, '/mfa/setup');
        const almost = await client.follow(
          await client.post(form.action, { ...form.fields, code: await world.totpNow(secret) }),
        );
        return { client, template: formTemplate(almost, '/mfa/recovery-code', { recorded: 'on' }) };
      },
      rejectsValid: expectRedirect(/^\/account\?notice=mfa_enabled$/),
      freshForValid: true,
      statefulAcceptance: true,
    },
    {
      name: 'idp POST /interaction/:uid/mfa/challenge',
      prepare: async () => {
        const { client, page, account } = await challengePage();
        const code = await world.totpNow(account.totpSecret ?? '');
        return { client, template: formTemplate(page, /\/mfa\/challenge$/, { code }) };
      },
      // The second factor finishes the login; oidc-provider resumes the authorization.
      rejectsValid: expectRedirect(/^\/auth\/[^/]+$/),
      freshForValid: true,
      statefulAcceptance: true,
    },
    {
      name: 'idp POST /interaction/:uid/mfa/recovery',
      prepare: async () => {
        const { client, page, account } = await challengePage();
        const href = /href="([^"]*\/mfa\/recovery)"/.exec(page.text)?.[1];
        if (!href) throw new Error('no "Use a recovery code" link');
        const recovery = await open(client, new URL(href, page.url).href);
        return {
          client,
          template: formTemplate(recovery, /\/mfa\/recovery$/, { recovery_code: account.recoveryCode ?? '' }),
        };
      },
      rejectsValid: expectRedirect(/\/mfa\/recovery-code$/),
      freshForValid: true,
      statefulAcceptance: true,
    },
  ];
}
