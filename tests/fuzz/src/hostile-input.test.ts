import assert from 'node:assert/strict';
import { appendFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { reportTestNumbers } from '@extauth/server-kit/test-numbers';
import fc from 'fast-check';
import { idpAdminEndpoints, idpAdminResetEndpoint } from './catalogue/idp-admin.js';
import { idpFormEndpoints } from './catalogue/idp-forms.js';
import { idpOidcEndpoints } from './catalogue/idp-oidc.js';
import { panelEndpoints } from './catalogue/panel.js';
import { whmApiEndpoints } from './catalogue/whm-api.js';
import { type Endpoint, type Prepared, send } from './support/endpoint.js';
import { hostileCases } from './support/hostile.js';
import { validRequest } from './support/templates.js';
import { isWhmFailureEnvelope, judge } from './support/verdict.js';
import { createWorld, type World } from './support/world.js';

/**
 * Hostile input against every form and JSON/API endpoint of the IdP, its admin API and the panel
 * (see the catalogue/ folder): seeded fast-check cases, each judged (never 5xx, refusals are 4xx
 * with a message, no unescaped reflection, no off-site redirect, no stack trace); after each batch
 * of at most VALID_EVERY cases both apps answer /healthz and the endpoint's valid request still
 * succeeds.
 *
 * FUZZ_SEED reruns a run; FUZZ_ONLY (a part of an endpoint's name) runs some endpoints only;
 * FUZZ_CASES sets the total number of hostile requests (default 10,000); FUZZ_TRACE=<file> appends
 * each case's description to that file as it is sent (the test runner holds stdout back).
 */

const seed = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : Math.floor(Math.random() * 0x7fffffff);
const only = process.env.FUZZ_ONLY;
const totalCases = Number(process.env.FUZZ_CASES ?? 10_000);
/**
 * The valid request follows every batch of at most this many cases: a server that starts refusing
 * everything after some input is caught within ten requests of it. Sending it after every case
 * would set many endpoints up again each time (a new account, a new code), doubling the run.
 */
const VALID_EVERY = 10;
const rerun = `FUZZ_SEED=${seed} node scripts/test.mjs tests/fuzz/`;
process.stdout.write(`# hostile input: seed ${seed} (rerun with: ${rerun})\n`);

const numbers = { cases: 0, failures: 0, endpoints: 0, validRequests: 0 };
let world: World;
let catalogue: Endpoint[] = [];

/** Each endpoint and batch has its own fast-check seed, derived from the run's. */
const batchSeed = (endpoint: number, batch: number) => (seed ^ Math.imul(endpoint + 1, 0x9e3779b1) ^ (batch << 20)) | 0;

async function assertHealthy(): Promise<void> {
  for (const base of [world.sandbox.issuer, world.sandbox.panelUrl]) {
    const res = await world.api.get(`${base}/healthz`);
    assert.equal(res.status, 200, `${base}/healthz answered ${res.status}`);
  }
}

async function fuzzEndpoint(endpoint: Endpoint, index: number, cases: number): Promise<void> {
  const batches = Math.ceil(cases / VALID_EVERY);
  let state: Prepared = await endpoint.prepare();
  let dirty = false;
  const arbitrary = hostileCases(state.template);
  const context = { allowedOrigins: world.allowedOrigins, envelope: endpoint.envelope };
  const sendFrom = async (prepared: Prepared, request: ReturnType<typeof validRequest>) => {
    if (endpoint.cookieless) prepared.client.cookies.clear();
    return send(prepared.client, request);
  };

  for (let batch = 0; batch < batches; batch += 1) {
    const fcSeed = batchSeed(index, batch);
    const casesInBatch = Math.min(VALID_EVERY, cases - batch * VALID_EVERY);
    try {
      await fc.assert(
        fc.asyncProperty(arbitrary, async (recipe) => {
          if (dirty) {
            state = await endpoint.prepare();
            dirty = false;
          }
          const hostile = recipe.build(state.template);
          if (process.env.FUZZ_TRACE)
            appendFileSync(process.env.FUZZ_TRACE, `${endpoint.name}: ${hostile.description}\n`);
          const res = await sendFrom(state, hostile.request);
          numbers.cases += 1;
          const problems = judge(hostile, res, context);
          if (problems.length > 0) {
            throw new Error(`${hostile.description}: ${problems.join('; ')}`);
          }
          // OPTIONS only lists the allowed methods; any other method may be routed elsewhere (a DELETE).
          const accepted =
            res.status < 400 &&
            hostile.request.method !== 'OPTIONS' &&
            !(endpoint.envelope === 'whm' && isWhmFailureEnvelope(res));
          if (accepted && endpoint.statefulAcceptance) dirty = true;
        }),
        { seed: fcSeed, numRuns: casesInBatch },
      );
    } catch (err) {
      numbers.failures += 1;
      const cause = (err as Error).cause instanceof Error ? `\nGot: ${((err as Error).cause as Error).message}` : '';
      throw new Error(
        `${endpoint.name}, batch ${batch + 1}/${batches} (fast-check seed ${fcSeed}): ${(err as Error).message}${cause}\n` +
          `Rerun this endpoint with: FUZZ_ONLY=${JSON.stringify(endpoint.name)} ${rerun}`,
      );
    } finally {
      await endpoint.cleanUp?.();
    }
    await assertHealthy();

    // A server that refuses everything fails here: the valid counterpart must still succeed.
    if (endpoint.freshForValid || dirty) state = await endpoint.prepare();
    await endpoint.beforeValid?.();
    const res = await sendFrom(state, validRequest(state.template));
    numbers.validRequests += 1;
    const why = await endpoint.rejectsValid(res, state);
    if (why) {
      numbers.failures += 1;
      assert.fail(
        `${endpoint.name}: the valid request failed after batch ${batch + 1}/${batches} (fast-check seed ${fcSeed}): ${why}\n` +
          `Rerun this endpoint with: FUZZ_ONLY=${JSON.stringify(endpoint.name)} ${rerun}`,
      );
    }
    dirty = endpoint.statefulAcceptance === true;
    await endpoint.cleanUp?.();
  }
}

describe('hostile input (fast-check)', () => {
  before(async () => {
    world = await createWorld();
    catalogue = [
      ...idpFormEndpoints(world),
      ...idpOidcEndpoints(world),
      ...panelEndpoints(world),
      ...whmApiEndpoints(world),
      ...idpAdminEndpoints(world),
      // Last: it puts the IdP back to its seed.
      idpAdminResetEndpoint(world),
    ];
  });
  after(async () => {
    reportTestNumbers('hostile input (fast-check)', { seed, ...numbers });
    await world?.close();
  });

  test('every endpoint refuses hostile input cleanly and still accepts its valid request', async (t) => {
    const casesPerEndpoint = Math.ceil(totalCases / catalogue.length);
    const names = new Set<string>();
    for (const [index, endpoint] of catalogue.entries()) {
      assert.ok(!names.has(endpoint.name), `two endpoints are called ${endpoint.name}`);
      names.add(endpoint.name);
      if (only && !endpoint.name.includes(only)) continue;
      numbers.endpoints += 1;
      await t.test(endpoint.name, () => fuzzEndpoint(endpoint, index, casesPerEndpoint));
    }
    if (!only) {
      assert.ok(numbers.cases >= totalCases, `only ${numbers.cases} hostile requests were sent (${totalCases} wanted)`);
    }
  });
});
