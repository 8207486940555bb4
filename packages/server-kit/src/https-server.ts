import type { RequestListener } from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';

export interface RunningServer {
  port: number;
  close(): Promise<void>;
}

export class PortInUseError extends Error {
  constructor(
    readonly host: string,
    readonly port: number,
  ) {
    super(`port ${port} on ${host} is already in use`);
    this.name = 'PortInUseError';
  }
}

/** Starts an HTTPS server; resolves once it listens, rejects with PortInUseError when the port is taken. */
export function startHttpsServer(options: {
  handler: RequestListener;
  host: string;
  port: number;
  tls: { certPem: string; keyPem: string };
}): Promise<RunningServer> {
  const server = https.createServer({ cert: options.tls.certPem, key: options.tls.keyPem }, options.handler);
  // Keep-alive longer than common client pools, so clients do not race a closing socket.
  server.keepAliveTimeout = 65_000;
  return new Promise((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException) => {
      reject(err.code === 'EADDRINUSE' ? new PortInUseError(options.host, options.port) : err);
    };
    server.once('error', onError);
    server.listen(options.port, options.host, () => {
      server.off('error', onError);
      resolve({
        port: (server.address() as AddressInfo).port,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            server.closeAllConnections();
          }),
      });
    });
  });
}
