export interface MailDevOptions {
  host: string;
  smtpPort: number;
  webPort: number;
}

/** Starts MailDev (SMTP, web UI and REST API); resolves once both listen. */
export async function startMailDev(options: MailDevOptions): Promise<{ stop(): Promise<void> }> {
  const { MailDev } = await import('maildev');
  const maildev = new MailDev({
    smtp: options.smtpPort,
    ip: options.host,
    web: options.webPort,
    webIp: options.host,
    silent: true,
  });
  await maildev.start();
  return { stop: () => maildev.stop() };
}
