import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import { loadSeedFile, parseSeedText, SeedFileError } from './load-seed.js';
import { PanelIniSyntaxError, writePanelIniGate } from './panel-ini-gate.js';

function problemsOf(text: string, options: { knownEmails?: string[] } = {}) {
  try {
    parseSeedText(text, 'seed.yaml', options);
  } catch (err) {
    assert.ok(err instanceof SeedFileError, String(err));
    return err.problems.map((p) => `${p.line}: ${p.path}: ${p.message}`);
  }
  assert.fail('the seed was accepted');
}

describe('seed files', () => {
  test('YAML: each problem names its field path and its line', () => {
    const yaml = [
      'idp:', //                                  1
      '  accounts:', //                           2
      '    - email: ana@example.com', //          3
      '      password: long-enough-pw', //        4
      '    - email: not-an-email', //             5
      '      password: long-enough-pw', //        6
      '      colour: blue', //                    7
      'panel:', //                                8
      '  resellers:', //                          9
      '    - username: Bad_Name', //              10
      '      password: secret-123', //            11
      '      domain: res.example.test', //        12
    ].join('\n');
    assert.deepEqual(problemsOf(yaml), [
      '5: idp.accounts[1].email: must be an email address',
      '7: idp.accounts[1].colour: is not a known field',
      '10: panel.resellers[0].username: must be a lowercase letter followed by up to 15 lowercase letters or digits',
    ]);
  });

  test('JSON works too, and a missing field points at its object', () => {
    const json = '{\n  "idp": {\n    "clients": [\n      { "client_id": "rp" }\n    ]\n  }\n}\n';
    assert.deepEqual(problemsOf(json), [
      '4: idp.clients[0].redirect_uris: Invalid input: expected array, received undefined',
    ]);
  });

  test('a syntax error or a duplicate key is reported with its line', () => {
    assert.match(problemsOf('idp:\n  accounts: [\n')[0] ?? '', /^3: /);
    assert.match(problemsOf('panel:\n  gate: true\n  gate: false\n')[0] ?? '', /^3: .*unique/);
  });

  test('a link by email must name a seeded account or a known one (the demo account)', () => {
    const text = 'panel:\n  links:\n    - username: root\n      email: ghost@example.com\n';
    assert.deepEqual(problemsOf(text, { knownEmails: ['demo@example.com'] }), [
      '4: panel.links[0].email: no IdP account "ghost@example.com" in idp.accounts (nor the demo account)',
    ]);
    const ok = parseSeedText(text.replace('ghost', 'DEMO'), 'seed.yaml', { knownEmails: ['demo@example.com'] });
    assert.equal(ok.panel.links[0]?.email, 'DEMO@example.com');
  });

  test('an empty file is an empty seed; a missing file is a SeedFileError', () => {
    assert.deepEqual(parseSeedText('', 'seed.yaml').idp, { accounts: [], clients: [] });
    assert.throws(
      () => loadSeedFile('/nonexistent/seed.yaml'),
      /Invalid seed file \/nonexistent\/seed\.yaml:\n {2}cannot be read/,
    );
  });
});

describe('panel.ini gate', () => {
  test('sets the key in [AuthProviders], keeps other lines, and changes nothing the second time', () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'ini-')), 'panel', 'panel.ini');
    assert.equal(writePanelIniGate(file, true), true);
    assert.equal(fs.readFileSync(file, 'utf8'), '[AuthProviders]\nWebProsAccountAdmin = true\n');
    assert.equal(writePanelIniGate(file, true), false);
    fs.writeFileSync(file, '; mine\n[Other]\nx = 1\n[AuthProviders]\nWebProsAccountAdmin = true\nCpanelId = true\n');
    assert.equal(writePanelIniGate(file, false), true);
    assert.equal(
      fs.readFileSync(file, 'utf8'),
      '; mine\n[Other]\nx = 1\n[AuthProviders]\nWebProsAccountAdmin = false\nCpanelId = true\n',
    );
  });

  test('a file with CRLF line ends keeps them, and a second write changes nothing', () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'ini-')), 'panel.ini');
    fs.writeFileSync(file, '[AuthProviders]\r\nCpanelId = true\r\n');
    assert.equal(writePanelIniGate(file, true), true);
    assert.equal(fs.readFileSync(file, 'utf8'), '[AuthProviders]\r\nCpanelId = true\r\nWebProsAccountAdmin = true\r\n');
    assert.equal(writePanelIniGate(file, true), false);
  });

  test('a file that does not parse is reported at the line the person wrote, and left as it is', () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'ini-')), 'panel.ini');
    const text = '[AuthProviders]\nCpanelId = true\n[Other]\nthis line is not a setting\n';
    fs.writeFileSync(file, text);
    assert.throws(
      () => writePanelIniGate(file, true),
      (err: unknown) => err instanceof PanelIniSyntaxError && err.line === 4,
    );
    assert.equal(fs.readFileSync(file, 'utf8'), text);
  });
});
