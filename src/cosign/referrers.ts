import { parseDigest } from '../digest.js';
import { RegistryError, VerificationError } from '../errors.js';
import { checkStatus, type RegistryClient, type RepositoryRef } from '../registry/client.js';
import { MAX_MANIFEST_BYTES } from '../registry/client.js';
import {
  ManifestFormatError,
  MediaType,
  parseManifest,
  type Descriptor,
} from '../registry/manifest.js';

/** Artifact types of Sigstore bundles start with this (v0.1 to v0.3). */
export const BUNDLE_MEDIA_TYPE_PREFIX = 'application/vnd.dev.sigstore.bundle';

/** Largest bundle read. Keyless bundles with a chain and proofs are a few tens of KiB. */
export const MAX_BUNDLE_BYTES = 1024 * 1024;

/** Pages of a paginated referrers reply followed before giving up. */
export const MAX_REFERRER_PAGES = 50;

/** Status codes that mean the registry has no referrers API (OCI distribution spec 1.1). */
const NO_REFERRERS_API = new Set([400, 404, 405, 406]);

/** Referrer descriptors of an image, and where they came from. */
export interface Referrers {
  /** `api` for the referrers endpoint, `tag` for the fallback tag schema. */
  source: 'api' | 'tag';
  /** The fallback tag that was read, empty when the API returned the list. */
  tag: string;
  descriptors: Descriptor[];
}

/** One bundle referrer, read or failed. */
export type BundleRead =
  { descriptor: Descriptor; bundle: unknown } | { descriptor: Descriptor; error: Error };

/**
 * Lists referrers of `digest` through the referrers API, falling back to the `<alg>-<hex>` tag
 * when the registry has no API. `artifactType` filters on the client, whatever the registry did.
 */
export async function fetchReferrers(
  client: RegistryClient,
  repo: RepositoryRef,
  digest: string,
  artifactTypePrefix: string,
): Promise<Referrers> {
  const fromApi = await fetchFromApi(client, repo, digest);
  const referrers = fromApi ?? (await fetchFromTag(client, repo, digest));
  referrers.descriptors = referrers.descriptors.filter((descriptor) =>
    (descriptor.artifactType ?? '').startsWith(artifactTypePrefix),
  );
  return referrers;
}

async function fetchFromApi(
  client: RegistryClient,
  repo: RepositoryRef,
  digest: string,
): Promise<Referrers | undefined> {
  const descriptors: Descriptor[] = [];
  let path: string | undefined = `/v2/${repo.repository}/referrers/${digest}`;

  for (let page = 0; path !== undefined; page++) {
    if (page === MAX_REFERRER_PAGES) {
      throw new RegistryError(
        'BAD_RESPONSE',
        `the referrers list of ${repo.repository}@${digest} has more than ${MAX_REFERRER_PAGES} pages`,
      );
    }

    const response = await client.get(
      repo,
      path,
      { accept: MediaType.OCI_INDEX },
      MAX_MANIFEST_BYTES,
    );
    const url = client.url(repo, path);
    if (page === 0 && NO_REFERRERS_API.has(response.status)) return undefined;
    checkStatus(response, 'GET', url, `referrers of ${digest}`);

    // A registry without the API may serve something else at this path, such as a login page.
    const contentType = response.headers['content-type']?.split(';')[0]?.trim();
    if (page === 0 && contentType !== MediaType.OCI_INDEX) return undefined;

    descriptors.push(...parseIndex(response.body, contentType, `referrers of ${digest}`).manifests);
    path = nextPage(response.headers.link, url);
  }
  return { source: 'api', tag: '', descriptors };
}

async function fetchFromTag(
  client: RegistryClient,
  repo: RepositoryRef,
  digest: string,
): Promise<Referrers> {
  const { algorithm, hex } = parseDigest(digest);
  const tag = `${algorithm}-${hex}`;
  try {
    const { bytes, contentType } = await client.getManifest(repo, tag);
    const index = parseIndex(bytes, contentType, `referrers tag ${repo.repository}:${tag}`);
    return { source: 'tag', tag, descriptors: index.manifests };
  } catch (error) {
    if (error instanceof RegistryError && error.code === 'NOT_FOUND') {
      return { source: 'tag', tag, descriptors: [] };
    }
    throw error;
  }
}

function parseIndex(bytes: Buffer, contentType: string | undefined, source: string) {
  try {
    const index = parseManifest(bytes, contentType ?? MediaType.OCI_INDEX);
    if (index.mediaType !== MediaType.OCI_INDEX) {
      throw new ManifestFormatError(`its media type is ${index.mediaType}, not an OCI image index`);
    }
    return index;
  } catch (error) {
    if (!(error instanceof ManifestFormatError)) throw error;
    throw new VerificationError(
      'MALFORMED',
      `${source} is not a valid image index: ${error.message}`,
    );
  }
}

/** Returns the path and query of a `Link: <…>; rel="next"` target on the same origin. */
function nextPage(link: string | undefined, current: string): string | undefined {
  if (!link) return undefined;
  const match = /<([^>]*)>\s*;\s*rel="?next"?/i.exec(link);
  if (!match?.[1]) return undefined;

  const next = new URL(match[1], current);
  if (next.origin !== new URL(current).origin) {
    throw new RegistryError(
      'BAD_RESPONSE',
      `the referrers list links to another origin, ${next.origin}`,
    );
  }
  return `${next.pathname}${next.search}`;
}

/**
 * Reads each bundle referrer: its manifest (which must name `digest` as subject) and the
 * single bundle layer, checked against its descriptor.
 */
export async function fetchBundles(
  client: RegistryClient,
  repo: RepositoryRef,
  digest: string,
  descriptors: Descriptor[],
): Promise<BundleRead[]> {
  const reads: BundleRead[] = [];
  for (const descriptor of descriptors) {
    try {
      reads.push({ descriptor, bundle: await readBundle(client, repo, digest, descriptor) });
    } catch (error) {
      reads.push({ descriptor, error: error as Error });
    }
  }
  return reads;
}

async function readBundle(
  client: RegistryClient,
  repo: RepositoryRef,
  digest: string,
  descriptor: Descriptor,
): Promise<unknown> {
  const { bytes, contentType } = await client.getManifest(repo, descriptor.digest);
  const where = `bundle manifest ${descriptor.digest}`;
  let manifest;
  try {
    manifest = parseManifest(bytes, contentType);
  } catch (error) {
    if (!(error instanceof ManifestFormatError)) throw error;
    throw new VerificationError('MALFORMED', `${where} is invalid: ${error.message}`);
  }

  if (manifest.subject?.digest !== digest) {
    throw new VerificationError(
      'DIGEST_MISMATCH',
      `${where} names subject ${manifest.subject?.digest ?? '(none)'}, not the image digest ${digest}`,
    );
  }
  const layer = manifest.layers.find((item) => item.mediaType.startsWith(BUNDLE_MEDIA_TYPE_PREFIX));
  if (!layer) throw new VerificationError('MALFORMED', `${where} has no Sigstore bundle layer`);

  const blob = await client.getBlob(repo, layer, MAX_BUNDLE_BYTES);
  try {
    return JSON.parse(blob.toString('utf8'));
  } catch {
    throw new VerificationError('MALFORMED', `bundle ${layer.digest} is not JSON`);
  }
}
