import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

/** Handles one request of a scripted scenario. */
export type FaultHandler = (req: IncomingMessage, res: ServerResponse) => void;

/**
 * A scripted HTTP server on a free 127.0.0.1 port that misbehaves on purpose: each path gets a
 * handler, other paths get a registry-style 404. `/v2/` returns 200 unless a handler replaces it.
 */
export interface FaultServer {
  /** host:port, for RepositoryRef.apiHost. */
  host: string;
  url: string;
  /** Paths requested so far, in order. */
  requests: string[];
  route(path: string, handler: FaultHandler): void;
  stop(): Promise<void>;
}

export async function startFaultServer(): Promise<FaultServer> {
  const routes = new Map<string, FaultHandler>();
  const requests: string[] = [];
  const sockets = new Set<Socket>();
  routes.set('/v2/', (_req, res) => res.end('{}'));

  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    requests.push(path);
    const handler = routes.get(path);
    if (handler) return handler(req, res);
    res.writeHead(404, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({
        errors: [{ code: 'NAME_UNKNOWN', message: 'repository name not known to registry' }],
      }),
    );
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const host = `127.0.0.1:${port}`;

  return {
    host,
    url: `http://${host}`,
    requests,
    route: (path, handler) => routes.set(path, handler),
    stop: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** Sends headers and the first bytes, then never sends more and never ends the response. */
export function stallAfter(firstBytes: string): FaultHandler {
  return (_req, res) => {
    res.writeHead(200, {
      'content-type': 'application/json',
      'content-length': String(firstBytes.length + 100),
    });
    res.write(firstBytes);
  };
}

/** Accepts the request and never sends the status line. */
export const stallBeforeHeaders: FaultHandler = () => {};

/** Sends part of a body, then destroys the socket with a TCP reset. */
export function resetAfter(firstBytes: string, declaredLength: number): FaultHandler {
  return (req, res) => {
    res.writeHead(200, {
      'content-type': 'application/json',
      'content-length': String(declaredLength),
    });
    res.write(firstBytes, () => setTimeout(() => req.socket.resetAndDestroy(), 20));
  };
}

/** Streams chunked data without end, honouring backpressure, until the client goes away. */
export function endlessBody(
  contentType = 'application/vnd.oci.image.manifest.v1+json',
): FaultHandler {
  const chunk = Buffer.alloc(64 * 1024, 0x20);
  return (_req, res) => {
    res.writeHead(200, { 'content-type': contentType });
    const pump = (): void => {
      while (!res.destroyed && res.write(chunk));
      if (!res.destroyed) res.once('drain', pump);
    };
    res.on('close', () => res.removeAllListeners('drain'));
    pump();
  };
}

/** Replies with fixed status, headers and body. */
export function fixed(
  status: number,
  body: string | Buffer,
  headers: Record<string, string> = {},
): FaultHandler {
  return (_req, res) => {
    res.writeHead(status, headers);
    res.end(body);
  };
}
