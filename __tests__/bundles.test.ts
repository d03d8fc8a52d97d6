import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run, type Settings } from '../src/run.js';
import {
  keySignedLayer,
  pushBundleManifest,
  pushLegacySignature,
  pushReferrersIndex,
  simpleSigningPayload,
} from './helpers/cosign.js';
import { realFile, realFixturesSkipReason } from './helpers/fixtures.js';
import {
  pushImage,
  registrySkipReason,
  startRegistry,
  type TestRegistry,
} from './helpers/registry.js';
import {
  createTestSigstore,
  generateP256,
  signBundleWithKey,
  SLSA_PROVENANCE_PREDICATE,
  type KeyPair,
  type TestSigstore,
} from './helpers/sigstore-fixtures.js';
import { testSettings } from './helpers/settings.js';

const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';

describe.skipIf(registrySkipReason)('Sigstore bundles through the referrers tag schema', () => {
  let registry: TestRegistry;
  let sigstore: TestSigstore;
  let keys: KeyPair;

  beforeAll(async () => {
    registry = await startRegistry();
    sigstore = await createTestSigstore();
    keys = generateP256();
  });

  afterAll(async () => {
    await registry?.stop();
  });

  function settings(images: string[], extra: Partial<Settings> = {}): Settings {
    const publicKey = keys.publicKey.export({ type: 'spki', format: 'pem' }).toString();
    return testSettings(images, { publicKey, trustedRoot: sigstore.trustedRootPath, ...extra });
  }

  /** Pushes an image and attaches bundles made for its digest, listed in the fallback tag. */
  async function imageWithBundles(
    repository: string,
    makeBundles: (digest: string) => Promise<Buffer[]>,
    options: { layerSize?: (bundle: Buffer) => number } = {},
  ) {
    const image = await pushImage(registry, repository, 'v1', OCI_MANIFEST);
    const subject = { mediaType: OCI_MANIFEST, digest: image.digest, size: image.bytes.length };
    const descriptors = [];
    for (const bundle of await makeBundles(image.digest)) {
      const layerSize = options.layerSize?.(bundle);
      descriptors.push(
        await pushBundleManifest(registry, repository, subject, bundle, { layerSize }),
      );
    }
    const tag = await pushReferrersIndex(registry, repository, image.digest, descriptors);
    return { digest: image.digest, tag, reference: `${registry.host}/${repository}:v1` };
  }

  async function signedBundle(
    imageDigest: string,
    options: { subjectDigest?: string; predicateType?: string } = {},
  ) {
    return Buffer.from(
      JSON.stringify(await signBundleWithKey(sigstore, keys, { imageDigest, ...options })),
    );
  }

  it('verifies an image signed only with a bundle', async () => {
    const { reference, tag } = await imageWithBundles('bundle/only', async (digest) => [
      await signedBundle(digest),
    ]);

    const [result] = await run(settings([reference]));
    expect(result?.status).toBe('verified');
    expect(result?.source).toBe('tag');
    expect(result?.format).toBe('bundle');
    expect(result?.signatureTag).toBe(tag);
    expect(result?.signature).not.toBe('');
  });

  it('verifies a .sig-only image through the legacy tag', async () => {
    const image = await pushImage(registry, 'bundle/legacy-only', 'v1', OCI_MANIFEST);
    await pushLegacySignature(registry, 'bundle/legacy-only', image.digest, [
      keySignedLayer(simpleSigningPayload(image.digest, 'x'), keys.privateKey),
    ]);

    const [result] = await run(settings([`${registry.host}/bundle/legacy-only:v1`]));
    expect(result?.status).toBe('verified');
    expect(result?.format).toBe('simplesigning');
  });

  it('verifies an image with both formats', async () => {
    const image = await pushImage(registry, 'bundle/both', 'v1', OCI_MANIFEST);
    await pushLegacySignature(registry, 'bundle/both', image.digest, [
      keySignedLayer(simpleSigningPayload(image.digest, 'x'), keys.privateKey),
    ]);
    const subject = { mediaType: OCI_MANIFEST, digest: image.digest, size: image.bytes.length };
    const descriptor = await pushBundleManifest(
      registry,
      'bundle/both',
      subject,
      await signedBundle(image.digest),
    );
    await pushReferrersIndex(registry, 'bundle/both', image.digest, [descriptor]);

    const [legacy] = await run(
      settings([`${registry.host}/bundle/both:v1`], { signatureFormat: 'legacy' }),
    );
    const [bundle] = await run(
      settings([`${registry.host}/bundle/both:v1`], { signatureFormat: 'bundle' }),
    );
    expect(legacy?.status).toBe('verified');
    expect(legacy?.format).toBe('simplesigning');
    expect(bundle?.status).toBe('verified');
    expect(bundle?.format).toBe('bundle');
  });

  it('reports mismatch for a statement naming another digest', async () => {
    const other = `sha256:${'5'.repeat(64)}`;
    const { reference, digest } = await imageWithBundles('bundle/other-digest', async (digest) => [
      await signedBundle(digest, { subjectDigest: other }),
    ]);

    const [result] = await run(settings([reference]));
    expect(result?.status).toBe('mismatch');
    expect(result?.message).toContain(digest);
  });

  it('does not count an SLSA provenance attestation as a signature', async () => {
    const { reference } = await imageWithBundles('bundle/provenance', async (digest) => [
      await signedBundle(digest, { predicateType: SLSA_PROVENANCE_PREDICATE }),
    ]);

    const [result] = await run(settings([reference]));
    expect(result?.status).toBe('mismatch');
    expect(result?.message).toContain(SLSA_PROVENANCE_PREDICATE);
    expect(result?.message).toContain('not a signature');
  });

  it('reports error for a bundle layer whose size does not match its descriptor', async () => {
    const { reference } = await imageWithBundles(
      'bundle/bad-layer',
      async (digest) => [await signedBundle(digest)],
      { layerSize: (bundle) => bundle.length + 1 },
    );

    const [result] = await run(settings([reference]));
    expect(result?.status).toBe('error');
    expect(result?.message).toContain('but its descriptor says');
  });

  it('reports missing when neither the .sig tag nor referrers exist', async () => {
    const image = await pushImage(registry, 'bundle/none', 'v1', OCI_MANIFEST);

    const [result] = await run(settings([`${registry.host}/bundle/none:v1`]));
    expect(result?.status).toBe('missing');
    expect(result?.digest).toBe(image.digest);
  });

  it.skipIf(realFixturesSkipReason)(
    'reads the real v0.1 bundle and rejects it as an image signature',
    async () => {
      const { reference } = await imageWithBundles('bundle/real-v01', () =>
        Promise.resolve([realFile('sgo-bundle-v01-npm-provenance', 'bundle.sigstore.json')]),
      );

      const [result] = await run(settings([reference], { publicKey: undefined }));
      expect(result?.status).toBe('mismatch');
      expect(result?.format).toBe('bundle');
    },
  );

  it.skipIf(realFixturesSkipReason)(
    'reads the real v0.3 attestation bundle and rejects it as a signature',
    async () => {
      const { reference } = await imageWithBundles('bundle/real-v03', () =>
        Promise.resolve([realFile('cosign-bundle-v03-attestation', 'bundle.sigstore.json')]),
      );

      const [result] = await run(settings([reference], { publicKey: undefined }));
      expect(result?.status).toBe('mismatch');
    },
  );
});
