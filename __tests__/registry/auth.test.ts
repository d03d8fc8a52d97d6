import { describe, expect, it } from 'vitest';
import { Authenticator } from '../../src/registry/auth.js';
import type { HttpRequest, HttpResponse, HttpSender } from '../../src/registry/transport.js';

const ORIGIN = 'https://registry.example';
const REALM = 'https://auth.example/token';

/** Replies like a registry with a Bearer token service, after a short delay, and counts requests. */
class SlowTokenRegistry implements HttpSender {
  readonly requests: string[] = [];

  async send(req: HttpRequest): Promise<HttpResponse> {
    this.requests.push(new URL(req.url).pathname);
    await new Promise((resolve) => setTimeout(resolve, 20));
    if (req.url === `${ORIGIN}/v2/`) {
      const challenge = `Bearer realm="${REALM}",service="registry.example"`;
      return {
        status: 401,
        headers: { 'www-authenticate': challenge },
        body: Buffer.alloc(0),
        url: req.url,
      };
    }
    const token = `token-${this.requests.length}`;
    return {
      status: 200,
      headers: {},
      body: Buffer.from(JSON.stringify({ token, expires_in: 300 })),
      url: req.url,
    };
  }
}

describe('Authenticator', () => {
  describe('when images ask for the same scope at once', () => {
    it('sends one ping and one token request', async () => {
      const registry = new SlowTokenRegistry();
      const auth = new Authenticator(
        registry,
        () => Promise.resolve(undefined),
        () => {},
        () => false,
      );
      const scope = 'repository:team/app:pull';

      const headers = await Promise.all(
        Array.from({ length: 4 }, () => auth.header(ORIGIN, 'registry.example', scope)),
      );

      expect(registry.requests.filter((path) => path === '/v2/')).toHaveLength(1);
      expect(registry.requests.filter((path) => path === '/token')).toHaveLength(1);
      expect(new Set(headers).size).toBe(1);
      expect(headers[0]).toMatch(/^Bearer token-/);
    });

    it('fetches one token per scope', async () => {
      const registry = new SlowTokenRegistry();
      const auth = new Authenticator(
        registry,
        () => Promise.resolve(undefined),
        () => {},
        () => false,
      );

      await Promise.all([
        auth.header(ORIGIN, 'registry.example', 'repository:a:pull'),
        auth.header(ORIGIN, 'registry.example', 'repository:b:pull'),
        auth.header(ORIGIN, 'registry.example', 'repository:a:pull'),
      ]);

      expect(registry.requests.filter((path) => path === '/v2/')).toHaveLength(1);
      expect(registry.requests.filter((path) => path === '/token')).toHaveLength(2);
    });
  });

  describe('when the shared ping fails', () => {
    it('lets a later request ping again', async () => {
      let pings = 0;
      const sender: HttpSender = {
        send: (req) => {
          pings++;
          if (pings === 1) return Promise.reject(new Error('connection reset'));
          return Promise.resolve({
            status: 200,
            headers: {},
            body: Buffer.from('{}'),
            url: req.url,
          });
        },
      };
      const auth = new Authenticator(
        sender,
        () => Promise.resolve(undefined),
        () => {},
        () => false,
      );

      await expect(auth.header(ORIGIN, 'registry.example', 'repository:a:pull')).rejects.toThrow(
        'connection reset',
      );
      await expect(
        auth.header(ORIGIN, 'registry.example', 'repository:a:pull'),
      ).resolves.toBeUndefined();
      expect(pings).toBe(2);
    });
  });
});
