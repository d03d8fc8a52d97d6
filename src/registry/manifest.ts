import { isDigest } from '../digest.js';
import { decodeUtf8Strict, JsonFormatError, parseStrictJson } from './json.js';

/** Manifest media types this tool reads (OCI image spec 1.1, Docker image manifest v2.2). */
export const MediaType = {
  OCI_MANIFEST: 'application/vnd.oci.image.manifest.v1+json',
  OCI_INDEX: 'application/vnd.oci.image.index.v1+json',
  DOCKER_MANIFEST: 'application/vnd.docker.distribution.manifest.v2+json',
  DOCKER_MANIFEST_LIST: 'application/vnd.docker.distribution.manifest.list.v2+json',
} as const;

/** The `Accept` header for manifest requests: every type above. */
export const MANIFEST_ACCEPT = Object.values(MediaType).join(', ');

/** Content descriptor (OCI image spec, descriptor.md). */
export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  annotations?: Record<string, string>;
  artifactType?: string;
}

/** An image manifest or an index, as far as this tool needs it. */
export interface Manifest {
  schemaVersion: 2;
  mediaType: string;
  artifactType?: string;
  config?: Descriptor;
  layers: Descriptor[];
  manifests: Descriptor[];
  subject?: Descriptor;
  annotations?: Record<string, string>;
}

/** Thrown by `parseManifest` with a reason that fits after "manifest … is invalid: ". */
export class ManifestFormatError extends Error {
  override name = 'ManifestFormatError';
}

const INDEX_TYPES = new Set<string>([MediaType.OCI_INDEX, MediaType.DOCKER_MANIFEST_LIST]);

/** Returns true for an OCI index or a Docker manifest list. */
export function isIndex(mediaType: string): boolean {
  return INDEX_TYPES.has(mediaType);
}

/**
 * Parses manifest bytes. The media type comes from the body's `mediaType` field, else from the
 * response's Content-Type. Throws ManifestFormatError when the document is not a manifest, is not
 * strict JSON (invalid UTF-8, duplicate keys), or declares a manifest type that differs from the
 * manifest type in the Content-Type.
 */
export function parseManifest(bytes: Buffer, contentType?: string): Manifest {
  const document = readDocument(bytes);
  if (document.schemaVersion !== 2) {
    const found = document.schemaVersion === undefined ? 'missing' : quote(document.schemaVersion);
    throw new ManifestFormatError(`schemaVersion is ${found}, not 2`);
  }

  const mediaType = resolveMediaType(document.mediaType, contentType);
  const manifest: Manifest = {
    schemaVersion: 2,
    mediaType,
    layers: descriptorList(document.layers, 'layers'),
    manifests: descriptorList(document.manifests, 'manifests'),
  };
  if (document.config !== undefined) manifest.config = descriptor(document.config, 'config');
  if (document.subject !== undefined) manifest.subject = descriptor(document.subject, 'subject');
  if (typeof document.artifactType === 'string') manifest.artifactType = document.artifactType;
  if (document.annotations !== undefined)
    manifest.annotations = annotations(document.annotations, 'annotations');
  return manifest;
}

const MANIFEST_TYPES = new Set<string>(Object.values(MediaType));

function readDocument(bytes: Buffer): Record<string, unknown> {
  let document: unknown;
  try {
    document = parseStrictJson(decodeUtf8Strict(bytes));
  } catch (error) {
    if (!(error instanceof JsonFormatError)) throw error;
    throw new ManifestFormatError(`the body is not strict JSON: ${error.message}`);
  }
  if (!isObject(document)) throw new ManifestFormatError('the body is not a JSON object');
  return document;
}

function resolveMediaType(declared: unknown, contentType: string | undefined): string {
  if (declared !== undefined && typeof declared !== 'string') {
    throw new ManifestFormatError('"mediaType" is not a string');
  }
  const served = contentType?.split(';')[0]?.trim();
  const servedType = served !== undefined && MANIFEST_TYPES.has(served) ? served : undefined;

  // A registry that serves one manifest type under another's name is broken or tampered with.
  if (declared !== undefined && servedType !== undefined && declared !== servedType) {
    throw new ManifestFormatError(
      `"mediaType" is ${quote(declared)} but the Content-Type is ${servedType}`,
    );
  }

  const mediaType = declared ?? servedType;
  if (!mediaType) {
    throw new ManifestFormatError(
      'it has no mediaType and the Content-Type names no manifest type',
    );
  }
  return mediaType;
}

function descriptorList(value: unknown, field: string): Descriptor[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new ManifestFormatError(`"${field}" is not an array`);
  return value.map((item, index) => descriptor(item, `${field}[${index}]`));
}

/** Validates one descriptor object. */
export function descriptor(value: unknown, field: string): Descriptor {
  if (!isObject(value)) throw new ManifestFormatError(`"${field}" is not an object`);
  const { mediaType, digest, size } = value;
  if (typeof mediaType !== 'string')
    throw new ManifestFormatError(`"${field}.mediaType" is missing`);
  if (typeof digest !== 'string' || !isDigest(digest)) {
    throw new ManifestFormatError(`"${field}.digest" is not a sha256 or sha512 digest`);
  }
  if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0) {
    throw new ManifestFormatError(`"${field}.size" is not a non-negative integer`);
  }

  const result: Descriptor = { mediaType, digest, size };
  if (value.annotations !== undefined)
    result.annotations = annotations(value.annotations, `${field}.annotations`);
  if (typeof value.artifactType === 'string') result.artifactType = value.artifactType;
  return result;
}

function annotations(value: unknown, field: string): Record<string, string> {
  if (!isObject(value)) throw new ManifestFormatError(`"${field}" is not an object`);
  const result: Record<string, string> = {};
  for (const [key, item] of Object.entries(value)) {
    if (typeof item !== 'string') {
      throw new ManifestFormatError(`"${field}" value of key ${quote(key)} is not a string`);
    }
    result[key] = item;
  }
  return result;
}

/** Returns a value as escaped JSON of at most 80 characters, so messages stay on one line. */
function quote(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 80)}…` : text;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
