import fs from 'node:fs';
import path from 'node:path';
import { GATE_SECTION, parsePanelIni, WEBPROS_GATE_KEY } from '@extauth/panel/panel-ini/panel-ini';

/** An existing panel.ini that does not parse: the gate is not written into it. */
export class PanelIniSyntaxError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    readonly problem: string,
  ) {
    super(`${file} line ${line}: ${problem} (fix or delete the file)`);
    this.name = 'PanelIniSyntaxError';
  }
}

/**
 * Sets `[AuthProviders] WebProsAccountAdmin` in panel.ini to the seed's value before the panel
 * starts, keeping every other line of an existing file. Returns whether the file changed. Throws
 * PanelIniSyntaxError for a file that does not parse, and the file system's error (EACCES, EISDIR…)
 * when the file cannot be read or written.
 */
export function writePanelIniGate(file: string, on: boolean): boolean {
  const value = `${WEBPROS_GATE_KEY} = ${on ? 'true' : 'false'}`;
  const before = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
  // Judged as the person wrote it, so a problem is reported at its own line number.
  const given = parsePanelIni(before);
  if (!given.ok) throw new PanelIniSyntaxError(file, given.line, given.problem);
  // A file written with CRLF line ends keeps them.
  const eol = before.includes('\r\n') ? '\r\n' : '\n';
  const lines = before === '' ? [] : before.replace(/\r?\n$/, '').split(/\r?\n/);
  let section: string | undefined;
  let sectionEnd = -1;
  let replaced = false;
  for (const [i, line] of lines.entries()) {
    const header = /^\s*\[([^\]]+)\]/.exec(line)?.[1]?.trim();
    if (header !== undefined) section = header;
    if (section !== GATE_SECTION) continue;
    sectionEnd = i;
    const key = /^\s*([^=;#[]+?)\s*=/.exec(line)?.[1];
    if (key === WEBPROS_GATE_KEY) {
      lines[i] = value;
      replaced = true;
    }
  }
  if (!replaced && sectionEnd >= 0) lines.splice(sectionEnd + 1, 0, value);
  if (!replaced && sectionEnd < 0) lines.push(...(lines.length ? [''] : []), `[${GATE_SECTION}]`, value);
  const after = `${lines.join(eol)}${eol}`;
  if (after === before) return false;
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, after, { mode: 0o644 });
  return true;
}
