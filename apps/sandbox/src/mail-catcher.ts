import net from 'node:net';
import { Worker } from 'node:worker_threads';
import { PortInUseError } from '@extauth/server-kit/https-server';
import type { MailCatcherWorkerMessage } from './mail-catcher.worker.js';
import { type MailDevOptions, startMailDev } from './maildev-server.js';

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

function nextMessage(worker: Worker): Promise<MailCatcherWorkerMessage> {
  return new Promise((resolve, reject) => {
    const onMessage = (message: MailCatcherWorkerMessage) => {
      cleanup();
      resolve(message);
    };
    const onError = (err: Error) => {
      cleanup();
      reject(err);
    };
    const onExit = (code: number) => {
      cleanup();
      reject(new Error(`the mail catcher stopped unexpectedly (exit code ${code})`));
    };
    const cleanup = () => {
      worker.off('message', onMessage);
      worker.off('error', onError);
      worker.off('exit', onExit);
    };
    worker.on('message', onMessage);
    worker.on('error', onError);
    worker.on('exit', onExit);
  });
}

async function startInWorker(options: MailDevOptions): Promise<() => Promise<void>> {
  const worker = new Worker(new URL('./mail-catcher.worker.js', import.meta.url), {
    workerData: options,
    // A second V8 heap costs memory: with the default young generation the worker adds about 28 MB
    // of RSS, with 4 MB (plenty for a few test emails) none measurable (README, Performance).
    resourceLimits: { maxYoungGenerationSizeMb: 4 },
  });
  const started = await nextMessage(worker).catch(async (err: unknown) => {
    await worker.terminate();
    throw err;
  });
  if (started.type !== 'ready') {
    await worker.terminate();
    throw new Error(`MailDev did not start: ${started.type === 'error' ? started.message : started.type}`);
  }
  return async () => {
    const stopped = nextMessage(worker).catch(() => undefined);
    worker.postMessage('stop');
    await stopped;
    await worker.terminate();
  };
}

/** Under tsx (`pnpm dev`) only: on Node 20 its loader does not reach worker threads. */
async function startInThisThread(options: MailDevOptions): Promise<() => Promise<void>> {
  const maildev = await startMailDev(options);
  return () => maildev.stop();
}

/**
 * MailDev (npm `maildev`) in this process: SMTP for the IdP's mail, web UI and REST API
 * (`/api/email`) for people and tests. It runs in a worker thread of this process because its
 * import alone takes about a second (jsdom, mailparser, fastify, socket.io): on a second core that
 * overlaps the IdP's and panel's start instead of adding to it (README, Performance).
 */
export async function startMailCatcher(options: MailDevOptions): Promise<RunningMailCatcher> {
  // MailDev logs and carries on when a port is taken; we want a clear error instead.
  await Promise.all([assertPortFree(options.host, options.smtpPort), assertPortFree(options.host, options.webPort)]);
  const stop = import.meta.url.endsWith('.ts') ? await startInThisThread(options) : await startInWorker(options);
  const webHost = options.host.includes(':') ? `[${options.host}]` : options.host;
  let closing: Promise<void> | undefined;
  return {
    webUrl: `http://${webHost === '127.0.0.1' ? 'localhost' : webHost}:${options.webPort}`,
    smtpPort: options.smtpPort,
    close: () => {
      closing ??= stop();
      return closing;
    },
  };
}
