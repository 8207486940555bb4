import { type RequestListener, type ServerResponse, STATUS_CODES } from 'node:http';
import https from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { PLUMBING_MESSAGES } from './error-handler.js';
import { CONTENT_SECURITY_POLICY, SECURITY_HEADERS } from './security-headers.js';

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
  /** How long a client may take to finish the TLS handshake; Node's 120 s by default (tests use less). */
  handshakeTimeoutMs?: number;
}): Promise<RunningServer> {
  const server = https.createServer(
    {
      cert: options.tls.certPem,
      key: options.tls.keyPem,
      ...(options.handshakeTimeoutMs === undefined ? {} : { handshakeTimeout: options.handshakeTimeoutMs }),
      // Node refuses an HTTP/1.1 request without Host with an empty 400; this answers with a sentence.
      requireHostHeader: false,
    },
    (req, res) => {
      if (req.httpVersion === '1.1' && req.headers.host === undefined) {
        answerPlainly(res, 400, 'The request has no Host header (HTTP/1.1 requires one).');
        return;
      }
      options.handler(req, res);
    },
  );
  // An Expect other than 100-continue: Node's answer is an empty 417.
  server.on('checkExpectation', (_req, res: ServerResponse) => answerPlainly(res, 417));
  // Keep-alive longer than common client pools, so clients do not race a closing socket.
  server.keepAliveTimeout = 65_000;
  server.on('clientError', answerUnreadableRequest);
  // closeAllConnections() knows only connections past the TLS handshake: one still in it (or silent
  // before it) would hold close(), and so Ctrl-C, until the handshake timeout.
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
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
            for (const socket of sockets) socket.destroy();
          }),
      });
    });
  });
}

/**
 * Node answers a request it cannot parse (e.g. a query string past its 16 KiB header limit) with
 * a bare status line; this answers with a sentence a person can read, and the headers every other
 * answer carries.
 *
 * Only a parser error (`HPE_…`) or a request that took too long has a request to answer. https also
 * brings its TLS failures here, among them a client that opened a connection and never finished the
 * handshake (ERR_TLS_HANDSHAKE_TIMEOUT): Node closes that socket only when nobody listens to
 * `clientError`, and an answer written to it waits for a handshake that never comes, so the
 * connection stayed open for good, even after the client left. Those, and resets, are dropped.
 */
function answerUnreadableRequest(err: NodeJS.ErrnoException, socket: Socket): void {
  const answerable = err.code?.startsWith('HPE_') || err.code === 'ERR_HTTP_REQUEST_TIMEOUT';
  if (!answerable || !socket.writable) {
    socket.destroy();
    return;
  }
  const status = err.code === 'HPE_HEADER_OVERFLOW' ? 431 : err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400;
  const { headers, body } = plumbingAnswer(status);
  const head = Object.entries(headers)
    .map(([name, value]) => `${name}: ${value}\r\n`)
    .join('');
  socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\n${head}\r\n${body}`);
}

/** The same kind of answer to a request Node refuses before our app sees it. */
function answerPlainly(res: ServerResponse, status: number, message?: string): void {
  const { headers, body } = plumbingAnswer(status, message);
  res.writeHead(status, headers);
  res.end(body);
}

function plumbingAnswer(status: number, message = PLUMBING_MESSAGES[status]?.message ?? '') {
  const body = `<!doctype html>\n<html lang="en"><title>${status} ${STATUS_CODES[status]}</title><p role="alert">${message}</p></html>\n`;
  const headers = {
    'Content-Type': 'text/html; charset=utf-8',
    'Content-Length': String(Buffer.byteLength(body)),
    'Content-Security-Policy': CONTENT_SECURITY_POLICY,
    ...SECURITY_HEADERS,
    'Cache-Control': 'no-store',
    Connection: 'close',
  };
  return { headers, body };
}
