// An HTTP proxy on a free 127.0.0.1 port that forwards every request to one local registry and
// counts the requests by kind and the TCP connections the client opens. It can delay each request
// by a fixed time before forwarding it, to simulate the round trip to a remote registry.
import { createServer, request as httpRequest } from 'node:http';
import { clearTimeout, setTimeout } from 'node:timers';

const DIGEST = /^[a-z0-9]+:[a-f0-9]{32,}$/;
const DIGEST_TAG = /^[a-z0-9]+-[a-f0-9]{32,}$/;

/** Names the kind of a registry API request from its method and path. */
export function classify(method, path) {
  const pathname = path.split('?')[0];
  if (pathname === '/v2/' || pathname === '/v2') return `${method} /v2/ (ping)`;

  const manifest = pathname.match(/^\/v2\/.+\/manifests\/([^/]+)$/);
  if (manifest) {
    const reference = manifest[1];
    if (DIGEST.test(reference)) return `${method} manifest by digest`;
    if (reference.endsWith('.sig')) return `${method} manifest by .sig tag`;
    if (DIGEST_TAG.test(reference)) return `${method} manifest by referrers tag`;
    return `${method} manifest by tag`;
  }
  if (/^\/v2\/.+\/blobs\/[^/]+$/.test(pathname)) return `${method} blob`;
  if (/^\/v2\/.+\/referrers\/[^/]+$/.test(pathname)) return `${method} referrers API`;
  return `${method} other`;
}

/**
 * Starts the proxy in front of `targetHost` (host:port on 127.0.0.1). With `delayMs` above 0 it
 * waits that many milliseconds before forwarding each request, so every request costs one added
 * round trip. Connection set-up is not delayed. `snapshot()` returns the counts since the last
 * `reset()`: requests by kind and registry status, the TCP connections accepted and the requests
 * served on each.
 */
export async function startCountingProxy(targetHost, { delayMs = 0 } = {}) {
  const [targetName, targetPort] = targetHost.split(':');
  if (targetName !== '127.0.0.1') {
    throw new Error(`the counting proxy forwards only to 127.0.0.1, not to ${targetHost}`);
  }
  if (!Number.isInteger(delayMs) || delayMs < 0 || delayMs > 10_000) {
    throw new Error(`delayMs must be an integer from 0 to 10000 ms, got ${delayMs}`);
  }
  let counts = {};
  // Requests served on each TCP connection, in the order the connections were accepted.
  let perConnection = [];
  const connectionIndex = new WeakMap();
  // Requests waiting out the delay, so that stopping the proxy can cancel them.
  const waiting = new Set();

  const forward = (kind, incoming, outgoing) => {
    const forwarded = httpRequest(
      {
        host: targetName,
        port: Number(targetPort),
        method: incoming.method,
        path: incoming.url,
        headers: incoming.headers,
      },
      (response) => {
        const key = `${kind} -> ${response.statusCode}`;
        counts[key] = (counts[key] ?? 0) + 1;
        outgoing.writeHead(response.statusCode, response.headers);
        response.pipe(outgoing);
      },
    );
    forwarded.on('error', (error) => {
      const key = `${kind} -> proxy error`;
      counts[key] = (counts[key] ?? 0) + 1;
      console.error(
        `counting proxy: forwarding ${incoming.method} ${incoming.url} failed: ${error.message}`,
      );
      outgoing.writeHead(502);
      outgoing.end();
    });
    incoming.pipe(forwarded);
  };

  const server = createServer((incoming, outgoing) => {
    const kind = classify(incoming.method, incoming.url);
    const index = connectionIndex.get(incoming.socket);
    if (index !== undefined) perConnection[index]++;
    if (delayMs === 0) {
      forward(kind, incoming, outgoing);
      return;
    }
    const timer = setTimeout(() => {
      waiting.delete(timer);
      forward(kind, incoming, outgoing);
    }, delayMs);
    waiting.add(timer);
  });
  server.on('connection', (socket) => {
    connectionIndex.set(socket, perConnection.length);
    perConnection.push(0);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const host = `127.0.0.1:${server.address().port}`;

  const cancelWaiting = () => {
    for (const timer of waiting) clearTimeout(timer);
    waiting.clear();
  };
  const stopNow = () => {
    cancelWaiting();
    server.closeAllConnections();
    server.close();
  };
  return {
    host,
    delayMs,
    reset() {
      counts = {};
      perConnection = [];
    },
    snapshot() {
      const total = Object.values(counts).reduce((sum, count) => sum + count, 0);
      return {
        total,
        connections: perConnection.length,
        requestsPerConnection: [...perConnection],
        byKind: { ...counts },
      };
    },
    stop: async () => {
      cancelWaiting();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
    stopNow,
  };
}
