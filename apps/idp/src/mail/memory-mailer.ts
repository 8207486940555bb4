import nodemailer from 'nodemailer';
import type { Mailer } from './mailer.js';
import { nodemailerOptions } from './mailer.js';

/** A message as nodemailer's JSON transport rendered it: the envelope is what SMTP would use. */
export interface CapturedMail {
  envelope: { from: string; to: string[] };
  to: string;
  subject: string;
  text: string;
  html: string;
}

export interface MemoryMailer extends Mailer {
  readonly outbox: CapturedMail[];
}

/**
 * For tests (and the admin API's in-memory outbox): the real nodemailer pipeline up to the wire,
 * through its JSON transport, keeping each message in memory and never on disk.
 */
export function createMemoryMailer(from: string): MemoryMailer {
  const transport = nodemailer.createTransport({ jsonTransport: true });
  const outbox: CapturedMail[] = [];
  return {
    outbox,
    async send(message) {
      const info = (await transport.sendMail(nodemailerOptions(from, message))) as {
        messageId?: string;
        message: string;
        envelope: { from: string; to: string[] };
      };
      const json = JSON.parse(info.message) as {
        to?: { address: string }[];
        subject: string;
        text: string;
        html: string;
      };
      outbox.push({
        envelope: info.envelope,
        to: json.to?.map((a) => a.address).join(', ') ?? '',
        subject: json.subject,
        text: json.text,
        html: json.html,
      });
      return { messageId: info.messageId ?? '' };
    },
    close: () => transport.close(),
  };
}
