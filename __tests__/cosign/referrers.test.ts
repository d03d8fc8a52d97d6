import { MockAgent } from 'undici';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { run, type Settings } from '../../src/run.js';
import { sha256 } from '../helpers/registry.js';
import {
  createTestSigstore,
  generateP256,
  signBundleWithKey,
  type KeyPair,
  type TestSigstore,
} from '../helpers/sigstore-fixtures.js';
import { testSettings } from '../helpers/settings.js';

const ORIGIN = 'https://registry.test';
const REPOSITORY = 'team/app';
const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
const BUNDLE_TYPE = 'application/vnd.dev.sigstore.bundle.v0.3+json';

interface Reply {
  status: number;
  body?: string | Buffer;
  headers?: Record<string, string>;
}

/**
 * A registry made of MockAgent replies by path, for what distribution 2.8 cannot serve: the
 * referrers API. Unknown paths get 404, as a registry returns for a missing manifest.
 */
class FakeRegistry {
  readonly agent = new MockAgent();
  readonly routes = new Map<string, Reply>();
  readonly requested: string[] = [];

  constructor() {
    this.agent.disableNetConnect();
    this.agent
      .get(ORIGIN)
      .intercept({ path: () => true, method: 'GET' })
      .reply((request) => {
        this.requested.push(request.path);
        const reply = this.routes.get(request.path) ?? {
          status: 404,
          body: '{"errors":[{"code":"MANIFEST_UNKNOWN","message":"not found"}]}',
        };
        return {
          statusCode: reply.status,
          data: reply.body ?? '',
          responseOptions: { headers: reply.headers ?? {} },
        };
      })
      .persist();
    this.routes.set('/v2/', { status: 200, body: '{}' });
  }

  /** Serves bytes as a manifest under its digest and returns its descriptor. */
  manifest(
    bytes: Buffer,
    mediaType: string,
    tag?: string,
  ): { mediaType: string; digest: string; size: number } {
    const digest = sha256(bytes);
    const reply = {
      status: 200,
      body: bytes,
      headers: { 'content-type': mediaType, 'docker-content-digest': digest },
    };
    this.routes.set(`/v2/${REPOSITORY}/manifests/${digest}`, reply);
    if (tag) this.routes.set(`/v2/${REPOSITORY}/manifests/${tag}`, reply);
    return { mediaType, digest, size: bytes.length };
  }

  blob(bytes: Buffer, mediaType: string): { mediaType: string; digest: string; size: number } {
    const digest = sha256(bytes);
    this.routes.set(`/v2/${REPOSITORY}/blobs/${digest}`, { status: 200, body: bytes });
    return { mediaType, digest, size: bytes.length };
  }

  /** Stores a bundle as a referrer manifest of `subject` and returns the index entry. */
  bundleReferrer(subject: { digest: string; size: number }, bundle: Buffer) {
    const layer = this.blob(bundle, BUNDLE_TYPE);
    const config = this.blob(Buffer.from('{}'), 'application/vnd.oci.empty.v1+json');
    const manifest = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: OCI_MANIFEST,
        artifactType: BUNDLE_TYPE,
        config,
        layers: [layer],
        subject: { mediaType: OCI_MANIFEST, ...subject },
      }),
    );
    return { ...this.manifest(manifest, OCI_MANIFEST), artifactType: BUNDLE_TYPE };
  }

  referrersPage(digest: string, entries: object[], query = '', next?: string): void {
    const body = Buffer.from(
      JSON.stringify({ schemaVersion: 2, mediaType: OCI_INDEX, manifests: entries }),
    );
    const headers: Record<string, string> = { 'content-type': OCI_INDEX };
    if (next) headers.link = `<${next}>; rel="next"`;
    this.routes.set(`/v2/${REPOSITORY}/referrers/${digest}${query}`, {
      status: 200,
      body,
      headers,
    });
  }
}

describe('referrers discovery', () => {
  let sigstore: TestSigstore;
  let keys: KeyPair;
  let registry: FakeRegistry;
  let image: { digest: string; size: number };

  beforeAll(async () => {
    sigstore = await createTestSigstore();
    keys = generateP256();
  });

  beforeEach(() => {
    registry = new FakeRegistry();
    const config = registry.blob(
      Buffer.from('{"os":"linux"}'),
      'application/vnd.oci.image.config.v1+json',
    );
    const bytes = Buffer.from(
      JSON.stringify({ schemaVersion: 2, mediaType: OCI_MANIFEST, config, layers: [] }, null, 2),
    );
    image = registry.manifest(bytes, OCI_MANIFEST, 'v1');
  });

  afterEach(async () => {
    await registry.agent.close();
  });

  function settings(extra: Partial<Settings> = {}): Settings {
    const publicKey = keys.publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const images = [`registry.test/${REPOSITORY}:v1`];
    return testSettings(images, { publicKey, trustedRoot: sigstore.trustedRootPath, ...extra });
  }

  async function bundleFor(digest: string): Promise<Buffer> {
    return Buffer.from(
      JSON.stringify(await signBundleWithKey(sigstore, keys, { imageDigest: digest })),
    );
  }

  describe('when the registry has the referrers API', () => {
    it('verifies a bundle found through it', async () => {
      const entry = registry.bundleReferrer(image, await bundleFor(image.digest));
      registry.referrersPage(image.digest, [entry]);

      const [result] = await run(settings(), { dispatcher: registry.agent });
      expect(result?.status).toBe('verified');
      expect(result?.source).toBe('referrers');
      expect(result?.format).toBe('bundle');
      expect(result?.signatureTag).toBe('');
      expect(registry.requested).not.toContain(
        `/v2/${REPOSITORY}/manifests/${image.digest.replace(':', '-')}`,
      );
    });

    it('filters artifact types on the client', async () => {
      const sbom = {
        mediaType: OCI_MANIFEST,
        digest: sha256('sbom'),
        size: 10,
        artifactType: 'application/spdx+json',
      };
      registry.referrersPage(image.digest, [sbom]);

      const [result] = await run(settings(), { dispatcher: registry.agent });
      expect(result?.status).toBe('missing');
      expect(registry.requested).not.toContain(`/v2/${REPOSITORY}/manifests/${sbom.digest}`);
    });

    it('follows 200 entries over several pages', async () => {
      const others = Array.from({ length: 199 }, (_, index) => ({
        mediaType: OCI_MANIFEST,
        digest: sha256(`other ${index}`),
        size: 100,
        artifactType: 'application/vnd.example.sbom',
      }));
      const entries = [...others, registry.bundleReferrer(image, await bundleFor(image.digest))];
      const base = `/v2/${REPOSITORY}/referrers/${image.digest}`;
      for (let page = 0; page < 4; page++) {
        const query = page === 0 ? '' : `?page=${page}`;
        const next = page < 3 ? `${base}?page=${page + 1}` : undefined;
        registry.referrersPage(image.digest, entries.slice(page * 50, page * 50 + 50), query, next);
      }

      const [result] = await run(settings(), { dispatcher: registry.agent });
      expect(result?.status).toBe('verified');
      expect(registry.requested.filter((path) => path.startsWith(base))).toHaveLength(4);
    });

    it('rejects a next page on another origin', async () => {
      registry.referrersPage(image.digest, [], '', 'https://elsewhere.test/v2/x');

      const [result] = await run(settings(), { dispatcher: registry.agent });
      expect(result?.status).toBe('error');
      expect(result?.message).toContain('links to another origin');
    });
  });

  describe('when the registry has no referrers API', () => {
    it.each([404, 400, 405, 406])('falls back to the tag schema after %i', async (status) => {
      const entry = registry.bundleReferrer(image, await bundleFor(image.digest));
      registry.routes.set(`/v2/${REPOSITORY}/referrers/${image.digest}`, { status });
      const index = Buffer.from(
        JSON.stringify({ schemaVersion: 2, mediaType: OCI_INDEX, manifests: [entry] }),
      );
      const tag = image.digest.replace(':', '-');
      registry.manifest(index, OCI_INDEX, tag);

      const [result] = await run(settings(), { dispatcher: registry.agent });
      expect(result?.status).toBe('verified');
      expect(result?.source).toBe('tag');
      expect(result?.signatureTag).toBe(tag);
    });

    it('falls back when the API path serves an HTML page', async () => {
      registry.routes.set(`/v2/${REPOSITORY}/referrers/${image.digest}`, {
        status: 200,
        body: '<html><body>Sign in</body></html>',
        headers: { 'content-type': 'text/html' },
      });

      const [result] = await run(settings(), { dispatcher: registry.agent });
      expect(result?.status).toBe('missing');
      expect(registry.requested).toContain(
        `/v2/${REPOSITORY}/manifests/${image.digest.replace(':', '-')}`,
      );
    });

    it('reports error for a fallback index that is not JSON', async () => {
      const tag = image.digest.replace(':', '-');
      registry.routes.set(`/v2/${REPOSITORY}/manifests/${tag}`, {
        status: 200,
        body: 'not json at all',
        headers: { 'content-type': OCI_INDEX },
      });

      const [result] = await run(settings(), { dispatcher: registry.agent });
      expect(result?.status).toBe('error');
      expect(result?.message).toContain(
        `referrers tag ${REPOSITORY}:${tag} is not a valid image index`,
      );
      expect(result?.message).not.toContain('\n');
    });
  });
});
