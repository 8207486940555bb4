#!/usr/bin/env node
// Container healthcheck (docker-compose.yml, Dockerfile HEALTHCHECK): no curl in the image, so Node
// itself GETs the app's own page over HTTPS, trusting only the local CA from the data folder.
//
//   node healthcheck.mjs idp     GET <issuer path>/.well-known/openid-configuration: 200 and the configured issuer
//   node healthcheck.mjs panel   GET /: 200 (the WHM login page)
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
const requestPath =
  app === 'idp' ? `${new URL(issuer).pathname.replace(/\/$/, '')}/.well-known/openid-configuration` : '/';

const req = https.get(
  {
    host: '127.0.0.1',
    port,
    path: requestPath,
    servername: 'localhost',
    ca,
    timeout: 4000,
    headers: { accept: app === 'idp' ? 'application/json' : 'text/html' },
  },
  (res) => {
    let body = '';
    res.setEncoding('utf8');
    res.on('data', (chunk) => {
      if (body.length < 1_000_000) body += chunk;
    });
    res.on('end', () => {
      if (res.statusCode !== 200) fail(`GET ${requestPath} answered ${res.statusCode}`);
      if (app === 'idp') {
        let discovered;
        try {
          discovered = JSON.parse(body).issuer;
        } catch {
          fail(`GET ${requestPath} did not return JSON`);
        }
        if (discovered !== issuer) fail(`discovery says issuer ${discovered}, expected ${issuer}`);
      }
      console.log(`healthy (${app}): GET https://127.0.0.1:${port}${requestPath} 200`);
      process.exit(0);
    });
  },
);
req.on('timeout', () => req.destroy(new Error('timed out after 4 s')));
req.on('error', (err) => fail(`${err.code ?? ''} ${err.message}`.trim()));
