/**
 * True when every `name=value` pair of an `application/x-www-form-urlencoded` string (a form body
 * or a query string) decodes as UTF-8. The parsers (qs, querystring) silently keep an undecodable
 * pair as raw `%FF` text, which would then be stored or compared as if it were what was typed.
 */
export function isValidFormEncoding(raw: string): boolean {
  for (const pair of raw.split('&')) {
    try {
      decodeURIComponent(pair.replace(/\+/g, ' '));
    } catch {
      return false;
    }
  }
  return true;
}
