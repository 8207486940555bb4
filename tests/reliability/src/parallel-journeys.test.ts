import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import { after, before, test } from 'node:test';
import { reportTestNumbers } from '@extauth/server-kit/test-numbers';
import { type AdminAccount, createSandbox, type Sandbox } from '@extauth/testkit';
import { ACKNOWLEDGEMENTS, JourneyError, type JourneyResult, runJourney, sandboxTarget } from './support/journey.js';

// Issue 10 item 2: N complete new-user journeys at once against one sandbox (signup › email code ›
// "Confirm Sending Data" › link to WHM root › MFA enrolment › login with a one-time code), each
// with its own new account, zero errors allowed; then the IdP admin API and WHM API 1 must show
// every account verified, with MFA, and linked. N is JOURNEYS (10 in `pnpm test`, 50 in
// `pnpm test:stress`).
//
// The sandbox runs as shipped: SQLite storage, the `secure` scrypt parameters and every rate limit
// at its default. All journeys come from one client address (127.0.0.1), so a per-IP limit that
// counted legitimate requests would show up here as 429s.

const JOURNEYS = Number(process.env.JOURNEYS ?? 10);
if (!Number.isInteger(JOURNEYS) || JOURNEYS < 1)
  throw new Error(`JOURNEYS must be a positive integer, not "${process.env.JOURNEYS}"`);

let sandbox: Sandbox;

before(async () => {
  sandbox = await createSandbox({ storage: 'sqlite', env: { SANDBOX_PASSWORD_HASH: 'secure' } });
});
after(async () => {
  await sandbox?.stop();
  if (sandbox) fs.rmSync(sandbox.dataDir, { recursive: true, force: true });
});

interface LinkedAccount {
  username: string;
  provider_id: string;
  subject_unique_identifier: string;
  preferred_username: string;
}

/** WHM API 1 as root with its password, as the README's curl example. */
async function linkedAccounts(): Promise<LinkedAccount[]> {
  const res = await sandbox.fetch(`${sandbox.panelUrl}/json-api/get_users_authn_linked_accounts?api.version=1`, {
    headers: { authorization: `Basic ${Buffer.from(`root:${sandbox.rootPassword}`).toString('base64')}` },
  });
  assert.equal(res.status, 200);
  const body = (await res.json()) as {
    metadata: { result: number };
    data: { username_linked_accounts: LinkedAccount[] };
  };
  assert.equal(body.metadata.result, 1);
  return body.data.username_linked_accounts;
}

/** One line per failed journey: where it stopped, the page's status and heading, and what was acknowledged. */
function describeFailure(reason: unknown): string {
  if (!(reason instanceof JourneyError)) return String(reason);
  const acks = Object.keys(reason.result.acknowledged).join(', ') || 'nothing';
  const page = reason.page ? ` [page ${reason.page.status} "${reason.page.heading}"]` : '';
  return `${reason.message}${page} (acknowledged: ${acks})`;
}

test(`${JOURNEYS} parallel journeys (signup › code › link › MFA › MFA login) all succeed and leave verified, MFA-protected, linked accounts`, async () => {
  const run = randomBytes(4).toString('hex');
  const emails = Array.from({ length: JOURNEYS }, (_, i) => `journey-${run}-${i}@reliability.test`);
  const target = sandboxTarget(sandbox);
  const settled = await Promise.allSettled(
    emails.map((email, i) => runJourney(target, { email, givenName: 'Parallel', familyName: `Journey ${i}` })),
  );
  const results = settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  const failures = settled.flatMap((s) => (s.status === 'rejected' ? [s.reason as unknown] : []));
  const tooMany = failures.filter((f) => f instanceof JourneyError && f.page?.status === 429).length;

  // Checked after every journey ended, so a failed journey does not hide the state of the others.
  const admin = sandbox.admin;
  assert.ok(admin, 'the admin API reads the accounts');
  const accounts = new Map<string, AdminAccount>((await admin.listAccounts()).map((a) => [a.email.toLowerCase(), a]));
  const links = await linkedAccounts();
  const problems: string[] = [];
  const complete = (r: JourneyResult) => ACKNOWLEDGEMENTS.every((a) => r.acknowledged[a] !== undefined);
  let verified = 0;
  let withMfa = 0;
  let linked = 0;
  for (const email of emails) {
    const account = accounts.get(email);
    if (!account) {
      problems.push(`${email}: no IdP account`);
      continue;
    }
    if (account.verified) verified += 1;
    else problems.push(`${email}: not verified`);
    if (account.mfa === 'active' && account.hasRecoveryCode) withMfa += 1;
    else problems.push(`${email}: MFA ${account.mfa}, recovery code ${account.hasRecoveryCode}`);
    const own = links.filter((l) => l.subject_unique_identifier === account.sub);
    if (own.length === 1 && own[0]?.username === 'root' && own[0].provider_id === 'webpros') linked += 1;
    else
      problems.push(`${email}: ${own.length} links (${own.map((l) => `${l.username}/${l.provider_id}`).join(', ')})`);
    if (own[0] && own[0].preferred_username.toLowerCase() !== email) {
      problems.push(`${email}: linked as "${own[0].preferred_username}"`);
    }
  }

  reportTestNumbers('parallel journeys', {
    journeys: JOURNEYS,
    completed: results.filter(complete).length,
    errors: failures.length,
    http429: tooMany,
    verified,
    mfa: withMfa,
    linked,
  });

  assert.deepEqual(failures.map(describeFailure), [], 'every journey reaches WHM Home with MFA');
  assert.equal(results.filter(complete).length, JOURNEYS, 'every journey saw all its acknowledgements');
  assert.deepEqual(problems, [], 'the IdP and WHM hold what the journeys were told');
  assert.equal(new Set(results.map((r) => accounts.get(r.email)?.sub)).size, JOURNEYS, 'one subject per account');
  assert.equal(new Set(results.map((r) => r.totpSecret)).size, JOURNEYS, 'one TOTP secret per account');
});
