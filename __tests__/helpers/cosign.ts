import { sign, type KeyObject } from 'node:crypto';
import { pushBlob, pushManifest, sha256, type TestRegistry } from './registry.js';

export const SIMPLE_SIGNING = 'application/vnd.dev.cosign.simplesigning.v1+json';
export const BUNDLE_V03 = 'application/vnd.dev.sigstore.bundle.v0.3+json';
const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
const EMPTY_CONFIG = 'application/vnd.oci.empty.v1+json';

/** A signature layer to push: payload bytes and annotations, as cosign writes them. */
export interface LayerSpec {
  payload: Buffer;
  annotations: Record<string, string>;
  mediaType?: string;
}

/** Builds a simple-signing payload for a digest, in cosign's field order. */
export function simpleSigningPayload(digest: string, reference: string): Buffer {
  return Buffer.from(
    JSON.stringify({
      critical: {
        identity: { 'docker-reference': reference },
        image: { 'docker-manifest-digest': digest },
        type: 'cosign container image signature',
      },
      optional: null,
    }),
  );
}

/** Signs a payload like `cosign sign --key`: ECDSA/RSA over the payload's sha256, base64 DER. */
export function keySignedLayer(
  payload: Buffer,
  privateKey: KeyObject,
  algorithm = 'sha256',
): LayerSpec {
  const signature = sign(
    privateKey.asymmetricKeyType === 'ed25519' ? null : algorithm,
    payload,
    privateKey,
  );
  return {
    payload,
    annotations: { 'dev.cosignproject.cosign/signature': signature.toString('base64') },
  };
}

/** Pushes a `.sig` manifest holding the layers under `sha256-<hex>.sig`, the way cosign 2 does. */
export async function pushLegacySignature(
  registry: TestRegistry,
  repository: string,
  imageDigest: string,
  layers: LayerSpec[],
): Promise<string> {
  const descriptors = [];
  for (const layer of layers) {
    const blob = await pushBlob(
      registry,
      repository,
      layer.payload,
      layer.mediaType ?? SIMPLE_SIGNING,
    );
    descriptors.push({ ...blob, annotations: layer.annotations });
  }
  const config = await pushBlob(
    registry,
    repository,
    JSON.stringify({
      architecture: '',
      config: {},
      created: '0001-01-01T00:00:00Z',
      history: [{ created: '0001-01-01T00:00:00Z' }],
      os: '',
      rootfs: { type: 'layers', diff_ids: descriptors.map((d) => d.digest) },
    }),
    'application/vnd.oci.image.config.v1+json',
  );
  const manifest = JSON.stringify({
    schemaVersion: 2,
    mediaType: OCI_MANIFEST,
    config,
    layers: descriptors,
  });
  const tag = `${imageDigest.replace(':', '-')}.sig`;
  await pushManifest(registry, repository, tag, manifest, OCI_MANIFEST);
  return tag;
}

/** Pushes a bundle as a referrer manifest and returns the manifest's descriptor. */
export async function pushBundleManifest(
  registry: TestRegistry,
  repository: string,
  subject: { digest: string; size: number; mediaType: string },
  bundle: Buffer,
  options: { layerSize?: number; artifactType?: string } = {},
): Promise<{ mediaType: string; digest: string; size: number; artifactType: string }> {
  const artifactType = options.artifactType ?? BUNDLE_V03;
  const layer = await pushBlob(registry, repository, bundle, artifactType);
  const config = await pushBlob(registry, repository, '{}', EMPTY_CONFIG);
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      artifactType,
      config,
      layers: [{ ...layer, size: options.layerSize ?? layer.size }],
      subject,
    }),
  );
  const digest = await pushManifest(registry, repository, sha256(manifest), manifest, OCI_MANIFEST);
  return { mediaType: OCI_MANIFEST, digest, size: manifest.length, artifactType };
}

/** Writes the referrers tag schema index `sha256-<hex>` listing the referrer descriptors. */
export async function pushReferrersIndex(
  registry: TestRegistry,
  repository: string,
  subjectDigest: string,
  descriptors: object[],
): Promise<string> {
  const index = JSON.stringify({ schemaVersion: 2, mediaType: OCI_INDEX, manifests: descriptors });
  const tag = subjectDigest.replace(':', '-');
  await pushManifest(registry, repository, tag, index, OCI_INDEX);
  return tag;
}
