import { type HttpResponse, textOf } from '@extauth/server-kit/http-client';
import type { HostileCase } from './hostile.js';

/** What a person or a client reads from an answer: the sentence of an error page, form or JSON. */
export function humanMessage(res: HttpResponse): string | undefined {
  const type = res.headers.get('content-type') ?? '';
  if (type.includes('json')) {
    try {
      const body = JSON.parse(res.text) as Record<string, unknown>;
      const metadata = body.metadata as { reason?: unknown } | undefined;
      const candidates = [body.error_description, body.error, body.message, metadata?.reason];
      return candidates.find((c): c is string => typeof c === 'string' && c.trim() !== '');
    } catch {
      return undefined;
    }
  }
  if (type.includes('html')) {
    // An alert (error pages, form errors, WHM notices) or a field's error, with text in it.
    const pattern =
      /<(p|div|span)\b[^>]*(?:role="alert"|class="[^"]*\b(?:field-error|error-notice|alert)\b[^"]*")[^>]*>([\s\S]*?)<\/\1>/gi;
    for (const match of res.text.matchAll(pattern)) {
      const text = textOf(match[2] ?? '');
      if (text) return text;
    }
    return undefined;
  }
  return undefined;
}

/** The WHM API's answer to a call it refused: HTTP 200 with `metadata.result: 0` (spec §8). */
export function isWhmFailureEnvelope(res: HttpResponse): boolean {
  if (res.status !== 200) return false;
  try {
    const body = JSON.parse(res.text) as { metadata?: { result?: unknown; reason?: unknown } };
    return body.metadata?.result === 0 && typeof body.metadata.reason === 'string';
  } catch {
    return false;
  }
}

const STACK_TRACE = /\bat (?:async )?[\w.<>]+ \((?:file:\/\/|\/|node:)[^)]*:\d+:\d+\)|node_modules\/|Error: .*\n\s+at /;
const SCRIPT_URL_ATTRIBUTE =
  /\s(?:href|src|action|formaction|srcdoc|data)\s*=\s*["']?\s*(?:javascript|data:text\/html)/i;

export interface VerdictContext {
  /** Origins a redirect may point to (the IdP, the panel, registered redirect URIs). */
  allowedOrigins: readonly string[];
  envelope?: 'whm' | undefined;
}

/** Everything wrong with an answer to a hostile case; empty when it is acceptable. */
export function judge(c: HostileCase, res: HttpResponse, context: VerdictContext): string[] {
  const problems: string[] = [];
  const type = res.headers.get('content-type') ?? '';
  const refusedByEnvelope = context.envelope === 'whm' && isWhmFailureEnvelope(res);
  if (res.status >= 500) problems.push(`answered ${res.status}`);
  if (c.expect === 'refuse' && !(res.status >= 400 && res.status < 500) && !refusedByEnvelope) {
    problems.push(`expected a refusal (4xx), got ${res.status}`);
  }
  if ((res.status >= 400 && res.status < 500) || refusedByEnvelope) {
    // 405/431/413 from Node itself carry no body to speak of; ours always do.
    if (!humanMessage(res)) problems.push(`a ${res.status} without a message (${type}): ${res.text.slice(0, 300)}`);
  }
  if (res.status >= 300 && res.status < 400) {
    const location = res.headers.get('location');
    if (!location) problems.push(`a ${res.status} without Location`);
    else {
      const target = new URL(location, c.request.url);
      if (!context.allowedOrigins.includes(target.origin)) problems.push(`redirects off-site to ${location}`);
    }
  }
  if (STACK_TRACE.test(res.text)) problems.push('the answer shows a stack trace');
  if (type.includes('html')) {
    for (const markup of c.markup) {
      if (res.text.includes(markup)) problems.push(`reflects ${JSON.stringify(markup)} unescaped`);
    }
    const scriptUrl = SCRIPT_URL_ATTRIBUTE.exec(res.text);
    if (scriptUrl) problems.push(`a script URL in an attribute: ${scriptUrl[0]}`);
  }
  return problems;
}
