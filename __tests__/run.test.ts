import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../src/errors.js';
import { run, type Settings } from '../src/run.js';
import { keySignedLayer, pushLegacySignature, simpleSigningPayload } from './helpers/cosign.js';
import { startFaultServer } from './helpers/fault-proxy.js';
import { CERT_MANAGER, realFile, realFixturesSkipReason, realText } from './helpers/fixtures.js';
import {
  pushBlob,
  pushImage,
  pushManifest,
  registrySkipReason,
  sha256,
  startRegistry,
  type TestRegistry,
} from './helpers/registry.js';
import { testSettings } from './helpers/settings.js';

const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
const DOCKER_MANIFEST = 'application/vnd.docker.distribution.manifest.v2+json';
const DOCKER_MANIFEST_LIST = 'application/vnd.docker.distribution.manifest.list.v2+json';
const CERT_MANAGER_DIGEST =
  'sha256:e1642bf8e93357165c9f0b027397ce79fdbda8cd609ee048c69284da01401c6c';

function settings(images: string[], extra: Partial<Settings> = {}): Settings {
  return testSettings(images, { signatureFormat: 'legacy', ...extra });
}

function pem(key: KeyObject): string {
  return key.export({ type: 'spki', format: 'pem' }).toString();
}

/** Serves the real cert-manager signature at its `.sig` tag, as the fixture README describes. */
async function pushCertManager(registry: TestRegistry, repository: string): Promise<void> {
  await pushBlob(registry, repository, readFileSync(join(CERT_MANAGER, 'config.json')));
  await pushBlob(registry, repository, readFileSync(join(CERT_MANAGER, 'payload.json')));
  await pushManifest(
    registry,
    repository,
    `${CERT_MANAGER_DIGEST.replace(':', '-')}.sig`,
    readFileSync(join(CERT_MANAGER, 'signature-manifest.json')),
    OCI_MANIFEST,
  );
}

describe.skipIf(registrySkipReason)('run against a real registry', () => {
  let registry: TestRegistry;
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });

  beforeAll(async () => {
    registry = await startRegistry();
  });

  afterAll(async () => {
    await registry?.stop();
  });

  describe('when images are signed with a key', () => {
    it.each([
      ['an OCI manifest', OCI_MANIFEST],
      ['a Docker schema 2 manifest', DOCKER_MANIFEST],
    ])('verifies %s resolved from its tag', async (_name, mediaType) => {
      const repository = `signed/${mediaType === OCI_MANIFEST ? 'oci' : 'docker'}`;
      const image = await pushImage(registry, repository, 'v1', mediaType);
      const reference = `${registry.host}/${repository}:v1`;
      const tag = await pushLegacySignature(registry, repository, image.digest, [
        keySignedLayer(simpleSigningPayload(image.digest, reference), privateKey),
      ]);

      const [result] = await run(settings([reference], { publicKey: pem(publicKey) }));
      expect(result?.status).toBe('verified');
      expect(result?.digest).toBe(image.digest);
      expect(result?.signatureTag).toBe(tag);
      expect(result?.source).toBe('tag');
      expect(result?.format).toBe('simplesigning');
    });

    it.each([
      ['an OCI index', OCI_INDEX, OCI_MANIFEST, 'signed/index'],
      ['a Docker manifest list', DOCKER_MANIFEST_LIST, DOCKER_MANIFEST, 'signed/list'],
    ])(
      'verifies %s by the digest of its pretty-printed bytes',
      async (_name, indexType, childType, repository) => {
        const child = await pushImage(registry, repository, 'amd64', childType);
        const entry = {
          mediaType: childType,
          digest: child.digest,
          size: child.bytes.length,
          platform: { architecture: 'amd64', os: 'linux' },
        };
        const document = { schemaVersion: 2, mediaType: indexType, manifests: [entry] };
        const bytes = Buffer.from(JSON.stringify(document, null, 4));
        const digest = await pushManifest(registry, repository, 'v2', bytes, indexType);
        await pushLegacySignature(registry, repository, digest, [
          keySignedLayer(
            simpleSigningPayload(digest, `${registry.host}/${repository}:v2`),
            privateKey,
          ),
        ]);

        const [result] = await run(
          settings([`${registry.host}/${repository}:v2`], { publicKey: pem(publicKey) }),
        );
        expect(result?.digest).toBe(sha256(bytes));
        expect(result?.status).toBe('verified');
      },
    );

    it('reports mismatch for a signature by another key', async () => {
      const repository = 'signed/other-key';
      const image = await pushImage(registry, repository, 'v1', OCI_MANIFEST);
      const other = generateKeyPairSync('ec', { namedCurve: 'P-256' });
      await pushLegacySignature(registry, repository, image.digest, [
        keySignedLayer(simpleSigningPayload(image.digest, 'x'), other.privateKey),
      ]);

      const [result] = await run(
        settings([`${registry.host}/${repository}:v1`], { publicKey: pem(publicKey) }),
      );
      expect(result?.status).toBe('mismatch');
      expect(result?.message).toContain('does not verify with the public key and sha256');
    });

    it('reports mismatch for a signed payload naming another digest', async () => {
      const repository = 'signed/other-digest';
      const image = await pushImage(registry, repository, 'v1', OCI_MANIFEST);
      const otherDigest = `sha256:${'7'.repeat(64)}`;
      await pushLegacySignature(registry, repository, image.digest, [
        keySignedLayer(simpleSigningPayload(otherDigest, 'x'), privateKey),
      ]);

      const [result] = await run(
        settings([`${registry.host}/${repository}:v1`], { publicKey: pem(publicKey) }),
      );
      expect(result?.status).toBe('mismatch');
      expect(result?.message).toContain(
        `names ${otherDigest}, not the image digest ${image.digest}`,
      );
    });

    it('verifies when one of several layers is valid', async () => {
      const repository = 'signed/several';
      const image = await pushImage(registry, repository, 'v1', OCI_MANIFEST);
      const other = generateKeyPairSync('ec', { namedCurve: 'P-256' });
      await pushLegacySignature(registry, repository, image.digest, [
        keySignedLayer(simpleSigningPayload(image.digest, 'first'), other.privateKey),
        keySignedLayer(simpleSigningPayload(image.digest, 'second'), privateKey),
      ]);

      const [result] = await run(
        settings([`${registry.host}/${repository}:v1`], { publicKey: pem(publicKey) }),
      );
      expect(result?.status).toBe('verified');
    });
  });

  describe('when no key is given', () => {
    it('reports present for a signature naming the digest', async () => {
      const repository = 'unverified/app';
      const image = await pushImage(registry, repository, 'v1', OCI_MANIFEST);
      await pushLegacySignature(registry, repository, image.digest, [
        keySignedLayer(simpleSigningPayload(image.digest, 'x'), privateKey),
      ]);

      const [result] = await run(settings([`${registry.host}/${repository}:v1`]));
      expect(result?.status).toBe('present');
      expect(result?.message).toContain('nothing was verified');
    });
  });

  describe('when the signature is absent', () => {
    it('reports missing with the tag that was looked up', async () => {
      const repository = 'unsigned/app';
      const image = await pushImage(registry, repository, 'v1', OCI_MANIFEST);

      const [result] = await run(
        settings([`${registry.host}/${repository}:v1`], { publicKey: pem(publicKey) }),
      );
      expect(result?.status).toBe('missing');
      expect(result?.signatureTag).toBe(`${image.digest.replace(':', '-')}.sig`);
    });

    it('reports missing for a sha512 digest, saying there is no legacy tag', async () => {
      const digest = `sha512:${'c'.repeat(128)}`;
      const [result] = await run(
        settings([`${registry.host}/unsigned/app@${digest}`], { publicKey: pem(publicKey) }),
      );
      expect(result?.status).toBe('missing');
      expect(result?.signatureTag).toBe('');
      expect(result?.message).toContain('no legacy .sig tag');
    });

    it('reports error for an image tag that does not exist', async () => {
      const [result] = await run(
        settings([`${registry.host}/unsigned/app:nope`], { publicKey: pem(publicKey) }),
      );
      expect(result?.status).toBe('error');
      expect(result?.message).toContain('returned 404');
    });
  });

  describe('with a separate signature repository', () => {
    it('reads the .sig tag from that repository', async () => {
      const image = await pushImage(registry, 'split/app', 'v1', OCI_MANIFEST);
      await pushLegacySignature(registry, 'split/signatures', image.digest, [
        keySignedLayer(simpleSigningPayload(image.digest, 'x'), privateKey),
      ]);

      const [result] = await run(
        settings([`${registry.host}/split/app:v1`], {
          publicKey: pem(publicKey),
          signatureRepository: `${registry.host}/split/signatures`,
        }),
      );
      expect(result?.status).toBe('verified');
    });
  });

  describe('with the real cert-manager v1.8.0 signature', () => {
    const reference = () =>
      `${registry.host}/jetstack/cert-manager-controller@${CERT_MANAGER_DIGEST}`;
    const key = join(CERT_MANAGER, 'cert-manager-pubkey-2021-09-20.pem');

    beforeAll(async () => {
      await pushCertManager(registry, 'jetstack/cert-manager-controller');
    });

    it('verifies with its key and sha512', async () => {
      const [result] = await run(
        settings([reference()], { publicKey: key, signatureDigestAlgorithm: 'sha512' }),
      );
      expect(result?.status).toBe('verified');
      expect(result?.digest).toBe(CERT_MANAGER_DIGEST);
      expect(result?.signature).toBe(
        readFileSync(join(CERT_MANAGER, 'signature.b64'), 'utf8').trim(),
      );
    });

    it('fails with sha256, saying the signature does not verify', async () => {
      const [result] = await run(settings([reference()], { publicKey: key }));
      expect(result?.status).toBe('mismatch');
      expect(result?.message).toContain('sha256');
    });

    it('fails with another key', async () => {
      const [result] = await run(
        settings([reference()], { publicKey: pem(publicKey), signatureDigestAlgorithm: 'sha512' }),
      );
      expect(result?.status).toBe('mismatch');
    });

    it('is missing for any other digest', async () => {
      const other = `${registry.host}/jetstack/cert-manager-controller@sha256:${'e'.repeat(64)}`;
      const [result] = await run(
        settings([other], { publicKey: key, signatureDigestAlgorithm: 'sha512' }),
      );
      expect(result?.status).toBe('missing');
    });
  });

  describe('with several images', () => {
    it('returns one result per image in input order', async () => {
      const results = await run(
        settings(
          [`${registry.host}/unsigned/app:v1`, 'Invalid/Ref', `${registry.host}/signed/oci:v1`],
          {
            publicKey: pem(publicKey),
          },
        ),
      );
      expect(results.map((result) => result.status)).toEqual(['missing', 'error', 'verified']);
      expect(results[1]?.message).toContain('invalid image reference "Invalid/Ref"');
    });
  });
});

describe.skipIf(registrySkipReason ?? realFixturesSkipReason)(
  'run on the real key-signed fixtures',
  () => {
    let registry: TestRegistry;
    const key = () => realText('ci-key-p256', 'cosign.pub');
    const imageDigest = 'sha256:634a8f35b5f16dcf4aaa0822adc0b1964bb786fca12f6831de8ddc45e5986a00';

    beforeAll(async () => {
      registry = await startRegistry();
    });

    afterAll(async () => {
      await registry?.stop();
    });

    /** Serves a real signature at the `.sig` tag of a real manifest's digest, and returns that digest. */
    async function serve(
      repository: string,
      manifestFile: string,
      layers: { payload: Buffer; signatureFile: string; mediaType?: string }[],
    ): Promise<string> {
      // The image's own blobs are not part of the fixture, so the image is referenced by digest.
      const digest = sha256(realFile('ci-key-p256', manifestFile));
      await pushLegacySignature(
        registry,
        repository,
        digest,
        layers.map((layer) => ({
          payload: layer.payload,
          mediaType: layer.mediaType,
          annotations: {
            'dev.cosignproject.cosign/signature': realText('ci-key-p256', layer.signatureFile),
          },
        })),
      );
      return digest;
    }

    it('serves the real image manifest under its digest', () => {
      expect(sha256(realFile('ci-key-p256', 'image-manifest.json'))).toBe(imageDigest);
    });

    it('verifies both real signatures with cosign.pub', async () => {
      const digest = await serve('real/valid', 'image-manifest.json', [
        { payload: realFile('ci-key-p256', 'payload.json'), signatureFile: 'signature.b64' },
        { payload: realFile('ci-key-p256', 'payload.json'), signatureFile: 'signature-2.b64' },
      ]);
      const [result] = await run(
        settings([`${registry.host}/real/valid@${digest}`], { publicKey: key() }),
      );
      expect(result?.digest).toBe(digest);
      expect(result?.status).toBe('verified');
    });

    it('rejects a signature by an unknown key', async () => {
      const digest = await serve('real/unknown-key', 'image-manifest.json', [
        {
          payload: realFile('ci-key-p256', 'payload.json'),
          signatureFile: 'signature-unknown-key.b64',
        },
      ]);
      const [result] = await run(
        settings([`${registry.host}/real/unknown-key@${digest}`], { publicKey: key() }),
      );
      expect(result?.status).toBe('mismatch');
    });

    it('rejects the real signature with the wrong key', async () => {
      const digest = await serve('real/wrong-key', 'image-manifest.json', [
        { payload: realFile('ci-key-p256', 'payload.json'), signatureFile: 'signature.b64' },
      ]);
      const [result] = await run(
        settings([`${registry.host}/real/wrong-key@${digest}`], {
          publicKey: realText('ci-key-p256', 'wrong-key.pub'),
        }),
      );
      expect(result?.status).toBe('mismatch');
    });

    it('rejects the signature copied onto the modified manifest', async () => {
      const digest = await serve('real/modified', 'image-manifest-modified.json', [
        { payload: realFile('ci-key-p256', 'payload.json'), signatureFile: 'signature.b64' },
      ]);
      const [result] = await run(
        settings([`${registry.host}/real/modified@${digest}`], { publicKey: key() }),
      );
      expect(digest).not.toBe(imageDigest);
      expect(result?.status).toBe('mismatch');
      expect(result?.message).toContain(`names ${imageDigest}`);
    });

    it('ignores a text/plain layer carrying a copied signature annotation', async () => {
      const digest = await serve('real/other-attachment', 'image-manifest.json', [
        {
          payload: realFile('ci-key-p256', 'other-attachment-payload.txt'),
          signatureFile: 'signature.b64',
          mediaType: 'text/plain',
        },
      ]);
      const [result] = await run(
        settings([`${registry.host}/real/other-attachment@${digest}`], { publicKey: key() }),
      );
      expect(result?.status).toBe('missing');
    });
  },
);

describe('run settings', () => {
  it('rejects a key given together with an identity', async () => {
    const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    await expect(
      run(
        settings(['ghcr.io/org/app:v1'], {
          publicKey: pem(publicKey),
          identity: { identity: 'me@example.com' },
        }),
      ),
    ).rejects.toThrow(/public-key and certificate identity inputs were both given/);
  });

  it('rejects an unreadable key before any request', async () => {
    await expect(
      run(settings(['ghcr.io/org/app:v1'], { publicKey: '/nonexistent.pem' })),
    ).rejects.toThrow(ConfigError);
  });

  it('rejects an unknown digest algorithm', async () => {
    const bad = settings(['ghcr.io/org/app:v1'], { signatureDigestAlgorithm: 'md5' as never });
    await expect(run(bad)).rejects.toThrow('signature-digest-algorithm "md5" is not supported');
  });

  it.each([
    ['registry-password', { registryUsername: 'ci' }],
    ['registry-username', { registryPassword: 'pull-secret' }],
  ])('rejects credentials with an empty %s', async (missing, credentials) => {
    await expect(run(settings(['ghcr.io/org/app:v1'], credentials))).rejects.toThrow(
      `${missing} is empty while the other credential input is set`,
    );
  });

  it('rejects a signature repository with a tag', async () => {
    await expect(
      run(settings(['ghcr.io/org/app:v1'], { signatureRepository: 'ghcr.io/org/sigs:v1' })),
    ).rejects.toThrow(/must name a repository without a tag/);
  });
});

describe.skipIf(registrySkipReason)('run against a registry that requires a login', () => {
  let registry: TestRegistry;
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  let reference: string;

  beforeAll(async () => {
    registry = await startRegistry({ users: { ci: 'pull-secret' } });
    const image = await pushImage(registry, 'private/app', 'v1', OCI_MANIFEST);
    await pushLegacySignature(registry, 'private/app', image.digest, [
      keySignedLayer(simpleSigningPayload(image.digest, 'x'), privateKey),
    ]);
    reference = `${registry.host}/private/app:v1`;
  });

  afterAll(async () => {
    await registry?.stop();
  });

  it('verifies with registry-username and registry-password', async () => {
    const secrets: string[] = [];
    const [result] = await run(
      settings([reference], {
        publicKey: pem(publicKey),
        registryUsername: 'ci',
        registryPassword: 'pull-secret',
      }),
      { onSecret: (secret) => secrets.push(secret) },
    );
    expect(result?.status).toBe('verified');
    expect(secrets).toContain('pull-secret');
    expect(secrets).toContain(Buffer.from('ci:pull-secret').toString('base64'));
  });

  it('verifies with credentials from a docker config folder', async () => {
    const dockerConfigDir = mkdtempSync(join(tmpdir(), 'docker-config-'));
    const auth = Buffer.from('ci:pull-secret').toString('base64');
    writeFileSync(
      join(dockerConfigDir, 'config.json'),
      JSON.stringify({ auths: { [registry.host]: { auth } } }),
    );

    const [result] = await run(
      settings([reference], { publicKey: pem(publicKey), dockerConfigDir }),
    );
    expect(result?.status).toBe('verified');
  });

  it('sends the credentials to no other registry', async () => {
    const other = await startFaultServer();
    const seen: (string | undefined)[] = [];
    other.route('/v2/', (req, res) => {
      seen.push(req.headers.authorization);
      res.writeHead(401, { 'www-authenticate': 'Basic realm="other"' });
      res.end();
    });
    try {
      const images = [reference, `${other.host}/someone/else@sha256:${'f'.repeat(64)}`];
      const credentials = { registryUsername: 'ci', registryPassword: 'pull-secret' };
      const results = await run(
        settings(images, { publicKey: pem(publicKey), ...credentials, registry: registry.host }),
      );

      expect(results.map((result) => result.status)).toEqual(['verified', 'missing']);
      expect(seen.length).toBeGreaterThan(0);
      expect(seen.every((header) => header === undefined)).toBe(true);
    } finally {
      await other.stop();
    }
  });

  it('rejects credentials without a registry when images span several', async () => {
    const images = [reference, `127.0.0.1:1/other/app@sha256:${'f'.repeat(64)}`];
    const credentials = { registryUsername: 'ci', registryPassword: 'pull-secret' };

    await expect(
      run(settings(images, { publicKey: pem(publicKey), ...credentials })),
    ).rejects.toThrow('set registry to the one host the credentials are for');
  });

  it('reports error, not missing, without credentials', async () => {
    const [result] = await run(settings([reference], { publicKey: pem(publicKey) }));
    expect(result?.status).toBe('error');
    expect(result?.message).toContain('401');
  });

  it('reports error, not missing, with a wrong password', async () => {
    const [result] = await run(
      settings([reference], {
        publicKey: pem(publicKey),
        registryUsername: 'ci',
        registryPassword: 'wrong-pass-7731',
      }),
    );
    expect(result?.status).toBe('error');
    expect(result?.message).not.toContain('wrong-pass-7731');
  });
});
