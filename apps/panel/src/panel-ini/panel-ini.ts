/**
 * `/var/cpanel/panel.ini` (spec §2.1), parsed by the rules the sandbox picked where the docs are
 * silent (spec §13.1, documented in the README):
 * - `[Section]` headers and `key = value` lines; whitespace around names, `=` and values is ignored;
 * - section and key names are case-sensitive (`[AuthProviders]`, `WebProsAccountAdmin`);
 * - whole-line comments start with `;` or `#`; a value may end in ` ; comment` or ` # comment`;
 * - a value in double quotes loses them; a repeated key keeps its last value;
 * - anything else (a line without `=`, an unclosed header, an empty key, a key before the first
 *   section) makes the file malformed, reported with its line number.
 */
export type ParsedPanelIni =
  | { ok: true; sections: ReadonlyMap<string, ReadonlyMap<string, string>> }
  | { ok: false; line: number; problem: string };

export const GATE_SECTION = 'AuthProviders';
export const WEBPROS_GATE_KEY = 'WebProsAccountAdmin';
const TRUE_VALUES = new Set(['true', '1', 'on', 'yes']);

function stripValue(raw: string): string {
  let value = raw.trim();
  if (value.startsWith('"')) {
    const end = value.indexOf('"', 1);
    if (end > 0) return value.slice(1, end);
  }
  const comment = /\s[;#]/.exec(value);
  if (comment) value = value.slice(0, comment.index);
  return value.trim();
}

export function parsePanelIni(text: string): ParsedPanelIni {
  const sections = new Map<string, Map<string, string>>();
  let current: Map<string, string> | undefined;
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  for (const [index, rawLine] of lines.entries()) {
    const line = rawLine.trim();
    const lineNumber = index + 1;
    if (line === '' || line.startsWith(';') || line.startsWith('#')) continue;
    if (line.startsWith('[')) {
      const header = /^\[([^\]]+)\]\s*(?:[;#].*)?$/.exec(line);
      const name = header?.[1]?.trim();
      if (!name) return { ok: false, line: lineNumber, problem: 'a section header must look like [Name]' };
      current = sections.get(name) ?? new Map<string, string>();
      sections.set(name, current);
      continue;
    }
    const eq = line.indexOf('=');
    if (eq < 0) return { ok: false, line: lineNumber, problem: 'expected "key = value"' };
    const key = line.slice(0, eq).trim();
    if (!key) return { ok: false, line: lineNumber, problem: 'the key before "=" is empty' };
    if (!current) return { ok: false, line: lineNumber, problem: 'a key must follow a [Section] header' };
    current.set(key, stripValue(line.slice(eq + 1)));
  }
  return { ok: true, sections };
}

/** `true`, `1`, `on` or `yes`, in any case. */
export function isTruthyIniValue(value: string | undefined): boolean {
  return value !== undefined && TRUE_VALUES.has(value.toLowerCase());
}

/** The WebPros gate: `[AuthProviders] WebProsAccountAdmin = true`. */
export function isWebProsGateOn(sections: ReadonlyMap<string, ReadonlyMap<string, string>>): boolean {
  return isTruthyIniValue(sections.get(GATE_SECTION)?.get(WEBPROS_GATE_KEY));
}

/** What the demo profile writes on first start. */
export const DEMO_PANEL_INI = `[${GATE_SECTION}]\n${WEBPROS_GATE_KEY} = true\n`;
