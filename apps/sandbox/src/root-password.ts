import fs from 'node:fs';
import type { StartedPanel } from '@extauth/panel/server';

/** WHM root's password, from wherever the panel says it is. */
export function readRootPassword(
  source: StartedPanel['rootPassword'],
  env: Record<string, string | undefined>,
): string {
  if (source.source === 'memory') return source.value;
  if (source.source === 'file') return fs.readFileSync(source.file, 'utf8').trim();
  const value = env.PANEL_ROOT_PASSWORD;
  if (!value) throw new Error('PANEL_ROOT_PASSWORD is not set');
  return value;
}
