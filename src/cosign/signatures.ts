import { parseDigest } from '../digest.js';
import { RegistryError, VerificationError } from '../errors.js';
import type { RegistryClient, RepositoryRef } from '../registry/client.js';
import { ManifestFormatError, parseManifest, type Descriptor } from '../registry/manifest.js';
import type { SignatureLayer } from './policy.js';

/** Media type of a legacy cosign signature layer (the simple-signing payload). */
export const SIMPLE_SIGNING_MEDIA_TYPE = 'application/vnd.dev.cosign.simplesigning.v1+json';

/** Layer annotation that contains the base64 signature. */
export const SIGNATURE_ANNOTATION = 'dev.cosignproject.cosign/signature';

/** A `.sig` manifest with more layers is rejected; cosign applies the same limit. */
export const MAX_SIGNATURE_LAYERS = 1000;

/** Largest simple-signing payload read. Real payloads are a few hundred bytes. */
export const MAX_PAYLOAD_BYTES = 256 * 1024;

/** Tags are at most 128 characters (OCI distribution spec), so sha512 digests have no `.sig` tag. */
const MAX_TAG_LENGTH = 128;

/** One signature layer, read or failed. */
export type LayerRead = { layer: SignatureLayer } | { error: Error };

/** Contents of an image's `.sig` tag. */
export interface LegacySignatures {
  tag: string;
  /** False when the tag does not exist. */
  found: boolean;
  /** Simple-signing layers in manifest order; other layers are skipped. */
  layers: LayerRead[];
  /** Layers skipped because of another media type. */
  skipped: number;
}

/**
 * Returns cosign's signature tag for an image digest, `sha256-<hex>.sig`, or undefined when
 * the tag would exceed the tag length limit.
 */
export function signatureTag(imageDigest: string): string | undefined {
  const { algorithm, hex } = parseDigest(imageDigest);
  const tag = `${algorithm}-${hex}.sig`;
  return tag.length <= MAX_TAG_LENGTH ? tag : undefined;
}

/**
 * Reads the `.sig` manifest and each simple-signing layer's payload. Registry failures other
 * than a missing tag are thrown; a failure of one layer is returned in its place.
 */
export async function fetchLegacySignatures(
  client: RegistryClient,
  repo: RepositoryRef,
  tag: string,
): Promise<LegacySignatures> {
  let bytes: Buffer;
  let contentType: string | undefined;
  try {
    ({ bytes, contentType } = await client.getManifest(repo, tag));
  } catch (error) {
    if (error instanceof RegistryError && error.code === 'NOT_FOUND') {
      return { tag, found: false, layers: [], skipped: 0 };
    }
    throw error;
  }

  const manifest = parseSignatureManifest(bytes, contentType, `${repo.repository}:${tag}`);
  const signatureLayers = manifest.layers.filter(
    (layer) => layer.mediaType === SIMPLE_SIGNING_MEDIA_TYPE,
  );
  const layers: LayerRead[] = [];
  for (const descriptor of signatureLayers) {
    layers.push(await readLayer(client, repo, descriptor));
  }
  return { tag, found: true, layers, skipped: manifest.layers.length - signatureLayers.length };
}

function parseSignatureManifest(bytes: Buffer, contentType: string | undefined, where: string) {
  let manifest;
  try {
    manifest = parseManifest(bytes, contentType);
  } catch (error) {
    if (!(error instanceof ManifestFormatError)) throw error;
    throw new VerificationError(
      'MALFORMED',
      `signature manifest ${where} is invalid: ${error.message}`,
    );
  }
  if (manifest.layers.length > MAX_SIGNATURE_LAYERS) {
    throw new VerificationError(
      'MALFORMED',
      `signature manifest ${where} has ${manifest.layers.length} layers, over the limit of ${MAX_SIGNATURE_LAYERS}`,
    );
  }
  return manifest;
}

async function readLayer(
  client: RegistryClient,
  repo: RepositoryRef,
  descriptor: Descriptor,
): Promise<LayerRead> {
  const annotations = descriptor.annotations ?? {};
  const signature = annotations[SIGNATURE_ANNOTATION];
  if (signature === undefined) {
    const error = new VerificationError(
      'MALFORMED',
      `signature layer ${descriptor.digest} has no ${SIGNATURE_ANNOTATION} annotation`,
    );
    return { error };
  }

  try {
    const payload = await client.getBlob(repo, descriptor, MAX_PAYLOAD_BYTES);
    return { layer: { payload, signature, annotations } };
  } catch (error) {
    return { error: error as Error };
  }
}
