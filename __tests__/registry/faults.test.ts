import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RegistryError } from '../../src/errors.js';
import {
  MAX_MANIFEST_BYTES,
  RegistryClient,
  type RepositoryRef,
} from '../../src/registry/client.js';
import {
  ManifestFormatError,
  parseManifest,
  type Descriptor,
} from '../../src/registry/manifest.js';
import {
  endlessBody,
  fixed,
  resetAfter,
  stallAfter,
  stallBeforeHeaders,
  startFaultServer,
  type FaultHandler,
  type FaultServer,
} from '../helpers/fault-proxy.js';
import {
  captureLogger,
  expectCleanMessage,
  expectNoSecretsLogged,
  failureOf,
  instantRetry,
} from './support.js';

const PASSWORD = 'fault-test-password-91';
const BASIC_SECRET = Buffer.from(`alice:${PASSWORD}`).toString('base64');
const OCI = 'application/vnd.oci.image.manifest.v1+json';
const DOCKER = 'application/vnd.docker.distribution.manifest.v2+json';
const LAYER = {
  mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip',
  digest: `sha256:${'1'.repeat(64)}`,
  size: 10,
};
const BLOB_DIGEST = `sha256:${createHash('sha256').update('expected blob').digest('hex')}`;
const BLOB: Descriptor = { mediaType: 'application/octet-stream', digest: BLOB_DIGEST, size: 13 };

function manifestJson(extra: Record<string, unknown> = {}): string {
  return JSON.stringify({ schemaVersion: 2, mediaType: OCI, layers: [LAYER], ...extra });
}

interface Scenario {
  name: string;
  handler: FaultHandler;
  fetch: 'manifest' | 'blob';
  expected: { type: 'RegistryError' | 'ManifestFormatError'; code?: string } | 'accepted';
}

const SCENARIOS: Scenario[] = [
  {
    name: 'truncated JSON',
    handler: fixed(200, manifestJson().slice(0, 40), { 'content-type': OCI }),
    fetch: 'manifest',
    expected: { type: 'ManifestFormatError' },
  },
  {
    name: 'Content-Type naming another manifest type',
    handler: fixed(200, manifestJson(), { 'content-type': DOCKER }),
    fetch: 'manifest',
    expected: { type: 'ManifestFormatError' },
  },
  {
    name: 'schema version 1 manifest',
    handler: fixed(200, JSON.stringify({ schemaVersion: 1, name: 'team/app', fsLayers: [] }), {
      'content-type': OCI,
    }),
    fetch: 'manifest',
    expected: { type: 'ManifestFormatError' },
  },
  {
    name: 'layers that are not an array',
    handler: fixed(200, manifestJson({ layers: { 0: LAYER } }), { 'content-type': OCI }),
    fetch: 'manifest',
    expected: { type: 'ManifestFormatError' },
  },
  {
    name: 'duplicate JSON keys',
    handler: fixed(
      200,
      `{"schemaVersion":2,"mediaType":"${OCI}","layers":[],"layers":${JSON.stringify([LAYER])}}`,
      { 'content-type': OCI },
    ),
    fetch: 'manifest',
    expected: { type: 'ManifestFormatError' },
  },
  {
    name: 'invalid UTF-8',
    handler: fixed(
      200,
      Buffer.concat([
        Buffer.from(manifestJson().slice(0, -1)),
        Buffer.from(',"x":"\xff"}', 'latin1'),
      ]),
      { 'content-type': OCI },
    ),
    fetch: 'manifest',
    expected: { type: 'ManifestFormatError' },
  },
  {
    name: 'HTML login page with 200',
    handler: fixed(200, '<!doctype html><html><form>Sign in</form></html>', {
      'content-type': 'text/html; charset=utf-8',
    }),
    fetch: 'manifest',
    expected: { type: 'RegistryError', code: 'BAD_RESPONSE' },
  },
  {
    name: 'Docker-Content-Digest for other bytes',
    handler: fixed(200, manifestJson(), {
      'content-type': OCI,
      'docker-content-digest': `sha256:${'f'.repeat(64)}`,
    }),
    fetch: 'manifest',
    expected: { type: 'RegistryError', code: 'DIGEST_MISMATCH' },
  },
  {
    name: 'blob that does not hash to its descriptor',
    handler: fixed(200, 'altered blob!'),
    fetch: 'blob',
    expected: { type: 'RegistryError', code: 'DIGEST_MISMATCH' },
  },
  {
    name: 'blob longer than its descriptor',
    handler: fixed(200, 'expected blob plus more'),
    fetch: 'blob',
    expected: { type: 'RegistryError', code: 'DIGEST_MISMATCH' },
  },
  {
    name: 'stall before headers',
    handler: stallBeforeHeaders,
    fetch: 'manifest',
    expected: { type: 'RegistryError', code: 'TIMEOUT' },
  },
  {
    name: 'stall in the middle of the body',
    handler: stallAfter('{"schemaVersion":'),
    fetch: 'manifest',
    expected: { type: 'RegistryError', code: 'TIMEOUT' },
  },
  {
    name: 'connection reset in the middle of the body',
    handler: resetAfter('{"schemaVersion":2,', 500),
    fetch: 'manifest',
    expected: { type: 'RegistryError', code: 'NETWORK' },
  },
  {
    name: 'endless body',
    handler: endlessBody(),
    fetch: 'manifest',
    expected: { type: 'RegistryError', code: 'TOO_LARGE' },
  },
  {
    name: 'Content-Length over the manifest cap',
    handler: (_req, res) => {
      res.writeHead(200, { 'content-type': OCI, 'content-length': String(MAX_MANIFEST_BYTES + 1) });
      res.write('{');
    },
    fetch: 'manifest',
    expected: { type: 'RegistryError', code: 'TOO_LARGE' },
  },
  {
    name: 'redirect loop',
    handler: (req, res) => {
      res.writeHead(302, { location: req.url ?? '/' });
      res.end();
    },
    fetch: 'manifest',
    expected: { type: 'RegistryError', code: 'BAD_RESPONSE' },
  },
  {
    name: '500 with an HTML error page',
    handler: fixed(500, '<html><body>Internal\nServer Error</body></html>', {
      'content-type': 'text/html',
    }),
    fetch: 'manifest',
    expected: { type: 'RegistryError', code: 'SERVER_ERROR' },
  },
  {
    name: '429 TOOMANYREQUESTS',
    handler: fixed(
      429,
      JSON.stringify({
        errors: [{ code: 'TOOMANYREQUESTS', message: 'You have reached your pull rate limit.' }],
      }),
    ),
    fetch: 'manifest',
    expected: { type: 'RegistryError', code: 'TOO_MANY_REQUESTS' },
  },
  {
    name: '403 DENIED',
    handler: fixed(403, JSON.stringify({ errors: [{ code: 'DENIED', message: 'denied' }] })),
    fetch: 'manifest',
    expected: { type: 'RegistryError', code: 'DENIED' },
  },
  {
    name: 'error body of 1 MiB',
    handler: fixed(
      400,
      `{"errors":[{"code":"MANIFEST_INVALID","message":"${'x'.repeat(1024 * 1024)}"}]}`,
    ),
    fetch: 'manifest',
    expected: { type: 'RegistryError', code: 'BAD_RESPONSE' },
  },
  {
    name: 'error message with new lines',
    handler: fixed(
      404,
      JSON.stringify({
        errors: [
          {
            code: 'MANIFEST_UNKNOWN',
            message: 'line one\nline two\r\n\tline three',
          },
        ],
      }),
    ),
    fetch: 'manifest',
    expected: { type: 'RegistryError', code: 'NOT_FOUND' },
  },
  {
    name: '5,000-element layers array',
    handler: fixed(200, manifestJson({ layers: Array.from({ length: 5000 }, () => LAYER) }), {
      'content-type': OCI,
    }),
    fetch: 'manifest',
    expected: 'accepted',
  },
];

describe('RegistryClient with hostile replies', () => {
  let server: FaultServer;
  const logger = captureLogger();
  let client: RegistryClient;

  beforeAll(async () => {
    server = await startFaultServer();
    // A Basic challenge makes the client send the password on every request, so each scenario
    // also checks that the secret stays out of messages and logs.
    server.route('/v2/', fixed(401, '', { 'www-authenticate': 'Basic realm="faults"' }));
    client = new RegistryClient({
      credentials: () => Promise.resolve({ kind: 'basic', username: 'alice', password: PASSWORD }),
      logger,
      connectTimeoutMs: 300,
      readTimeoutMs: 300,
      retry: instantRetry([], { maxAttempts: 2 }),
    });
  });

  afterAll(async () => {
    await client.close();
    await server.stop();
  });

  it.each(SCENARIOS.map((scenario, index) => ({ ...scenario, index })))(
    'handles $name',
    async (scenario) => {
      const repo: RepositoryRef = {
        registry: server.host,
        apiHost: server.host,
        repository: `fault/s${scenario.index}`,
      };
      const path =
        scenario.fetch === 'blob'
          ? `/v2/${repo.repository}/blobs/${BLOB_DIGEST}`
          : `/v2/${repo.repository}/manifests/v1`;
      server.route(path, scenario.handler);
      const run = async (): Promise<unknown> => {
        if (scenario.fetch === 'blob') return client.getBlob(repo, BLOB, 1024);
        const fetched = await client.getManifest(repo, 'v1');
        return parseManifest(fetched.bytes, fetched.contentType);
      };

      if (scenario.expected === 'accepted') {
        const manifest = (await run()) as { layers: unknown[] };
        expect(manifest.layers).toHaveLength(5000);
        return;
      }

      const started = Date.now();
      const error = await failureOf(run);
      expect(error.name).toBe(scenario.expected.type);
      if (scenario.expected.type === 'RegistryError') {
        expect(error).toBeInstanceOf(RegistryError);
        expect((error as RegistryError).code).toBe(scenario.expected.code);
      } else {
        expect(error).toBeInstanceOf(ManifestFormatError);
      }
      expectCleanMessage(error.message, [PASSWORD, BASIC_SECRET]);
      expect(error.message.length).toBeLessThan(1000);
      expect(Date.now() - started).toBeLessThan(5000);
    },
  );

  it('logs no secret in any scenario', () => {
    expect(logger.lines.length).toBeGreaterThan(SCENARIOS.length);
    expectNoSecretsLogged(logger, [PASSWORD, BASIC_SECRET]);
  });

  it('records the number of scenarios', () => {
    console.info(`hostile reply scenarios: ${SCENARIOS.length}`);
    expect(SCENARIOS.length).toBeGreaterThanOrEqual(20);
  });
});
