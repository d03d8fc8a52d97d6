import { InvalidReferenceError, RegistryError, VerificationError, errorMessage } from './errors.js';
import { parseReference, type ImageReference } from './reference.js';
import type { RegistryClient, RepositoryRef } from './registry/client.js';
import { silentLogger, type Logger } from './registry/transport.js';
import type { Signer, VerificationPolicy, VerifiedSignature } from './cosign/policy.js';
import { BUNDLE_MEDIA_TYPE_PREFIX, fetchBundles, fetchReferrers } from './cosign/referrers.js';
import { fetchLegacySignatures, signatureTag } from './cosign/signatures.js';
import { verifyBundle, verifyLegacyLayer } from './cosign/verify.js';

/** Outcome for one image, in the order of preference when several signatures exist. */
export type Status = 'verified' | 'present' | 'mismatch' | 'error' | 'missing';

/** Signature formats to look for. */
export type SignatureFormat = 'auto' | 'legacy' | 'bundle';

/** The result for one image, as written to the `results` output. */
export interface ImageResult {
  image: string;
  digest: string;
  signatureTag: string;
  signature: string;
  status: Status;
  message: string;
  /** Source of the deciding signature: the `.sig` or fallback tag, or the referrers API. */
  source?: 'tag' | 'referrers';
  format?: 'simplesigning' | 'bundle';
  signer?: Signer;
}

export interface CheckOptions {
  client: RegistryClient;
  policy: VerificationPolicy;
  /** Repository that contains the signatures instead of the image's own. */
  signatureRepository?: RepositoryRef;
  signatureFormat: SignatureFormat;
  logger?: Logger;
}

/** One signature checked for an image, with its outcome. */
interface Attempt {
  status: Status;
  message: string;
  signatureTag: string;
  signature: string;
  source: 'tag' | 'referrers';
  format: 'simplesigning' | 'bundle';
  verified?: VerifiedSignature;
}

/**
 * Resolves the image digest, finds its signatures and checks them. Every failure becomes the
 * result's status and message, so one image cannot stop the others.
 */
export async function checkImage(input: string, options: CheckOptions): Promise<ImageResult> {
  const logger = options.logger ?? silentLogger;
  const result: ImageResult = {
    image: input,
    digest: '',
    signatureTag: '',
    signature: '',
    status: 'error',
    message: '',
  };

  let target: Target;
  try {
    target = await resolveTarget(parseReference(input), options, logger);
    result.digest = target.digest;
  } catch (error) {
    result.message = describeLookupError(error, 'resolving the image digest');
    return result;
  }

  if (options.signatureFormat !== 'bundle') result.signatureTag = signatureTag(target.digest) ?? '';
  const { attempts, lookupErrors, notes } = await collectAttempts(target, options, logger);
  return decide(result, attempts, lookupErrors, notes);
}

/** The image being checked: its digest, where it lives and where its signatures live. */
interface Target {
  digest: string;
  image: RepositoryRef;
  signatures: RepositoryRef;
  /** Returns the image manifest bytes, fetching them once for a digest reference. */
  loadManifest: () => Promise<Buffer>;
}

async function resolveTarget(
  reference: ImageReference,
  options: CheckOptions,
  logger: Logger,
): Promise<Target> {
  const image = {
    registry: reference.registry,
    apiHost: reference.apiHost,
    repository: reference.repository,
  };
  const signatures = options.signatureRepository ?? image;

  // A digest reference is the identity itself: no request is needed to resolve it.
  if (reference.digest !== undefined) {
    const digest = reference.digest;
    let manifest: Promise<Buffer> | undefined;
    const loadManifest = () =>
      (manifest ??= options.client.getManifest(image, digest).then((fetched) => fetched.bytes));
    return { digest, image, signatures, loadManifest };
  }

  const fetched = await options.client.getManifest(image, reference.tag ?? 'latest');
  logger.info(`Resolved ${reference.input} to ${fetched.digest}`);
  return {
    digest: fetched.digest,
    image,
    signatures,
    loadManifest: () => Promise.resolve(fetched.bytes),
  };
}

async function collectAttempts(
  target: Target,
  options: CheckOptions,
  logger: Logger,
): Promise<{ attempts: Attempt[]; lookupErrors: string[]; notes: string[] }> {
  const attempts: Attempt[] = [];
  const lookupErrors: string[] = [];
  const notes: string[] = [];

  if (options.signatureFormat !== 'bundle') {
    const tag = signatureTag(target.digest);
    if (tag === undefined) {
      notes.push(
        `a ${target.digest.split(':')[0]} image digest has no legacy .sig tag, since the tag would exceed 128 characters`,
      );
    } else {
      try {
        attempts.push(...(await legacyAttempts(target, tag, options, logger)));
      } catch (error) {
        lookupErrors.push(describeLookupError(error, `reading signature tag ${tag}`));
      }
    }
  }

  if (
    options.signatureFormat !== 'legacy' &&
    !attempts.some((attempt) => attempt.status === 'verified')
  ) {
    try {
      attempts.push(...(await bundleAttempts(target, options, logger)));
    } catch (error) {
      lookupErrors.push(describeLookupError(error, 'listing referrers'));
    }
  }
  return { attempts, lookupErrors, notes };
}

async function legacyAttempts(
  target: Target,
  tag: string,
  options: CheckOptions,
  logger: Logger,
): Promise<Attempt[]> {
  const signatures = await fetchLegacySignatures(options.client, target.signatures, tag);
  if (!signatures.found) {
    logger.info(`No signature tag ${tag} in ${target.signatures.repository}`);
    return [];
  }
  logger.info(`Found ${signatures.layers.length} signature layer(s) at ${tag}`);
  if (signatures.skipped > 0) {
    logger.debug(`Skipped ${signatures.skipped} layer(s) of other media types at ${tag}`);
  }

  const attempts: Attempt[] = [];
  for (const read of signatures.layers) {
    const base = { signatureTag: tag, source: 'tag', format: 'simplesigning' } as const;
    if ('error' in read) {
      attempts.push({ ...base, signature: '', ...failure(read.error) });
      continue;
    }
    const signature = read.layer.signature.replace(/\s+/g, '');
    try {
      const verified = await verifyLegacyLayer(read.layer, target.digest, options.policy);
      attempts.push({ ...base, signature, status: success(options.policy), message: '', verified });
    } catch (error) {
      attempts.push({ ...base, signature, ...failure(error) });
    }
    if (attempts.at(-1)?.status === 'verified') break;
  }
  return attempts;
}

async function bundleAttempts(
  target: Target,
  options: CheckOptions,
  logger: Logger,
): Promise<Attempt[]> {
  const { digest, signatures: repo } = target;
  const referrers = await fetchReferrers(options.client, repo, digest, BUNDLE_MEDIA_TYPE_PREFIX);
  const where = referrers.source === 'api' ? 'the referrers API' : `referrers tag ${referrers.tag}`;
  logger.info(`Found ${referrers.descriptors.length} Sigstore bundle(s) through ${where}`);

  const attempts: Attempt[] = [];
  const source = referrers.source === 'api' ? 'referrers' : 'tag';
  const base = { signatureTag: referrers.tag, source, format: 'bundle' } as const;
  for (const read of await fetchBundles(options.client, repo, digest, referrers.descriptors)) {
    if ('error' in read) {
      attempts.push({ ...base, signature: '', ...failure(read.error) });
      continue;
    }
    try {
      const verified = await verifyBundle(read.bundle, digest, options.policy, target.loadManifest);
      attempts.push({
        ...base,
        signature: verified.signature,
        status: success(options.policy),
        message: '',
        verified,
      });
    } catch (error) {
      attempts.push({ ...base, signature: '', ...failure(error) });
    }
    if (attempts.at(-1)?.status === 'verified') break;
  }
  return attempts;
}

function success(policy: VerificationPolicy): Status {
  return policy.kind === 'presence' ? 'present' : 'verified';
}

/** Maps a failed check to `mismatch` (the signature is wrong) or `error` (it could not be checked). */
function failure(error: unknown): { status: Status; message: string } {
  if (error instanceof VerificationError) {
    const unreadable = error.code === 'MALFORMED' || error.code === 'TRUST_ROOT';
    return { status: unreadable ? 'error' : 'mismatch', message: error.message };
  }
  return { status: 'error', message: errorMessage(error) };
}

function describeLookupError(error: unknown, step: string): string {
  if (error instanceof InvalidReferenceError) return error.message;
  if (error instanceof RegistryError) return `${step} failed: ${error.message}`;
  if (error instanceof VerificationError) return error.message;
  return `${step} failed: ${errorMessage(error)}`;
}

const PREFERENCE: Status[] = ['verified', 'present', 'mismatch', 'error'];

function decide(
  result: ImageResult,
  attempts: Attempt[],
  lookupErrors: string[],
  notes: string[],
): ImageResult {
  const best = PREFERENCE.map((status) =>
    attempts.find((attempt) => attempt.status === status),
  ).find(Boolean);

  if (best?.status === 'verified' || best?.status === 'present') {
    const caveats = [...(best.verified?.notes ?? [])];
    const signer = best.verified?.signer;
    const kind = best.format === 'bundle' ? 'Sigstore bundle' : 'simple-signing signature';
    const by = signer ? ` by ${signer.identity} (${signer.issuer})` : '';
    const verb = best.status === 'verified' ? 'verified' : 'found';
    const message = [`${kind} ${verb}${by}`, ...caveats].join('; ');
    return { ...fromAttempt(result, best, message), signer };
  }

  // With nothing verified, a lookup that failed could have hidden a valid signature: report it.
  if (lookupErrors.length > 0 && !attempts.some((attempt) => attempt.status === 'mismatch')) {
    return {
      ...result,
      status: 'error',
      message: [...lookupErrors, ...attempts.map((a) => a.message)].join('; '),
    };
  }
  if (best) {
    const others =
      attempts.length > 1 ? ` (${attempts.length} signatures checked, none passed)` : '';
    const lookups = lookupErrors.length > 0 ? `; ${lookupErrors.join('; ')}` : '';
    return fromAttempt(result, best, `${best.message}${others}${lookups}`);
  }

  const detail = notes.length > 0 ? `; ${notes.join('; ')}` : '';
  return {
    ...result,
    status: 'missing',
    message: `no cosign signature was found for ${result.digest}${detail}`,
  };
}

function fromAttempt(result: ImageResult, attempt: Attempt, message: string): ImageResult {
  return {
    ...result,
    status: attempt.status,
    signatureTag: attempt.signatureTag,
    signature: attempt.signature,
    source: attempt.source,
    format: attempt.format,
    message,
  };
}
