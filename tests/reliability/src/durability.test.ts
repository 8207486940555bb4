import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { checkIntegrity } from '@extauth/server-kit/sqlite';
import { reportTestNumbers } from '@extauth/server-kit/test-numbers';
import { idpMessages } from '@extauth/shared/idp-messages';
import {
  type AdminClient,
  createAdminClient,
  createHeadlessBrowser,
  type HeadlessPage,
  loginViaWebPros,
} from '@extauth/testkit';
import { createGate, isConnectionFailure, simulateDowntime, waitUntil } from './support/crash.js';
import { createGrantDriver, type GrantHolder, registerGrantClient, runGrantLoad } from './support/grants.js';
import {
  type Acknowledgement,
  JourneyError,
  type JourneyResult,
  type JourneyTarget,
  launcherTarget,
  runJourney,
} from './support/journey.js';
import {
  findLauncherPorts,
  type LauncherPorts,
  type RunningLauncher,
  sqliteFilesIn,
  startLauncher,
} from './support/launcher.js';

// kill -9 of the real launcher under a load of new-user journeys and token grants, then a restart
// on the same data folder: everything the sandbox acknowledged is still there, every SQLite file
// passes integrity_check, and the people who were in the middle of a journey either carry on (their
// state survived) or, after an outage longer than their sign-in lives, get a page that tells them
// to start again and links to where.

/** Journeys finished before the kill (the brief's K). */
const COMPLETED_BEFORE_KILL = 8;
/** Journeys running back to back while the kill lands. */
const LOAD_WORKERS = 4;
/** People stopped between two pages at the kill (two at each point), who carry on after it. */
const PARK_POINTS: readonly Acknowledgement[] = ['emailVerified', 'panelSignedIn', 'linked', 'mfaEnrolled'];
const PARKED_PER_POINT = 2;
/** Grants being refreshed over and over by a relying party's back end. */
const GRANT_HOLDERS = 4;
const ROTATIONS_BEFORE_KILL = 2;
/** Longer than a sign-in request (1 h) and a pre-auth panel session (15 min) live. */
const LONG_OUTAGE_MS = 2 * 60 * 60 * 1000;

let dataDir: string;
let ports: LauncherPorts;
let launcher: RunningLauncher | undefined;
let target: JourneyTarget;
let admin: AdminClient;
let emailCounter = 0;
const numbers: Record<string, number | string> = {};
/** What the checks after a restart found in place, of what had been acknowledged. */
const present = { accounts: 0, verified: 0, mfa: 0, links: 0 };

function newEmail(label: string): string {
  emailCounter += 1;
  return `durability-${label}-${process.pid}-${emailCounter}@example.com`;
}

async function start(): Promise<RunningLauncher> {
  launcher = await startLauncher({ dataDir, ports });
  return launcher;
}

async function kill9(): Promise<void> {
  assert.ok(launcher, 'the launcher is running');
  await launcher.kill9();
  launcher = undefined;
}

/** integrity_check on every SQLite file of the data folder, read-only; returns how many were checked. */
function assertIntegrity(when: string): number {
  const files = sqliteFilesIn(dataDir);
  assert.deepEqual(
    files.map((f) => path.relative(dataDir, f)),
    ['idp/idp.sqlite', 'panel/panel.sqlite'],
  );
  for (const file of files) assert.deepEqual(checkIntegrity(file), ['ok'], `${when}: ${file}`);
  return files.length;
}

/**
 * Everything a journey was told: the account exists (verified, with MFA), and a login through
 * "Log in via WebPros" reaches WHM Home through the link, asking for a one-time code when MFA is on.
 */
async function assertAcknowledgedPresent(journey: JourneyResult): Promise<void> {
  const ack = journey.acknowledged;
  const account = await admin.getAccount(journey.email);
  if (ack.accountCreated) {
    assert.ok(account, `${journey.email}: the account acknowledged at signup exists`);
    present.accounts += 1;
  }
  if (ack.emailVerified) {
    assert.equal(account?.verified, true, `${journey.email}: the address is verified`);
    present.verified += 1;
  }
  if (ack.mfaEnrolled) {
    assert.equal(account?.mfa, 'active', `${journey.email}: MFA is on`);
    present.mfa += 1;
  }
  if (!ack.linked) return;
  const login = await loginViaWebPros({
    panelUrl: target.panelUrl,
    ca: target.ca,
    email: journey.email,
    password: journey.password,
    // The journey used this and the next TOTP step already (each is accepted once): the recovery
    // code, shown at enrolment and acknowledged with it, proves the factor survived as well.
    ...(journey.recoveryCode ? { totpSecret: journey.totpSecret, recoveryCode: journey.recoveryCode } : {}),
  });
  assert.equal(login.linked, false, `${journey.email}: the link made before the kill still works`);
  present.links += 1;
  assert.match(new URL(login.homeUrl).pathname, /^\/cpsess\d{10}\/?$/);
  if (ack.mfaEnrolled) {
    assert.ok(
      login.steps.some((s) => s.page === 'Use a recovery code'),
      `${journey.email}: the login asked for the second factor (answered with the recovery code)`,
    );
  }
}

type AfterOutage = 'idp start-again' | 'panel start-again' | 'whm home, not linked';

/**
 * What a person caught mid-journey sees after a long outage: a page that says their sign-in is
 * gone and links to where a new one starts. One exception, WHM's own behaviour: the link banner's
 * form is WHM's login form, so with the pre-auth session gone the WHM password just logs in, and
 * "Log in via WebPros" shows the banner again.
 */
async function assertCleanPageAfterOutage(
  page: HeadlessPage | undefined,
  who: string,
  email: string,
): Promise<AfterOutage> {
  assert.ok(page, `${who}: a page was shown`);
  if (page.status === 200 && /^\/cpsess\d{10}\/?$/.test(new URL(page.url).pathname)) {
    assert.ok(!page.text.includes(email), `${who}: WHM Home without the link`);
    return 'whm home, not linked';
  }
  assert.ok(
    page.status >= 400 && page.status < 500,
    `${who}: ${page.status} on ${page.url}: ${page.text.slice(0, 300)}`,
  );
  const browser = createHeadlessBrowser({ ca: target.ca });
  try {
    let start: HeadlessPage;
    let where: AfterOutage;
    if (page.url.startsWith(target.issuer)) {
      where = 'idp start-again';
      assert.ok(page.text.includes(idpMessages.interaction_expired), `${who}: ${page.text}`);
      const link = /<a href="([^"]+)">(Start again at [^<]+)<\/a>/.exec(page.html);
      assert.ok(link?.[1], `${who}: the page links to where to start again`);
      start = await browser.open(link[1]);
    } else {
      where = 'panel start-again';
      // spec/whm-external-auth.md §4: expired_session, "Your session has expired. Please log in again."
      assert.match(page.html, /msg_code:\[expired_session\]/, `${who}: ${page.text.slice(0, 300)}`);
      assert.ok(page.text.includes('Your session has expired. Please log in again.'));
      start = page;
    }
    assert.ok(start.url.startsWith(target.panelUrl), `${who}: starting again leads to the panel (${start.url})`);
    assert.ok(browser.findLink(start, 'Log in via WebPros'), `${who}: the panel login offers "Log in via WebPros"`);
    return where;
  } finally {
    await browser.close();
  }
}

before(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'extauth-durability-'));
  ports = await findLauncherPorts();
  await start();
  target = launcherTarget({ dataDir, idpPort: ports.idp, panelPort: ports.panel, mailWebPort: ports.mailWeb });
  const token = fs.readFileSync(path.join(dataDir, 'idp', 'admin-token.txt'), 'utf8').trim();
  admin = createAdminClient({ issuer: target.issuer, token, ca: target.ca });
});

after(async () => {
  await admin?.close();
  await launcher?.kill9();
  reportTestNumbers('kill -9 durability', numbers);
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe('kill -9 under load, then a restart on the same data folder', () => {
  test('loses nothing that was acknowledged, and the people caught in the middle carry on', async () => {
    const grants = createGrantDriver({
      issuer: target.issuer,
      ca: target.ca,
      client: await registerGrantClient(admin, 'https://durability-rp.test/callback'),
    });
    const demo = { email: 'demo@example.com', password: 'sandbox-demo-password' };
    let stopping = false;

    // Journeys back to back, each to "MFA is on" (the login with MFA is checked after the restart).
    const loadResults: JourneyResult[] = [];
    const loadFailures: JourneyError[] = [];
    // What each worker's current journey has been told so far: the kill waits until every one of
    // them is past its signup, so it lands in the middle of journeys, not between them.
    const acknowledgedNow = Array.from({ length: LOAD_WORKERS }, () => 0);
    const load = Array.from({ length: LOAD_WORKERS }, async (_, worker) => {
      while (!stopping) {
        acknowledgedNow[worker] = 0;
        const hooks = {
          until: 'mfaEnrolled' as const,
          onAcknowledged: () => {
            acknowledgedNow[worker] = (acknowledgedNow[worker] ?? 0) + 1;
          },
        };
        try {
          loadResults.push(await runJourney(target, { email: newEmail(`load${worker}`) }, hooks));
        } catch (err) {
          if (!(err instanceof JourneyError)) throw err;
          loadFailures.push(err);
        }
      }
    });

    // People who stop between two pages until after the restart.
    const gate = createGate();
    const parkedResults: JourneyResult[] = [];
    let parkedCount = 0;
    const parked = PARK_POINTS.flatMap((point) =>
      Array.from({ length: PARKED_PER_POINT }, () =>
        runJourney(
          target,
          { email: newEmail(`parked-${point}`) },
          {
            onAcknowledged: async (what) => {
              if (what !== point) return;
              parkedCount += 1;
              await gate.promise;
            },
          },
        ).then((result) => {
          parkedResults.push(result);
          return result;
        }),
      ),
    );

    // Half the grants go quiet just before the kill (their last answer is in hand); the other half
    // are refreshed until the kill cuts them off, so some token requests are in the air when it lands.
    const holders: GrantHolder[] = Array.from({ length: GRANT_HOLDERS }, () => ({
      refreshToken: undefined,
      accessToken: undefined,
      inFlight: false,
      rotations: 0,
    }));
    const quiet = holders.slice(0, GRANT_HOLDERS / 2);
    const busy = holders.slice(GRANT_HOLDERS / 2);
    const quietLoad = runGrantLoad(grants, demo, quiet, () => stopping);
    const busyLoad = runGrantLoad(grants, demo, busy, () => false);

    await waitUntil(
      () =>
        loadResults.length >= COMPLETED_BEFORE_KILL &&
        acknowledgedNow.every((n) => n >= 1) &&
        parkedCount === parked.length &&
        holders.every((h) => h.rotations >= ROTATIONS_BEFORE_KILL),
      `${COMPLETED_BEFORE_KILL} journeys completed, ${LOAD_WORKERS} past their signup, ${parked.length} people parked and every grant refreshed`,
    );
    if (loadFailures.length > 0) throw loadFailures[0];
    // Nothing new starts from here; what is running keeps running into the kill.
    stopping = true;
    await quietLoad;
    const completedBeforeKill = loadResults.length;
    await kill9();

    await Promise.all(load);
    await busyLoad;
    const integrityChecked = assertIntegrity('between the kill and the restart');
    await start();
    assertIntegrity('after the restart');

    // The journeys the kill cut off: they failed on the connection, never on an error page.
    for (const failure of loadFailures) {
      assert.ok(isConnectionFailure(failure.cause), `${failure.message}`);
      assert.ok((failure.page?.status ?? 200) < 500, failure.message);
    }
    const allLoad = [...loadResults, ...loadFailures.map((f) => f.result)];
    for (const journey of allLoad) await assertAcknowledgedPresent(journey);

    // Grants: the last refresh token each holder was given still refreshes; the one whose answer
    // the kill swallowed gets a token or a clean invalid_grant.
    let settledGrants = 0;
    assert.ok(quiet.every((holder) => !holder.inFlight));
    for (const holder of holders) {
      assert.ok(holder.refreshToken && holder.accessToken, 'every grant was issued before the kill');
      const answer = await grants.refresh(holder.refreshToken);
      if (holder.inFlight) {
        assert.ok(answer.status === 200 || answer.body.error === 'invalid_grant', JSON.stringify(answer));
        continue;
      }
      settledGrants += 1;
      assert.equal(answer.status, 200, JSON.stringify(answer.body));
      assert.equal(await grants.userinfo(holder.accessToken), 200, 'the access token issued before the kill works');
      assert.ok(answer.body.refresh_token);
      assert.equal((await grants.refresh(answer.body.refresh_token)).status, 200, 'and the grant goes on');
    }

    // The parked people click on: every one of them gets to WHM Home with MFA.
    gate.open();
    const continued = await Promise.all(parked);
    for (const journey of continued) {
      assert.ok(journey.acknowledged.mfaLogin, `${journey.email} finished after the restart`);
      await assertAcknowledgedPresent(journey);
    }
    await grants.close();

    const acknowledged = [...allLoad, ...continued].map((j) => j.acknowledged);
    Object.assign(numbers, {
      'journeys acknowledged': completedBeforeKill,
      'journeys cut off by the kill': loadFailures.length,
      'accounts acknowledged': acknowledged.filter((a) => a.accountCreated).length,
      'links acknowledged': acknowledged.filter((a) => a.linked).length,
      'in-flight (parked)': parked.length,
      'in-flight continued': continued.length,
      'grants refreshed after restart': settledGrants,
      'grants in flight': GRANT_HOLDERS - settledGrants,
      'sqlite files': integrityChecked,
      integrity: 'ok',
    });
  });

  test('after an outage longer than a sign-in lives, the people caught in the middle are told to start again', async () => {
    const gate = createGate();
    let parkedCount = 0;
    const points: Acknowledgement[] = ['emailVerified', 'emailVerified', 'panelSignedIn', 'panelSignedIn'];
    const parked = points.map((point) =>
      runJourney(
        target,
        { email: newEmail(`outage-${point}`) },
        {
          onAcknowledged: async (what) => {
            if (what !== point) return;
            parkedCount += 1;
            await gate.promise;
          },
        },
      ).then(
        (result) => ({ result, error: undefined }),
        (error: unknown) => ({ result: undefined, error }),
      ),
    );
    await waitUntil(() => parkedCount === points.length, `${points.length} people parked`);
    await kill9();
    assertIntegrity('between the kill and the restart');
    const aged = simulateDowntime(dataDir, LONG_OUTAGE_MS);
    assert.ok((aged.oidc_models ?? 0) > 0 && (aged.sessions ?? 0) > 0, JSON.stringify(aged));
    await start();
    gate.open();

    const seen: AfterOutage[] = [];
    for (const [i, outcome] of (await Promise.all(parked)).entries()) {
      const who = `${points[i]} #${i}`;
      assert.ok(outcome.error instanceof JourneyError, `${who}: carried on after the outage: ${outcome.result?.email}`);
      // What had been acknowledged is there all the same.
      await assertAcknowledgedPresent(outcome.error.result);
      seen.push(await assertCleanPageAfterOutage(outcome.error.page, who, outcome.error.result.email));
    }
    // Everyone still inside the IdP's sign-in is told to start again.
    assert.deepEqual(
      seen.filter((_, i) => points[i] === 'emailVerified'),
      ['idp start-again', 'idp start-again'],
    );
    assertIntegrity('after the restart');
    const stopped = launcher ? await launcher.stop() : undefined;
    launcher = undefined;
    assert.equal(stopped, 0, 'Ctrl-C after all that stops the sandbox cleanly');

    Object.assign(numbers, {
      'in-flight after outage': points.length,
      'start-again pages': seen.filter((w) => w.endsWith('start-again')).length,
      'whm password login, not linked': seen.filter((w) => w === 'whm home, not linked').length,
    });
    // Every check of an acknowledged account, address, MFA and link (both tests) passed.
    Object.assign(numbers, {
      'present after restart': `${present.accounts} accounts, ${present.verified} verified, ${present.mfa} with MFA, ${present.links} links`,
    });
  });
});
