import autocannon from 'autocannon';
import { fillDevInteractions, fillSandboxIdp, obtainRefreshToken } from './flows.js';
import type { Row } from './report.js';
import { pairedRatios, summarize } from './stats.js';
import { freshDataDir, startBareProcess, startSandboxProcess } from './targets.js';

interface Load {
  url: string;
  body: string;
  ca: string;
}

interface Rate {
  average: number;
  p99Ms: number;
}

/** autocannon for `seconds` at `connections`; fails on any non-2xx or error (a broken bench is no figure). */
async function hammer(load: Load, connections: number, seconds: number): Promise<Rate> {
  const result = await autocannon({
    url: load.url,
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: load.body,
    connections,
    duration: seconds,
    tlsOptions: { ca: load.ca },
  });
  if (result.non2xx > 0 || result.errors > 0 || result.timeouts > 0) {
    throw new Error(
      `token endpoint ${load.url}: ${result.non2xx} non-2xx, ${result.errors} errors, ${result.timeouts} timeouts`,
    );
  }
  return {
    average: result.requests.average,
    p99Ms: result.latency.p99,
  };
}

const refreshBody = (refreshToken: string, client: { id: string; secret: string }) =>
  new URLSearchParams({
    grant_type: 'refresh_token',
    refresh_token: refreshToken,
    client_id: client.id,
    client_secret: client.secret,
  }).toString();

export async function benchTokenEndpoint(options: {
  seconds: number;
  warmupSeconds: number;
  /** Runs of `seconds` per side and connection count. */
  rounds: number;
}): Promise<Row[]> {
  const sandbox = await startSandboxProcess(freshDataDir('token'), 'secure');
  const bare = await startBareProcess({ rp: false, ca: sandbox.ca });
  try {
    // The panel's client, on its registered redirect URI (the code never reaches the panel).
    const panelRedirect = `${sandbox.panelUrl}/openid_connect_callback/webpros`;
    const s = await obtainRefreshToken({
      ca: sandbox.ca,
      issuer: sandbox.issuer,
      client: sandbox.client,
      redirectUri: panelRedirect,
      fill: fillSandboxIdp('demo@example.com', 'sandbox-demo-password'),
    });
    const b = await obtainRefreshToken({
      ca: sandbox.ca,
      issuer: bare.issuer,
      client: bare.client,
      redirectUri: bare.redirectUri,
      fill: fillDevInteractions,
    });
    const loads = {
      bare: { url: b.tokenEndpoint, body: refreshBody(b.refreshToken, bare.client), ca: sandbox.ca },
      sandbox: { url: s.tokenEndpoint, body: refreshBody(s.refreshToken, sandbox.client), ca: sandbox.ca },
    };
    const rows: Row[] = [];
    for (const connections of [1, 10]) {
      await hammer(loads.bare, connections, options.warmupSeconds);
      await hammer(loads.sandbox, connections, options.warmupSeconds);
      // Rounds alternate which side goes first; the ratio is taken per round (paired).
      const bareRates: Rate[] = [];
      const sandboxRates: Rate[] = [];
      for (let round = 0; round < options.rounds; round += 1) {
        if (round % 2 === 0) {
          bareRates.push(await hammer(loads.bare, connections, options.seconds));
          sandboxRates.push(await hammer(loads.sandbox, connections, options.seconds));
        } else {
          sandboxRates.push(await hammer(loads.sandbox, connections, options.seconds));
          bareRates.push(await hammer(loads.bare, connections, options.seconds));
        }
      }
      const averages = (rates: Rate[]) => rates.map((r) => r.average);
      const p99 = (rates: Rate[]) => rates.map((r) => r.p99Ms).join(' / ');
      rows.push(
        {
          section: '2',
          figure: `refresh_token grant, c=${connections}: bare (memory adapter)`,
          unit: 'rps',
          summary: summarize(averages(bareRates)),
          note: `p99 ${p99(bareRates)} ms`,
        },
        {
          section: '2',
          figure: `refresh_token grant, c=${connections}: sandbox IdP (SQLite)`,
          unit: 'rps',
          summary: summarize(averages(sandboxRates)),
          note: `p99 ${p99(sandboxRates)} ms`,
        },
        {
          section: '2',
          figure: `token endpoint c=${connections}: sandbox ÷ bare (paired rounds)`,
          unit: '×',
          summary: summarize(pairedRatios(averages(sandboxRates), averages(bareRates))),
          target: { op: '>=', limit: 0.9, text: '≥ 0.9' },
        },
      );
    }
    return rows;
  } finally {
    await Promise.all([sandbox.stop(), bare.stop()]);
  }
}
