/**
 * The one HTML renderer of the project: a tagged template that escapes every interpolated value
 * unless it is already `Html` (the output of another `html` call, or of the rare, greppable `raw`).
 */
const HTML_BRAND: unique symbol = Symbol('Html');

export interface Html {
  readonly [HTML_BRAND]: true;
  readonly value: string;
}

type Interpolation = Html | string | number | boolean | null | undefined | readonly Interpolation[];

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
  '`': '&#96;',
};

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"'`]/g, (ch) => ESCAPES[ch] ?? ch);
}

function isHtml(value: unknown): value is Html {
  return typeof value === 'object' && value !== null && HTML_BRAND in value;
}

function render(value: Interpolation): string {
  if (value === null || value === undefined || value === false) return '';
  if (isHtml(value)) return value.value;
  if (Array.isArray(value)) return value.map(render).join('');
  return escapeHtml(String(value));
}

function makeHtml(value: string): Html {
  return { [HTML_BRAND]: true, value };
}

export function html(strings: TemplateStringsArray, ...values: Interpolation[]): Html {
  let out = strings[0] ?? '';
  for (let i = 0; i < values.length; i += 1) {
    out += render(values[i]) + (strings[i + 1] ?? '');
  }
  return makeHtml(out);
}

/** Escape hatch for markup we built ourselves (inline SVG, data URIs checked elsewhere). Keep rare. */
export function raw(trusted: string): Html {
  return makeHtml(trusted);
}

export function renderDocument(body: Html): string {
  return `<!doctype html>\n${body.value}`;
}
