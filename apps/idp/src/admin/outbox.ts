import type { Clock } from '@extauth/server-kit/clock';
import type { Logger } from '@extauth/server-kit/logger';
import type { Mailer } from '../mail/mailer.js';

export interface OutboxMessage {
  to: string;
  subject: string;
  text: string;
  html: string;
  sentAt: string;
}

/** The last messages per address, in memory only (never written anywhere). */
export interface Outbox {
  /** Newest first. */
  messagesTo(address: string, limit: number): OutboxMessage[];
  clear(): void;
}

export const OUTBOX_MESSAGES_PER_ADDRESS = 20;

/**
 * Wraps the mailer so the admin API can read what was sent to an address without a mail catcher.
 * A message is kept before delivery; when delivery fails (no mail catcher running) it is logged and
 * the flow carries on, since tests that read the outbox do not need the SMTP copy.
 */
export function withOutbox(
  inner: Mailer,
  options: { clock: Clock; logger: Logger; perAddress?: number },
): { mailer: Mailer; outbox: Outbox } {
  const perAddress = options.perAddress ?? OUTBOX_MESSAGES_PER_ADDRESS;
  const byAddress = new Map<string, OutboxMessage[]>();
  const key = (address: string) => address.trim().toLowerCase();
  return {
    mailer: {
      async send(message) {
        const kept = byAddress.get(key(message.to)) ?? [];
        kept.push({ ...message, sentAt: options.clock.now().toISOString() });
        byAddress.set(key(message.to), kept.slice(-perAddress));
        try {
          return await inner.send(message);
        } catch (err) {
          options.logger.warn('mail delivery failed; the message is in the admin outbox only', { err });
          return { messageId: '' };
        }
      },
      close: () => inner.close(),
    },
    outbox: {
      messagesTo: (address, limit) => (byAddress.get(key(address)) ?? []).slice(-limit).reverse(),
      clear: () => byAddress.clear(),
    },
  };
}
