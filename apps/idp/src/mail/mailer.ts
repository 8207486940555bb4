import { domainToASCII } from 'node:url';
import nodemailer, { type SendMailOptions, type Transporter } from 'nodemailer';
import type { MailMessage } from './messages.js';

export interface SentMail {
  messageId: string;
}

/** How the IdP sends mail; flows receive it as a dependency and never touch nodemailer. */
export interface Mailer {
  send(message: MailMessage): Promise<SentMail>;
  close(): void;
}

/**
 * The address as SMTP needs it: an internationalised domain in its ASCII (punycode) form; the
 * local part is kept as entered (`+` tags included).
 */
export function toSmtpAddress(email: string): string {
  const at = email.lastIndexOf('@');
  if (at <= 0) return email;
  const ascii = domainToASCII(email.slice(at + 1));
  return ascii ? `${email.slice(0, at)}@${ascii}` : email;
}

export function nodemailerOptions(from: string, message: MailMessage): SendMailOptions {
  return { from, to: toSmtpAddress(message.to), subject: message.subject, text: message.text, html: message.html };
}

/** A mailer over any nodemailer transport (SMTP in the sandbox, a stream in unit tests). */
export function createMailer(transport: Transporter, from: string): Mailer {
  return {
    async send(message) {
      const info = (await transport.sendMail(nodemailerOptions(from, message))) as { messageId?: string };
      return { messageId: info.messageId ?? '' };
    },
    close: () => transport.close(),
  };
}

/**
 * SMTP to the mail catcher (MailDev): plain SMTP on localhost, no authentication. Nothing connects
 * until the first message, so creating it costs nothing at start.
 */
export function createSmtpMailer(settings: { host: string; port: number; from: string }): Mailer {
  const transport = nodemailer.createTransport({
    host: settings.host,
    port: settings.port,
    secure: false,
    connectionTimeout: 5_000,
    greetingTimeout: 5_000,
    socketTimeout: 10_000,
  });
  return createMailer(transport, settings.from);
}
