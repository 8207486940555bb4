import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { checkSettingNames, closestSetting, SANDBOX_SETTINGS } from './settings.js';

const README = path.join(import.meta.dirname, '..', '..', '..', 'README.md');

test('the known settings are exactly the first column of the README configuration table', () => {
  const text = fs.readFileSync(README, 'utf8');
  const section = text.slice(text.indexOf('\n## Configuration\n'));
  const table = section.slice(0, section.indexOf('\n## ', 1));
  const names = [...table.matchAll(/^\| `([A-Z][A-Z0-9_]*)` \|/gm)].map((m) => m[1]);
  assert.ok(names.length > 20, 'the table was found');
  assert.deepEqual([...SANDBOX_SETTINGS].sort(), names.sort());
});

test('unknown names that look like settings are refused, others pass', () => {
  assert.throws(() => checkSettingNames({ PANEL_PROT: '1' }), /unknown setting PANEL_PROT .*did you mean PANEL_PORT\?/);
  assert.throws(() => checkSettingNames({ LOG_LEVLE: 'debug' }), /did you mean LOG_LEVEL\?/);
  assert.doesNotThrow(() => checkSettingNames({ IDP_PORT: '1', NODE_ENV: 'test', HOME: '/x' }));
  assert.equal(closestSetting('MAILDEV_ENABLE'), 'MAILDEV_ENABLED');
});
