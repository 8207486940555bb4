import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';

// Helpers for this repo's IdP journeys (kept out of support/, which the lead owns).
import { MAILDEV } from './support/urls.js';

export { MAILDEV };

interface MailDevEmail {
  subject: string;
  text?: string;
  /** When MailDev received the message (ISO 8601). */
  time: string;
  to: { address: string }[];
}

/**
 * Waits for the newest message to `address` whose subject ends with a 6-digit code, and returns
 * the code. MailDev's own `to` filter is case-sensitive, so addresses are compared lower-cased here.
 * Polling an external mail catcher is the one wait in these journeys; it ends as soon as mail is there.
 */
export async function readCodeFromMailDev(address: string, subjectPrefix: string, since: Date): Promise<string> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const res = await fetch(`${MAILDEV}/api/email`);
    assert.equal(res.status, 200);
    const emails = (await res.json()) as MailDevEmail[];
    const match = emails
      .filter((m) => m.to.some((to) => to.address.toLowerCase() === address.toLowerCase()))
      .filter((m) => m.subject.startsWith(subjectPrefix) && new Date(m.time) >= new Date(since.getTime() - 1000))
      .at(-1);
    const code = match && /(\d{6})$/.exec(match.subject)?.[1];
    if (code) {
      assert.ok(match.text?.includes(code), 'the plain-text part carries the code too');
      return code;
    }
    if (Date.now() > deadline) throw new Error(`no "${subjectPrefix}" mail for ${address} in MailDev`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

// Browser globals used inside page.evaluate (this package compiles without the DOM library).
declare const DataTransfer: new () => { setData(type: string, data: string): void };
declare const ClipboardEvent: new (type: string, init: Record<string, unknown>) => unknown;

/** Pastes the whole code into the first of the six boxes, as a person pasting from the mail would. */
export async function pasteCode(page: Page, code: string): Promise<void> {
  const first = page.getByRole('group', { name: 'Verification code' }).getByRole('textbox').first();
  await first.focus();
  await first.evaluate((box, text) => {
    const data = new DataTransfer();
    data.setData('text/plain', text);
    (box as unknown as { dispatchEvent(e: unknown): boolean }).dispatchEvent(
      new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }),
    );
  }, code);
}

/**
 * The "Enable multi-factor authentication" link of the newest enrollment email to `address`, whose
 * subject names the account (polling MailDev: the one wait in these journeys).
 */
export async function readEnrollmentLink(address: string, since: Date): Promise<string> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const emails = (await (await fetch(`${MAILDEV}/api/email`)).json()) as MailDevEmail[];
    const mail = emails
      .filter((m) => m.to.some((to) => to.address.toLowerCase() === address.toLowerCase()))
      .filter((m) => m.subject.startsWith('Enable multi-factor authentication') && new Date(m.time) >= since)
      .at(-1);
    const link = /Enable multi-factor authentication: (\S+)/.exec(mail?.text ?? '')?.[1];
    if (link) {
      assert.ok(mail?.subject.includes(address), 'the subject names the account');
      return link;
    }
    if (Date.now() > deadline) throw new Error(`no enrollment email for ${address}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
