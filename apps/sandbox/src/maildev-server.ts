import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface MailDevOptions {
  host: string;
  smtpPort: number;
  webPort: number;
}

/**
 * Starts MailDev (SMTP, web UI and REST API); resolves once both listen. MailDev keeps each message
 * as a file (its raw source), by default in a shared, world-readable `/tmp/maildev`. Here every
 * instance gets its own owner-only folder, removed when it stops: the codes and links in those
 * messages are secrets.
 */
export async function startMailDev(options: MailDevOptions): Promise<{ mailDirectory: string; stop(): Promise<void> }> {
  const { MailDev } = await import('maildev');
  // mkdtemp creates the folder with mode 0700.
  const mailDirectory = fs.mkdtempSync(path.join(os.tmpdir(), 'extauth-maildev-'));
  const maildev = new MailDev({
    smtp: options.smtpPort,
    ip: options.host,
    web: options.webPort,
    webIp: options.host,
    mailDirectory,
    silent: true,
  });
  try {
    await maildev.start();
  } catch (err) {
    fs.rmSync(mailDirectory, { recursive: true, force: true });
    throw err;
  }
  return {
    mailDirectory,
    stop: async () => {
      await maildev.stop();
      fs.rmSync(mailDirectory, { recursive: true, force: true });
    },
  };
}
