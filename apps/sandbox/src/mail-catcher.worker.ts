import { parentPort, workerData } from 'node:worker_threads';
import { type MailDevOptions, startMailDev } from './maildev-server.js';

/**
 * MailDev inside a worker thread of the launcher's process (see mail-catcher.ts). From the
 * launcher: 'stop'. To the launcher: { ready } once SMTP and REST listen, { error } if the start
 * failed, { stopped } after 'stop'.
 */
export type MailCatcherWorkerMessage = { type: 'ready' } | { type: 'error'; message: string } | { type: 'stopped' };

const port = parentPort;
if (!port) throw new Error('mail-catcher.worker must run in a worker thread');
const send = (message: MailCatcherWorkerMessage) => port.postMessage(message);

// MailDev's REST server announces itself with console.info whatever `silent` says; the banner
// already lists its addresses, and an unstructured line among the JSON log lines breaks parsers.
// Its warnings and errors (console.warn/error) still come through.
console.info = () => {};
console.log = () => {};

try {
  const maildev = await startMailDev(workerData as MailDevOptions);
  port.on('message', (message: unknown) => {
    if (message !== 'stop') return;
    void maildev.stop().finally(() => {
      send({ type: 'stopped' });
      port.close();
    });
  });
  send({ type: 'ready' });
} catch (err) {
  send({ type: 'error', message: err instanceof Error ? err.message : String(err) });
}
