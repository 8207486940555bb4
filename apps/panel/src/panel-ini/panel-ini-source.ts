import fs from 'node:fs';
import type { Logger } from '@extauth/server-kit/logger';
import { isWebProsGateOn, parsePanelIni } from './panel-ini.js';

/** What panel.ini says right now. A malformed or unreadable file leaves the gate off. */
export type PanelIniStatus =
  | { state: 'absent'; path: string | undefined; webprosGate: false }
  | { state: 'valid'; path: string | undefined; webprosGate: boolean }
  | { state: 'malformed'; path: string; webprosGate: false; problem: string };

export interface PanelIniSource {
  readonly path: string | undefined;
  read(): PanelIniStatus;
}

/** Larger files are not a panel.ini anyone wrote by hand; refuse rather than read them. */
const MAX_BYTES = 64 * 1024;

/**
 * Reads panel.ini without a restart: each call costs one `stat`; the file is parsed again only when
 * its inode, size, mtime or ctime changed. A malformed file is logged once per version of it.
 */
export function createPanelIniFileSource(options: { path: string; logger: Logger }): PanelIniSource {
  const file = options.path;
  let cached: { key: string; status: PanelIniStatus } | undefined;

  function load(stat: fs.Stats): PanelIniStatus {
    if (!stat.isFile()) return { state: 'malformed', path: file, webprosGate: false, problem: 'it is not a file' };
    if (stat.size > MAX_BYTES) {
      return { state: 'malformed', path: file, webprosGate: false, problem: `it is larger than ${MAX_BYTES} bytes` };
    }
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? 'error';
      if (code === 'ENOENT') return { state: 'absent', path: file, webprosGate: false };
      return { state: 'malformed', path: file, webprosGate: false, problem: `it cannot be read (${code})` };
    }
    const parsed = parsePanelIni(text);
    if (!parsed.ok) {
      return { state: 'malformed', path: file, webprosGate: false, problem: `line ${parsed.line}: ${parsed.problem}` };
    }
    return { state: 'valid', path: file, webprosGate: isWebProsGateOn(parsed.sections) };
  }

  return {
    path: file,
    read() {
      let stat: fs.Stats;
      try {
        stat = fs.statSync(file);
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code === 'ENOENT' || code === 'ENOTDIR') {
          cached = undefined;
          return { state: 'absent', path: file, webprosGate: false };
        }
        return { state: 'malformed', path: file, webprosGate: false, problem: `it cannot be read (${code})` };
      }
      const key = `${stat.ino}:${stat.size}:${stat.mtimeMs}:${stat.ctimeMs}`;
      if (cached?.key === key) return cached.status;
      const status = load(stat);
      cached = { key, status };
      if (status.state === 'malformed') {
        options.logger.warn(`panel.ini is malformed, so no provider is gated on: ${status.problem}`, { path: file });
      }
      return status;
    },
  };
}

/** Memory mode without PANEL_INI_PATH: nothing is written, so the profile fixes the gate. */
export function createFixedPanelIniSource(webprosGate: boolean): PanelIniSource {
  const status: PanelIniStatus = webprosGate
    ? { state: 'valid', path: undefined, webprosGate: true }
    : { state: 'absent', path: undefined, webprosGate: false };
  return { path: undefined, read: () => status };
}
