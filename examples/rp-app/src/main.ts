#!/usr/bin/env node
import fs from 'node:fs';
import { startRpApp } from './rp-app.js';

// RP_ISSUER (default https://localhost:8443), RP_CLIENT_ID, RP_CLIENT_SECRET (optional), RP_PORT
// (default 4000), RP_CA_FILE (default .sandbox/tls/ca.pem of `pnpm start`).
const env = process.env;
const caFile = env.RP_CA_FILE ?? '.sandbox/tls/ca.pem';
const app = await startRpApp({
  issuer: env.RP_ISSUER ?? 'https://localhost:8443',
  clientId: env.RP_CLIENT_ID ?? 'example-rp',
  ...(env.RP_CLIENT_SECRET ? { clientSecret: env.RP_CLIENT_SECRET } : {}),
  port: Number(env.RP_PORT ?? 4000),
  ...(fs.existsSync(caFile) ? { ca: fs.readFileSync(caFile, 'utf8') } : {}),
});
console.log(`example RP at ${app.url} (redirect URI ${app.redirectUri})`);
