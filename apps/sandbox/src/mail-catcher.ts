import net from 'node:net';
import { PortInUseError } from '@extauth/server-kit/https-server';

export interface RunningMailCatcher {
  webUrl: string;
  smtpPort: number;
  close(): Promise<void>;
}

function assertPortFree(host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', (err: NodeJS.ErrnoException) =>
      reject(err.code === 'EADDRINUSE' ? new PortInUseError(host, port) : err),
    );
    probe.listen(port, host, () => probe.close(() => resolve()));
  });
}

/**
 * MailDev (npm `maildev`) in this process: SMTP for the IdP's mail, web UI and REST API
 * (`/api/email`) for people and tests. Loaded on demand: it is the heaviest import of the stack.
 */
export async function startMailCatcher(options: {
  host: string;
  smtpPort: number;
  webPort: number;
}): Promise<RunningMailCatcher> {
  // MailDev logs and carries on when a port is taken; we want a clear error instead.
  await Promise.all([assertPortFree(options.host, options.smtpPort), assertPortFree(options.host, options.webPort)]);
  const { MailDev } = await import('maildev');
  const maildev = new MailDev({
    smtp: options.smtpPort,
    ip: options.host,
    web: options.webPort,
    webIp: options.host,
    silent: true,
  });
  await maildev.start();
  const webHost = options.host.includes(':') ? `[${options.host}]` : options.host;
  return {
    webUrl: `http://${webHost === '127.0.0.1' ? 'localhost' : webHost}:${options.webPort}`,
    smtpPort: options.smtpPort,
    close: () => maildev.stop(),
  };
}
