#!/usr/bin/env node
// Container healthcheck (docker-compose.yml, Dockerfile HEALTHCHECK): no curl in the image, so Node
// itself GETs the app's own endpoints over HTTPS, trusting only the local CA from the data folder.
//
//   node healthcheck.mjs idp     GET /readyz: 200 (storage answers), then GET <issuer path>/.well-known/
//                                openid-configuration: 200 and the configured issuer
//   node healthcheck.mjs panel   GET /readyz: 200 (storage answers and the IdP's discovery is reachable
//                                through the panel's back channel, with the configured issuer)
//
// It reads the same variables as the apps (SANDBOX_DATA_DIR, IDP_PORT, IDP_ISSUER, PANEL_PORT) and
// connects to 127.0.0.1 on the app's port with the TLS name `localhost`, which every leaf
// certificate covers. Exit code 0 = healthy, 1 = not (with one line saying why).
import fs from 'node:fs';
import https from 'node:https';
import path from 'node:path';

const app = process.argv[2];
const env = process.env;
const value = (name, fallback) => (env[name] === undefined || env[name] === '' ? fallback : env[name]);

function fail(message) {
  console.error(`unhealthy (${app}): ${message}`);
  process.exit(1);
}

if (app !== 'idp' && app !== 'panel') fail('usage: healthcheck.mjs idp|panel');

const dataDir = path.resolve(value('SANDBOX_DATA_DIR', '.sandbox'));
let ca;
try {
  ca = fs.readFileSync(path.join(dataDir, 'tls', 'ca.pem'), 'utf8');
} catch (err) {
  fail(`no CA yet in ${dataDir}/tls/ca.pem (${err.code ?? err.message})`);
}

const idpPort = Number(value('IDP_PORT', '8443'));
const issuer = value('IDP_ISSUER', `https://localhost:${idpPort}`);
const port = app === 'idp' ? idpPort : Number(value('PANEL_PORT', '2087'));
const discoveryPath = `${new URL(issuer).pathname.replace(/\/$/, '')}/.well-known/openid-configuration`;

function get(requestPath) {
  return new Promise((resolve) => {
    const req = https.get(
      {
        host: '127.0.0.1',
        port,
        path: requestPath,
        servername: 'localhost',
        ca,
        timeout: 4000,
        headers: { accept: 'application/json' },
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk) => {
          if (body.length < 1_000_000) body += chunk;
        });
        res.on('end', () => resolve({ status: res.statusCode, body }));
      },
    );
    req.on('timeout', () => req.destroy(new Error('timed out after 4 s')));
    req.on('error', (err) => fail(`GET ${requestPath}: ${`${err.code ?? ''} ${err.message}`.trim()}`));
  });
}

const json = (text) => {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
};

// /readyz: storage answers, and for the panel the IdP's discovery through its back channel.
const ready = await get('/readyz');
if (ready.status !== 200)
  fail(`GET /readyz answered ${ready.status}: ${json(ready.body)?.reason ?? ready.body.slice(0, 300)}`);
if (app === 'idp') {
  const discovery = await get(discoveryPath);
  if (discovery.status !== 200) fail(`GET ${discoveryPath} answered ${discovery.status}`);
  const discovered = json(discovery.body)?.issuer;
  if (discovered !== issuer) fail(`discovery says issuer ${discovered}, expected ${issuer}`);
}
console.log(`healthy (${app}): GET https://127.0.0.1:${port}/readyz 200${app === 'idp' ? `, issuer ${issuer}` : ''}`);
process.exit(0);
