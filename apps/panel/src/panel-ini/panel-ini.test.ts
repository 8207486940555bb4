import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import { createRecordingLogger } from '../test-support/harness.js';
import { isTruthyIniValue, isWebProsGateOn, parsePanelIni } from './panel-ini.js';
import { createPanelIniFileSource } from './panel-ini-source.js';

function gate(text: string): boolean | string {
  const parsed = parsePanelIni(text);
  return parsed.ok ? isWebProsGateOn(parsed.sections) : `line ${parsed.line}: ${parsed.problem}`;
}

describe('parsePanelIni (spec §13.1 rules)', () => {
  test('reads the documented gate', () => {
    assert.equal(gate('[AuthProviders]\nWebProsAccountAdmin = true\n'), true);
  });

  test('accepts true, 1, on and yes in any case, and nothing else', () => {
    for (const value of ['true', 'TRUE', 'True', '1', 'on', 'On', 'yes', 'YES']) {
      assert.equal(gate(`[AuthProviders]\nWebProsAccountAdmin = ${value}`), true, value);
    }
    for (const value of ['false', '0', 'off', 'no', '', 'truthy', '2', 'y']) {
      assert.equal(gate(`[AuthProviders]\nWebProsAccountAdmin = ${value}`), false, value);
    }
    assert.equal(isTruthyIniValue(undefined), false);
  });

  test('matches section and key case-sensitively', () => {
    assert.equal(gate('[authproviders]\nWebProsAccountAdmin = true'), false);
    assert.equal(gate('[AuthProviders]\nwebprosaccountadmin = true'), false);
    assert.equal(gate('[Other]\nWebProsAccountAdmin = true'), false);
  });

  test('ignores whitespace around names, "=" and values, CRLF line ends and a BOM', () => {
    assert.equal(gate('\uFEFF  [ AuthProviders ]  \r\n\tWebProsAccountAdmin=true   \r\n'), true);
    assert.equal(gate('[AuthProviders]\nWebProsAccountAdmin   =    yes'), true);
  });

  test('skips ";" and "#" comments, whole-line and after a value, and strips double quotes', () => {
    const text = [
      '; panel.ini',
      '# managed by hand',
      '[ext-plesk-like]',
      'key = value ; trailing',
      '[AuthProviders] ; the gate',
      'WebProsAccountAdmin = "true"',
      'Other = on # comment',
    ].join('\n');
    assert.equal(gate(text), true);
    assert.equal(gate('[AuthProviders]\n;WebProsAccountAdmin = true'), false);
    assert.equal(gate('[AuthProviders]\nWebProsAccountAdmin = true ; was false'), true);
  });

  test('a repeated key keeps its last value; a later section of the same name merges', () => {
    assert.equal(gate('[AuthProviders]\nWebProsAccountAdmin = true\nWebProsAccountAdmin = false'), false);
    assert.equal(gate('[AuthProviders]\nA = 1\n[X]\n[AuthProviders]\nWebProsAccountAdmin = on'), true);
  });

  test('reports malformed lines with their number', () => {
    assert.equal(gate('[AuthProviders]\nWebProsAccountAdmin true'), 'line 2: expected "key = value"');
    assert.equal(gate('[AuthProviders\nWebProsAccountAdmin = true'), 'line 1: a section header must look like [Name]');
    assert.equal(gate('[]\n'), 'line 1: a section header must look like [Name]');
    assert.equal(gate('[AuthProviders]\n = true'), 'line 2: the key before "=" is empty');
    assert.equal(gate('WebProsAccountAdmin = true'), 'line 1: a key must follow a [Section] header');
  });
});

describe('panel.ini file source', () => {
  const setup = () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'panel-ini-'));
    const file = path.join(dir, 'panel.ini');
    const logger = createRecordingLogger();
    return { dir, file, logger, source: createPanelIniFileSource({ path: file, logger }) };
  };

  test('an absent file means no gate; a created, edited or removed file applies on the next read', () => {
    const { file, source } = setup();
    assert.deepEqual(source.read(), { state: 'absent', path: file, webprosGate: false });
    fs.writeFileSync(file, '[AuthProviders]\nWebProsAccountAdmin = true\n');
    assert.deepEqual(source.read(), { state: 'valid', path: file, webprosGate: true });
    fs.writeFileSync(file, '[AuthProviders]\nWebProsAccountAdmin = off\n');
    assert.equal(source.read().webprosGate, false);
    fs.rmSync(file);
    assert.equal(source.read().state, 'absent');
  });

  test('parses again only when the file changed', () => {
    const { file, source } = setup();
    fs.writeFileSync(file, '[AuthProviders]\nWebProsAccountAdmin = true\n');
    const first = source.read();
    assert.equal(source.read(), first, 'the same object: served from the cache');
    const later = new Date(Date.now() + 5000);
    fs.writeFileSync(file, '[AuthProviders]\nWebProsAccountAdmin = 1\n');
    fs.utimesSync(file, later, later);
    assert.notEqual(source.read(), first);
  });

  test('a malformed or unreadable file leaves the gate off, is logged once per version, and never throws', () => {
    const { dir, file, logger, source } = setup();
    fs.writeFileSync(file, '[AuthProviders]\nWebProsAccountAdmin true\n');
    const status = source.read();
    assert.deepEqual(status, {
      state: 'malformed',
      path: file,
      webprosGate: false,
      problem: 'line 2: expected "key = value"',
    });
    source.read();
    assert.equal(logger.lines.filter((l) => l.level === 'warn').length, 1);
    assert.match(logger.lines[0]?.message ?? '', /panel\.ini is malformed.*line 2/);

    fs.rmSync(file);
    fs.mkdirSync(file);
    assert.deepEqual(source.read(), {
      state: 'malformed',
      path: file,
      webprosGate: false,
      problem: 'it is not a file',
    });
    fs.rmdirSync(file);
    fs.writeFileSync(file, 'x'.repeat(70 * 1024));
    assert.match(source.read().state === 'malformed' ? 'malformed' : '', /malformed/);
    const inside = createPanelIniFileSource({ path: path.join(dir, 'panel.ini', 'x'), logger });
    assert.equal(inside.read().state, 'absent');
  });
});
