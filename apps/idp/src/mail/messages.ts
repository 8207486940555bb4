import { html } from '@extauth/server-kit/html';

/** A message ready to send: always a plain-text part, with an HTML part built from the same text. */
export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  html: string;
}

export interface MessageContent {
  brand: string;
  to: string;
  subject: string;
  greeting: string;
  paragraphs: readonly string[];
  /** A link the person should follow, shown as a button in HTML and as a bare URL in text. */
  action?: { label: string; url: string } | undefined;
}

/**
 * The one layout of the IdP's emails. Flow-specific builders (email codes, enrollment links…)
 * call this with their own words; every value is escaped in the HTML part.
 */
export function composeMessage(content: MessageContent): MailMessage {
  const signature = `The ${content.brand} Account team`;
  const text = [
    content.greeting,
    '',
    ...content.paragraphs.flatMap((p) => [p, '']),
    ...(content.action ? [`${content.action.label}: ${content.action.url}`, ''] : []),
    signature,
    '',
  ].join('\n');
  const body = html`<!doctype html>
<html lang="en"><body style="font-family: system-ui, sans-serif; color: #1d1b26; line-height: 1.5">
<p>${content.greeting}</p>
${content.paragraphs.map((p) => html`<p>${p}</p>\n`)}${
  content.action
    ? html`<p><a href="${content.action.url}" style="background:#5b3fd6;color:#fff;padding:10px 16px;border-radius:6px;text-decoration:none">${content.action.label}</a></p>\n`
    : ''
}<p>${signature}</p>
</body></html>
`;
  return { to: content.to, subject: content.subject, text, html: body.value };
}
