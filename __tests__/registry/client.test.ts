import { createHash } from 'node:crypto';
import { MockAgent } from 'undici';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { RegistryError } from '../../src/errors.js';
import {
  isLoopback,
  RegistryClient,
  type RegistryClientOptions,
  type RepositoryRef,
} from '../../src/registry/client.js';
import type { Credentials } from '../../src/registry/credentials.js';
import { MAX_REDIRECTS } from '../../src/registry/redirect.js';
import {
  captureLogger,
  expectCleanMessage,
  expectNoSecretsLogged,
  failureOf,
  instantRetry,
  type CapturingLogger,
} from './support.js';

const REGISTRY = 'https://registry.example';
const AUTH = 'https://auth.example';
const CDN = 'https://cdn.example';
const REPO: RepositoryRef = {
  registry: 'registry.example',
  apiHost: 'registry.example',
  repository: 'team/app',
};
const PASSWORD = 'mock-password-7f3a';
const MANIFEST = Buffer.from(
  JSON.stringify(
    { schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json', layers: [] },
    null,
    2,
  ),
);
const MANIFEST_DIGEST = `sha256:${createHash('sha256').update(MANIFEST).digest('hex')}`;
const MANIFEST_SHA512 = `sha512:${createHash('sha512').update(MANIFEST).digest('hex')}`;
const BLOB = Buffer.from('blob bytes');
const BLOB_DESCRIPTOR = {
  mediaType: 'application/octet-stream',
  digest: `sha256:${createHash('sha256').update(BLOB).digest('hex')}`,
  size: BLOB.length,
};
const BLOB_PATH = `/v2/team/app/blobs/${BLOB_DESCRIPTOR.digest}`;
const BASIC = `Basic ${Buffer.from(`alice:${PASSWORD}`).toString('base64')}`;

let agent: MockAgent;
let logger: CapturingLogger;
let delays: number[];

beforeEach(() => {
  agent = new MockAgent();
  agent.disableNetConnect();
  logger = captureLogger();
  delays = [];
});

afterEach(async () => {
  vi.useRealTimers();
  await agent.close();
});

function makeClient(
  options: Partial<RegistryClientOptions> = {},
  credentials?: Credentials,
): RegistryClient {
  return new RegistryClient({
    dispatcher: agent,
    logger,
    credentials: () => Promise.resolve(credentials),
    retry: instantRetry(delays),
    ...options,
  });
}

function anonymousPing(): void {
  agent.get(REGISTRY).intercept({ path: '/v2/', method: 'GET' }).reply(200, '{}');
}

function basicPing(): void {
  agent
    .get(REGISTRY)
    .intercept({ path: '/v2/', method: 'GET' })
    .reply(401, '', { headers: { 'www-authenticate': 'Basic realm="registry"' } });
}

function bearerPing(realm = `${AUTH}/token`): void {
  agent
    .get(REGISTRY)
    .intercept({ path: '/v2/', method: 'GET' })
    .reply(401, '', {
      headers: { 'www-authenticate': `Bearer realm="${realm}",service="registry.example"` },
    });
}

function manifestReply(
  headers: Record<string, string> = {},
  path = '/v2/team/app/manifests/v1',
): void {
  agent
    .get(REGISTRY)
    .intercept({ path, method: 'GET' })
    .reply(200, MANIFEST, {
      headers: { 'content-type': 'application/vnd.oci.image.manifest.v1+json', ...headers },
    });
}

describe('isLoopback', () => {
  it.each([
    ['localhost', true],
    ['localhost:5000', true],
    ['LOCALHOST:5000', true],
    ['127.0.0.1', true],
    ['127.0.0.1:5000', true],
    ['127.255.3.4:443', true],
    ['[::1]:5000', true],
    ['::1', true],
    ['127.0.0.1.example', false],
    ['127.0.0.256', false],
    ['10.0.0.1:5000', false],
    ['registry.example', false],
    ['[::2]:5000', false],
  ])('returns %s -> %s', (host, expected) => {
    expect(isLoopback(host)).toBe(expected);
  });
});

describe('RegistryClient.url', () => {
  it.each([
    ['registry.example', 'https://registry.example/v2/'],
    ['registry.example:5000', 'https://registry.example:5000/v2/'],
    ['127.0.0.1:5000', 'http://127.0.0.1:5000/v2/'],
    ['localhost:5000', 'http://localhost:5000/v2/'],
    ['[::1]:5000', 'http://[::1]:5000/v2/'],
    ['insecure.example:5000', 'http://insecure.example:5000/v2/'],
    ['insecure-host.example:8080', 'http://insecure-host.example:8080/v2/'],
    ['other.example:5000', 'https://other.example:5000/v2/'],
  ])('returns for %s the URL %s', (apiHost, expected) => {
    const client = makeClient({
      insecureRegistries: ['insecure.example:5000', 'insecure-host.example'],
    });
    expect(client.url({ ...REPO, apiHost }, '/v2/')).toBe(expected);
  });
});

describe('RegistryClient.getManifest', () => {
  describe('when the registry serves pretty-printed bytes', () => {
    it('returns the digest of the exact bytes', async () => {
      anonymousPing();
      manifestReply({ 'docker-content-digest': MANIFEST_DIGEST });
      const manifest = await makeClient().getManifest(REPO, 'v1');

      expect(manifest.digest).toBe(MANIFEST_DIGEST);
      expect(manifest.bytes.equals(MANIFEST)).toBe(true);
      expect(manifest.contentType).toBe('application/vnd.oci.image.manifest.v1+json');
    });
  });

  describe('when the reference is a sha512 digest', () => {
    it('returns the sha512 digest', async () => {
      anonymousPing();
      manifestReply({}, `/v2/team/app/manifests/${MANIFEST_SHA512}`);
      const manifest = await makeClient().getManifest(REPO, MANIFEST_SHA512);

      expect(manifest.digest).toBe(MANIFEST_SHA512);
    });
  });

  describe('when Docker-Content-Digest differs from the bytes', () => {
    it('throws DIGEST_MISMATCH naming both digests', async () => {
      const claimed = `sha256:${'0'.repeat(64)}`;
      anonymousPing();
      manifestReply({ 'docker-content-digest': claimed });
      const error = await failureOf(() => makeClient().getManifest(REPO, 'v1'));

      expect((error as RegistryError).code).toBe('DIGEST_MISMATCH');
      expect(error.message).toContain(claimed);
      expect(error.message).toContain(MANIFEST_DIGEST);
      expectCleanMessage(error.message);
    });
  });

  describe('when the bytes do not match the requested digest', () => {
    it('throws DIGEST_MISMATCH naming both digests', async () => {
      const requested = `sha256:${'a'.repeat(64)}`;
      anonymousPing();
      manifestReply({}, `/v2/team/app/manifests/${requested}`);
      const error = await failureOf(() => makeClient().getManifest(REPO, requested));

      expect((error as RegistryError).code).toBe('DIGEST_MISMATCH');
      expect(error.message).toContain(requested);
      expect(error.message).toContain(MANIFEST_DIGEST);
    });
  });

  describe('when the reference has an unsupported digest algorithm', () => {
    it('throws UNSUPPORTED without sending a request', async () => {
      const error = await failureOf(() =>
        makeClient().getManifest(REPO, `sha384:${'a'.repeat(96)}`),
      );

      expect((error as RegistryError).code).toBe('UNSUPPORTED');
    });
  });

  describe('when the registry returns a JSON error', () => {
    it('throws TOO_MANY_REQUESTS with the registry code and next step', async () => {
      anonymousPing();
      agent
        .get(REGISTRY)
        .intercept({ path: '/v2/team/app/manifests/v1', method: 'GET' })
        .reply(
          429,
          JSON.stringify({
            errors: [{ code: 'TOOMANYREQUESTS', message: 'pull rate\nlimit reached' }],
          }),
        )
        .times(4);
      const error = await failureOf(() => makeClient().getManifest(REPO, 'v1'));

      expect((error as RegistryError).code).toBe('TOO_MANY_REQUESTS');
      expect(error.message).toContain('TOOMANYREQUESTS: pull rate limit reached');
      expect(error.message).toContain('log in to get a higher limit, or run again later');
      expect(error.message).toContain('after 4 attempts');
      expectCleanMessage(error.message);
    });

    it('throws DENIED with the registry code and next step', async () => {
      anonymousPing();
      agent
        .get(REGISTRY)
        .intercept({ path: '/v2/team/app/manifests/v1', method: 'GET' })
        .reply(
          403,
          JSON.stringify({
            errors: [{ code: 'DENIED', message: 'requested access to the resource is denied' }],
          }),
        );
      const error = await failureOf(() => makeClient().getManifest(REPO, 'v1'));

      expect((error as RegistryError).code).toBe('DENIED');
      expect((error as RegistryError).details.registryCode).toBe('DENIED');
      expect(error.message).toContain('DENIED: requested access to the resource is denied');
      expect(error.message).toContain('grant the account or token read access');
      expect(delays).toEqual([]);
    });

    it('throws NOT_FOUND without retrying', async () => {
      anonymousPing();
      agent
        .get(REGISTRY)
        .intercept({ path: '/v2/team/app/manifests/v1', method: 'GET' })
        .reply(
          404,
          JSON.stringify({ errors: [{ code: 'MANIFEST_UNKNOWN', message: 'manifest unknown' }] }),
        );
      const error = await failureOf(() => makeClient().getManifest(REPO, 'v1'));

      expect((error as RegistryError).code).toBe('NOT_FOUND');
      expect(error.message).not.toContain('attempt');
      expect(delays).toEqual([]);
    });
  });
});

describe('RegistryClient retries', () => {
  describe('when the registry fails twice with 503', () => {
    it('returns the manifest on the third attempt', async () => {
      anonymousPing();
      agent
        .get(REGISTRY)
        .intercept({ path: '/v2/team/app/manifests/v1', method: 'GET' })
        .reply(503, 'busy')
        .times(2);
      manifestReply();
      const manifest = await makeClient().getManifest(REPO, 'v1');

      expect(manifest.digest).toBe(MANIFEST_DIGEST);
      expect(delays).toEqual([250, 500]);
      expect(logger.lines.filter((line) => line.includes('retrying'))).toHaveLength(2);
      expect(logger.lines).toContain(
        'debug: retrying GET https://registry.example/v2/team/app/manifests/v1 in 250 ms (attempt 2 of 4): status 503',
      );
    });
  });

  describe.each([408, 429, 500, 502, 503, 504])('when every attempt returns %i', (status) => {
    it('throws after 4 attempts', async () => {
      anonymousPing();
      agent
        .get(REGISTRY)
        .intercept({ path: '/v2/team/app/manifests/v1', method: 'GET' })
        .reply(status, '')
        .times(4);
      const error = await failureOf(() => makeClient().getManifest(REPO, 'v1'));

      expect((error as RegistryError).status).toBe(status);
      expect((error as RegistryError).retryable).toBe(true);
      expect(error.message).toContain('(after 4 attempts)');
      expect(delays).toEqual([250, 500, 1000]);
    });
  });

  describe('when Retry-After is given in seconds', () => {
    it('waits that long', async () => {
      anonymousPing();
      agent
        .get(REGISTRY)
        .intercept({ path: '/v2/team/app/manifests/v1', method: 'GET' })
        .reply(429, '', { headers: { 'retry-after': '3' } });
      manifestReply();
      await makeClient().getManifest(REPO, 'v1');

      expect(delays).toEqual([3000]);
    });
  });

  describe('when Retry-After is an HTTP date', () => {
    it('waits until that date', async () => {
      vi.useFakeTimers({ toFake: ['Date'] });
      vi.setSystemTime(new Date('2030-01-01T00:00:00Z'));
      anonymousPing();
      agent
        .get(REGISTRY)
        .intercept({ path: '/v2/team/app/manifests/v1', method: 'GET' })
        .reply(503, '', { headers: { 'retry-after': 'Tue, 01 Jan 2030 00:00:07 GMT' } });
      manifestReply();
      await makeClient().getManifest(REPO, 'v1');

      expect(delays).toEqual([7000]);
    });
  });

  describe('when Retry-After is longer than the cap', () => {
    it('waits only the cap', async () => {
      anonymousPing();
      agent
        .get(REGISTRY)
        .intercept({ path: '/v2/team/app/manifests/v1', method: 'GET' })
        .reply(429, '', { headers: { 'retry-after': '3600' } });
      manifestReply();
      await makeClient({ retry: instantRetry(delays, { maxRetryAfterMs: 20_000 }) }).getManifest(
        REPO,
        'v1',
      );

      expect(delays).toEqual([20_000]);
    });
  });

  describe('when the wait would pass the deadline', () => {
    it('throws after 1 attempt', async () => {
      anonymousPing();
      agent
        .get(REGISTRY)
        .intercept({ path: '/v2/team/app/manifests/v1', method: 'GET' })
        .reply(503, '', { headers: { 'retry-after': '30' } });
      const error = await failureOf(() => makeClient({ timeoutMs: 5_000 }).getManifest(REPO, 'v1'));

      expect((error as RegistryError).code).toBe('SERVER_ERROR');
      expect(error.message).toContain('(after 1 attempt)');
      expect(delays).toEqual([]);
      expect(logger.lines.some((line) => line.includes('would pass the time limit'))).toBe(true);
    });
  });

  describe('when the connection is reset', () => {
    it('retries and returns the manifest', async () => {
      anonymousPing();
      const reset = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
      agent
        .get(REGISTRY)
        .intercept({ path: '/v2/team/app/manifests/v1', method: 'GET' })
        .replyWithError(reset);
      manifestReply();
      const manifest = await makeClient().getManifest(REPO, 'v1');

      expect(manifest.digest).toBe(MANIFEST_DIGEST);
      expect(logger.lines.some((line) => line.includes('socket hang up'))).toBe(true);
    });

    it('throws NETWORK after 4 attempts when it never recovers', async () => {
      anonymousPing();
      const reset = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
      agent
        .get(REGISTRY)
        .intercept({ path: '/v2/team/app/manifests/v1', method: 'GET' })
        .replyWithError(reset)
        .times(4);
      const error = await failureOf(() => makeClient().getManifest(REPO, 'v1'));

      expect((error as RegistryError).code).toBe('NETWORK');
      expect(error.message).toContain('(after 4 attempts)');
    });
  });

  describe('when a certificate is invalid', () => {
    it('throws NETWORK without retrying', async () => {
      anonymousPing();
      const tls = Object.assign(new Error('self-signed certificate'), {
        code: 'DEPTH_ZERO_SELF_SIGNED_CERT',
      });
      agent
        .get(REGISTRY)
        .intercept({ path: '/v2/team/app/manifests/v1', method: 'GET' })
        .replyWithError(tls);
      const error = await failureOf(() => makeClient().getManifest(REPO, 'v1'));

      expect((error as RegistryError).code).toBe('NETWORK');
      expect(delays).toEqual([]);
    });
  });
});

describe('RegistryClient redirects', () => {
  describe('when a blob redirects to another origin', () => {
    it('drops Authorization and returns the blob', async () => {
      basicPing();
      agent
        .get(REGISTRY)
        .intercept({ path: BLOB_PATH, method: 'GET', headers: { authorization: BASIC } })
        .reply(307, '', { headers: { location: `${CDN}/store/blob?X-Amz-Signature=s3cr3t` } });
      let cdnAuthorization: unknown = 'not requested';
      agent
        .get(CDN)
        .intercept({ path: '/store/blob?X-Amz-Signature=s3cr3t', method: 'GET' })
        .reply((request) => {
          cdnAuthorization = (request.headers as Record<string, string>).authorization;
          return { statusCode: 200, data: BLOB };
        });
      const client = makeClient({}, { kind: 'basic', username: 'alice', password: PASSWORD });
      const bytes = await client.getBlob(REPO, BLOB_DESCRIPTOR, 1024);

      expect(bytes.equals(BLOB)).toBe(true);
      expect(cdnAuthorization).toBeUndefined();
      expect(logger.lines.join('\n')).not.toContain('s3cr3t');
      expectNoSecretsLogged(logger, [PASSWORD, BASIC.slice(6)]);
    });
  });

  describe('when a blob redirects within the registry', () => {
    it('keeps Authorization', async () => {
      basicPing();
      agent
        .get(REGISTRY)
        .intercept({ path: BLOB_PATH, method: 'GET', headers: { authorization: BASIC } })
        .reply(302, '', { headers: { location: '/storage/blob' } });
      agent
        .get(REGISTRY)
        .intercept({ path: '/storage/blob', method: 'GET', headers: { authorization: BASIC } })
        .reply(200, BLOB);
      const client = makeClient({}, { kind: 'basic', username: 'alice', password: PASSWORD });

      expect((await client.getBlob(REPO, BLOB_DESCRIPTOR, 1024)).equals(BLOB)).toBe(true);
    });
  });

  describe('when a redirect goes from HTTPS to HTTP', () => {
    it('throws BAD_RESPONSE naming the downgrade', async () => {
      anonymousPing();
      agent
        .get(REGISTRY)
        .intercept({ path: BLOB_PATH, method: 'GET' })
        .reply(302, '', { headers: { location: 'http://cdn.example/store/blob?token=abc' } });
      const error = await failureOf(() => makeClient().getBlob(REPO, BLOB_DESCRIPTOR, 1024));

      expect((error as RegistryError).code).toBe('BAD_RESPONSE');
      expect(error.message).toContain('plain HTTP http://cdn.example/store/blob');
      expect(error.message).not.toContain('token=abc');
    });
  });

  describe('when redirects form a loop', () => {
    it('throws BAD_RESPONSE naming the loop', async () => {
      anonymousPing();
      agent
        .get(REGISTRY)
        .intercept({ path: BLOB_PATH, method: 'GET' })
        .reply(302, '', { headers: { location: `${CDN}/a` } });
      agent
        .get(CDN)
        .intercept({ path: '/a', method: 'GET' })
        .reply(302, '', { headers: { location: `${CDN}/b` } });
      agent
        .get(CDN)
        .intercept({ path: '/b', method: 'GET' })
        .reply(302, '', { headers: { location: `${CDN}/a` } });
      const error = await failureOf(() => makeClient().getBlob(REPO, BLOB_DESCRIPTOR, 1024));

      expect((error as RegistryError).code).toBe('BAD_RESPONSE');
      expect(error.message).toContain('redirect loop');
    });
  });

  describe('when redirects exceed the limit', () => {
    it(`throws BAD_RESPONSE after ${MAX_REDIRECTS} hops`, async () => {
      anonymousPing();
      agent
        .get(REGISTRY)
        .intercept({ path: BLOB_PATH, method: 'GET' })
        .reply(302, '', { headers: { location: `${CDN}/0` } });
      for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
        agent
          .get(CDN)
          .intercept({ path: `/${hop}`, method: 'GET' })
          .reply(302, '', { headers: { location: `${CDN}/${hop + 1}` } });
      }
      const error = await failureOf(() => makeClient().getBlob(REPO, BLOB_DESCRIPTOR, 1024));

      expect((error as RegistryError).code).toBe('BAD_RESPONSE');
      expect(error.message).toContain(`more than ${MAX_REDIRECTS} times`);
    });
  });

  describe('when a redirect has no Location', () => {
    it('throws BAD_RESPONSE', async () => {
      anonymousPing();
      agent.get(REGISTRY).intercept({ path: BLOB_PATH, method: 'GET' }).reply(302, '');
      const error = await failureOf(() => makeClient().getBlob(REPO, BLOB_DESCRIPTOR, 1024));

      expect(error.message).toContain('without a Location header');
    });
  });
});

describe('RegistryClient bearer tokens', () => {
  const tokenPath = (path: string): boolean => path.startsWith('/token?');

  describe('when the realm is on another HTTPS host', () => {
    it('sends the Basic credentials there and the token to the registry', async () => {
      bearerPing();
      let tokenAuthorization: unknown;
      agent
        .get(AUTH)
        .intercept({ path: tokenPath, method: 'GET' })
        .reply((request) => {
          tokenAuthorization = (request.headers as Record<string, string>).authorization;
          return {
            statusCode: 200,
            data: JSON.stringify({ token: 'tok-one-abc', expires_in: 300 }),
          };
        });
      manifestReply();
      agent
        .get(REGISTRY)
        .intercept({ path: '/v2/team/app/manifests/v1', method: 'GET' })
        .reply(500, 'unused');
      const secrets: string[] = [];
      const client = makeClient(
        { onSecret: (secret) => secrets.push(secret) },
        { kind: 'basic', username: 'alice', password: PASSWORD },
      );
      await client.getManifest(REPO, 'v1');

      expect(tokenAuthorization).toBe(BASIC);
      expect(secrets).toContain('tok-one-abc');
      expect(secrets).toContain(BASIC.slice(6));
      expectNoSecretsLogged(logger, [...secrets, PASSWORD]);
    });
  });

  describe('when the realm is plain HTTP on another host', () => {
    it('throws BAD_RESPONSE without sending credentials', async () => {
      bearerPing('http://auth.example/token');
      const client = makeClient({}, { kind: 'basic', username: 'alice', password: PASSWORD });
      const error = await failureOf(() => client.getManifest(REPO, 'v1'));

      expect((error as RegistryError).code).toBe('BAD_RESPONSE');
      expect(error.message).toContain('token realm http://auth.example/token is not HTTPS');
    });
  });

  describe('when the token endpoint fails with 500', () => {
    it('throws SERVER_ERROR after 4 attempts', async () => {
      bearerPing();
      agent
        .get(AUTH)
        .intercept({ path: tokenPath, method: 'GET' })
        .reply(500, '<html>oops</html>')
        .times(4);
      const error = await failureOf(() => makeClient().getManifest(REPO, 'v1'));

      expect((error as RegistryError).code).toBe('SERVER_ERROR');
      expect(error.message).toContain('token endpoint');
      expect(error.message).toContain('(after 4 attempts)');
    });
  });

  describe('when the token endpoint rejects the password', () => {
    it('throws UNAUTHORIZED', async () => {
      bearerPing();
      agent
        .get(AUTH)
        .intercept({ path: tokenPath, method: 'GET' })
        .reply(401, '{"details":"incorrect username or password"}');
      const client = makeClient({}, { kind: 'basic', username: 'alice', password: PASSWORD });
      const error = await failureOf(() => client.getManifest(REPO, 'v1'));

      expect((error as RegistryError).code).toBe('UNAUTHORIZED');
      expectCleanMessage(error.message, [PASSWORD]);
    });
  });

  describe('when the token endpoint returns no token', () => {
    it.each([
      ['an HTML page', '<html>login</html>'],
      ['JSON null', 'null'],
      ['an empty token', '{"token":""}'],
      ['a number token', '{"token":42}'],
    ])('throws BAD_RESPONSE for %s', async (_name, body) => {
      bearerPing();
      agent.get(AUTH).intercept({ path: tokenPath, method: 'GET' }).reply(200, body);
      const error = await failureOf(() => makeClient().getManifest(REPO, 'v1'));

      expect((error as RegistryError).code).toBe('BAD_RESPONSE');
      expectCleanMessage(error.message);
    });
  });

  describe('when the registry answers 401 in the middle of a run', () => {
    it('fetches a new token once and returns the manifest', async () => {
      bearerPing();
      agent
        .get(AUTH)
        .intercept({ path: tokenPath, method: 'GET' })
        .reply(200, JSON.stringify({ token: 'tok-first', expires_in: 300 }));
      agent
        .get(AUTH)
        .intercept({ path: tokenPath, method: 'GET' })
        .reply(200, JSON.stringify({ access_token: 'tok-second', expires_in: 300 }));
      const manifests = agent.get(REGISTRY);
      manifests
        .intercept({
          path: '/v2/team/app/manifests/v1',
          method: 'GET',
          headers: { authorization: 'Bearer tok-first' },
        })
        .reply(200, MANIFEST, {
          headers: { 'content-type': 'application/vnd.oci.image.manifest.v1+json' },
        });
      manifests
        .intercept({
          path: '/v2/team/app/manifests/v1',
          method: 'GET',
          headers: { authorization: 'Bearer tok-first' },
        })
        .reply(401, '', {
          headers: {
            'www-authenticate': `Bearer realm="${AUTH}/token",service="registry.example",error="invalid_token"`,
          },
        });
      manifests
        .intercept({
          path: '/v2/team/app/manifests/v1',
          method: 'GET',
          headers: { authorization: 'Bearer tok-second' },
        })
        .reply(200, MANIFEST, {
          headers: { 'content-type': 'application/vnd.oci.image.manifest.v1+json' },
        });
      const client = makeClient();
      await client.getManifest(REPO, 'v1');
      const second = await client.getManifest(REPO, 'v1');

      expect(second.digest).toBe(MANIFEST_DIGEST);
      agent.assertNoPendingInterceptors();
    });

    it('throws UNAUTHORIZED when the new token is rejected too', async () => {
      bearerPing();
      agent
        .get(AUTH)
        .intercept({ path: tokenPath, method: 'GET' })
        .reply(200, JSON.stringify({ token: 'tok-any' }))
        .times(2);
      agent
        .get(REGISTRY)
        .intercept({ path: '/v2/team/app/manifests/v1', method: 'GET' })
        .reply(401, '', {
          headers: {
            'www-authenticate': `Bearer realm="${AUTH}/token",service="registry.example"`,
          },
        })
        .times(2);
      const error = await failureOf(() => makeClient().getManifest(REPO, 'v1'));

      expect((error as RegistryError).code).toBe('UNAUTHORIZED');
      agent.assertNoPendingInterceptors();
    });
  });

  describe('when the token expires', () => {
    it('fetches a new token after expires_in', async () => {
      vi.useFakeTimers({ toFake: ['Date'] });
      vi.setSystemTime(new Date('2030-01-01T00:00:00Z'));
      bearerPing();
      agent
        .get(AUTH)
        .intercept({ path: tokenPath, method: 'GET' })
        .reply(200, JSON.stringify({ token: 'tok-short', expires_in: 30 }));
      agent
        .get(AUTH)
        .intercept({ path: tokenPath, method: 'GET' })
        .reply(200, JSON.stringify({ token: 'tok-next', expires_in: 30 }));
      const manifests = agent.get(REGISTRY);
      for (const token of ['tok-short', 'tok-short', 'tok-next']) {
        manifests
          .intercept({
            path: '/v2/team/app/manifests/v1',
            method: 'GET',
            headers: { authorization: `Bearer ${token}` },
          })
          .reply(200, MANIFEST);
      }
      const client = makeClient();
      await client.getManifest(REPO, 'v1');
      vi.setSystemTime(new Date('2030-01-01T00:00:15Z'));
      await client.getManifest(REPO, 'v1');
      vi.setSystemTime(new Date('2030-01-01T00:00:25Z'));
      await client.getManifest(REPO, 'v1');

      agent.assertNoPendingInterceptors();
    });
  });
});
