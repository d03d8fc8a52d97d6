/**
 * Keyless and key-based verification of cosign signatures through @sigstore/verify. Bundles and
 * legacy `.sig` layers take the same path, because a layer is first mapped onto a v0.1 bundle.
 */
import { X509Certificate as NodeX509Certificate } from 'node:crypto';
import type { Bundle } from '@sigstore/bundle';
import {
  PolicyError,
  Verifier,
  VerificationError as SigstoreError,
  toSignedEntity,
  toTrustMaterial,
  type SignedEntity,
  type TrustMaterial,
  type VerifierOptions,
} from '@sigstore/verify';
import { ConfigError, VerificationError, errorMessage } from '../errors.js';
import { bundleCertificate, checkBundleContent, messageArtifact, parseBundle } from './bundle.js';
import { checkIdentity, signerFromCertificate, validateIdentityPolicy } from './identity.js';
import {
  REKOR_BUNDLE_ANNOTATION,
  checkLegacyEntries,
  layerCertificate,
  layerDigest,
  layerSignatureBytes,
  legacyKeyLayerToBundle,
  legacyLayerToBundle,
} from './keyless.js';
import type {
  KeyPolicy,
  KeylessPolicy,
  SignatureLayer,
  TrustedRootProvider,
  VerifiedSignature,
} from './policy.js';

export { inspectImageBundle } from './bundle.js';
export { legacyLayerToBundle } from './keyless.js';

export const IGNORE_TLOG_NOTE = 'transparency log not checked (ignore-tlog)';
export const NO_TLOG_NOTE = 'no transparency-log entry was checked';

const CODE_SIGNING_EKU = '1.3.6.1.5.5.7.3.3';

type Timestamp = SignedEntity['timestamps'][number];

/**
 * Verifies a legacy keyless `.sig` layer: certificate chain at signing time, code-signing EKU, SCT,
 * log entry (signed entry timestamp and body), signature over the payload, and the identity
 * policy. The caller checks that the payload names the image digest.
 */
export async function verifyLegacyKeyless(
  layer: SignatureLayer,
  policy: KeylessPolicy,
): Promise<VerifiedSignature> {
  const certificate = layerCertificate(layer);
  const entity = toEntity(parseBundle(legacyLayerToBundle(layer)), layer.payload);
  if (policy.ignoreTlog) {
    return verifyKeyless(entity, certificate, policy);
  }

  const expected = {
    ...layerDigest(layer, 'sha256'),
    signature: layerSignatureBytes(layer),
    certificate,
  };
  const checked = await checkLegacyEntries(entity, expected, policy.trustedRoot);
  return verifyKeyless(checked.entity, certificate, policy, checked.verifiedEntries);
}

/**
 * Verifies the `dev.sigstore.cosign/bundle` log entry of a key-based legacy layer: its signed entry
 * timestamp against a Rekor key of the trust root, and a body (hashedrekord or rekord) naming
 * this signature, payload hash and public key. Any failure is VerificationError('TLOG_INVALID').
 */
export async function verifyLegacyTlogForKey(
  layer: SignatureLayer,
  policy: KeyPolicy,
): Promise<VerifiedSignature> {
  if (layer.annotations[REKOR_BUNDLE_ANNOTATION] === undefined) {
    return { tlog: 'absent', notes: [] };
  }
  if (policy.ignoreTlog) {
    return { tlog: 'skipped', notes: [IGNORE_TLOG_NOTE] };
  }

  try {
    const entity = toEntity(
      parseBundle(legacyKeyLayerToBundle(layer, policy.hashAlgorithm)),
      layer.payload,
    );
    const expected = {
      ...layerDigest(layer, policy.hashAlgorithm),
      signature: layerSignatureBytes(layer),
      key: policy.key,
    };
    const checked = await checkLegacyEntries(entity, expected, policy.trustedRoot);
    return await verifyWithKey(checked.entity, policy, checked.verifiedEntries);
  } catch (error) {
    throw asTlogInvalid(error);
  }
}

/**
 * Verifies a Sigstore bundle attached to the image: content checks first (statement subject and
 * predicate type, or message digest), then the cryptography. `manifest`, the raw image manifest,
 * is needed only for a message-signature bundle, whose signature covers those bytes.
 */
export async function verifyImageBundle(
  bundleJson: unknown,
  imageDigest: string,
  policy: KeyPolicy | KeylessPolicy,
  manifest?: Buffer,
): Promise<VerifiedSignature & { signature: string }> {
  const bundle = parseBundle(bundleJson);
  const { signature } = checkBundleContent(bundle, imageDigest);

  const artifact = messageArtifact(bundle, imageDigest, manifest);
  const verified = await verifyBundleSignature(bundle, policy, artifact);
  return { ...verified, signature };
}

/**
 * Verifies the cryptography of a parsed bundle (signature, certificate or key, log entries,
 * timestamps, identity) without the image content checks of verifyImageBundle.
 */
export async function verifyBundleSignature(
  bundle: Bundle,
  policy: KeyPolicy | KeylessPolicy,
  artifact?: Buffer,
): Promise<VerifiedSignature> {
  const entity = toEntity(bundle, artifact);
  if (policy.kind === 'key') {
    return verifyWithKey(entity, policy);
  }
  return verifyKeyless(entity, bundleCertificate(bundle), policy);
}

/**
 * Shared keyless path. `verifiedEntries` counts log entries already checked by the caller and
 * removed from the entity (the old `rekord` kind).
 */
async function verifyKeyless(
  entity: SignedEntity,
  certificate: Buffer,
  policy: KeylessPolicy,
  verifiedEntries = 0,
): Promise<VerifiedSignature> {
  validateIdentityPolicy(policy.identity);
  const notes: string[] = [];

  let checked = entity;
  if (policy.ignoreTlog) {
    checked = withoutTlog(entity);
    notes.push(IGNORE_TLOG_NOTE);
  } else if (checked.tlogEntries.length + verifiedEntries === 0) {
    throw new VerificationError(
      'TLOG_MISSING',
      'transparency-log check failed: the signature has no log entry; a keyless signature needs one unless ignore-tlog is set',
    );
  }

  // The certificate is short-lived, so it must be checked at a signing time that something
  // trusted vouches for. With the log ignored, only an RFC 3161 timestamp can do that.
  const signingTime = earliestTime(checked.timestamps);
  if (signingTime === undefined) {
    const reason = policy.ignoreTlog
      ? 'ignore-tlog is set and the signature has no RFC 3161 timestamp'
      : 'the log entry has no signed entry timestamp and there is no RFC 3161 timestamp';
    throw new VerificationError(
      'TLOG_MISSING',
      `signing time check failed: ${reason}, so nothing vouches for when the certificate was used`,
    );
  }

  const material = await trustMaterial(policy.trustedRoot);
  runVerifier(material, checked, {
    tlogThreshold: policy.ignoreTlog ? 0 : Math.max(0, 1 - verifiedEntries),
    ctlogThreshold: policy.ignoreSct ? 0 : 1,
    timestampThreshold: 1,
  });
  checkCodeSigning(certificate);

  const signer = signerFromCertificate(certificate);
  checkIdentity(signer, policy.identity);

  const tlog = policy.ignoreTlog ? 'skipped' : 'verified';
  return { signer, tlog, signingTime, notes };
}

/**
 * Shared key-based path: the signature must verify with policy.key whatever key the bundle names,
 * and each log entry or timestamp present must verify, but none is required.
 */
async function verifyWithKey(
  entity: SignedEntity,
  policy: KeyPolicy,
  verifiedEntries = 0,
): Promise<VerifiedSignature> {
  const notes: string[] = [];

  let checked: SignedEntity = { ...entity, key: { $case: 'public-key', hint: '' } };
  if (policy.ignoreTlog) {
    checked = withoutTlog(checked);
    notes.push(IGNORE_TLOG_NOTE);
  }

  // The trust root is only needed for log entries and timestamps, so skip loading it otherwise.
  const needsTrustRoot = checked.tlogEntries.length > 0 || checked.timestamps.length > 0;
  const material = needsTrustRoot
    ? await trustMaterial(policy.trustedRoot, policy)
    : keyOnlyTrustMaterial(policy);
  runVerifier(material, checked, { tlogThreshold: 0, ctlogThreshold: 0, timestampThreshold: 0 });

  const logged = checked.tlogEntries.length + verifiedEntries > 0;
  if (!logged && !policy.ignoreTlog) notes.push(NO_TLOG_NOTE);

  let tlog: VerifiedSignature['tlog'] = logged ? 'verified' : 'absent';
  if (policy.ignoreTlog) tlog = 'skipped';
  const signingTime = earliestTime(checked.timestamps);
  return signingTime === undefined ? { tlog, notes } : { tlog, signingTime, notes };
}

function runVerifier(
  material: TrustMaterial,
  entity: SignedEntity,
  options: VerifierOptions,
): void {
  try {
    new Verifier(material, options).verify(entity);
  } catch (error) {
    throw toVerificationError(error);
  }
}

async function trustMaterial(
  trustedRoot: TrustedRootProvider,
  keyPolicy?: KeyPolicy,
): Promise<TrustMaterial> {
  const root = await trustedRoot();
  if (keyPolicy === undefined) return toTrustMaterial(root);
  return toTrustMaterial(root, () => ({ publicKey: keyPolicy.key, validFor: () => true }));
}

function keyOnlyTrustMaterial(policy: KeyPolicy): TrustMaterial {
  return {
    certificateAuthorities: [],
    timestampAuthorities: [],
    tlogs: [],
    ctlogs: [],
    publicKey: () => ({ publicKey: policy.key, validFor: () => true }),
  };
}

function toEntity(bundle: Bundle, artifact?: Buffer): SignedEntity {
  try {
    return toSignedEntity(bundle, artifact);
  } catch (error) {
    throw new VerificationError(
      'MALFORMED',
      `cannot read the bundle certificate or timestamp: ${errorMessage(error)}`,
      { cause: error },
    );
  }
}

function withoutTlog(entity: SignedEntity): SignedEntity {
  const timestamps = entity.timestamps.filter(({ $case }) => $case === 'timestamp-authority');
  return { ...entity, tlogEntries: [], timestamps };
}

/** Earliest time vouched for by a signed entry timestamp or an RFC 3161 timestamp. */
function earliestTime(timestamps: Timestamp[]): Date | undefined {
  const times = timestamps.flatMap((timestamp) => {
    if (timestamp.$case === 'timestamp-authority') return [timestampSigningTime(timestamp)];
    const entry = timestamp.tlogEntry;
    return entry.inclusionPromise ? [new Date(Number(entry.integratedTime) * 1000)] : [];
  });
  return times.length === 0 ? undefined : new Date(Math.min(...times.map(Number)));
}

/** Reads a TSA time, which @sigstore/core parses on first access and may reject. */
function timestampSigningTime(
  timestamp: Extract<Timestamp, { $case: 'timestamp-authority' }>,
): Date {
  try {
    return timestamp.timestamp.signingTime;
  } catch (error) {
    throw new VerificationError(
      'MALFORMED',
      `RFC 3161 timestamp check failed: its time cannot be read (${errorMessage(error)})`,
      { cause: error },
    );
  }
}

function checkCodeSigning(certificate: Buffer): void {
  const usages = new NodeX509Certificate(certificate).keyUsage ?? [];
  if (!usages.includes(CODE_SIGNING_EKU)) {
    throw new VerificationError(
      'UNTRUSTED_CERTIFICATE',
      'certificate check failed: the signing certificate has no code-signing extended key usage',
    );
  }
}

/** Maps a sigstore-js error onto our codes, with a message naming the check that failed. */
function toVerificationError(error: unknown): Error {
  if (error instanceof VerificationError || error instanceof ConfigError) return error;

  if (error instanceof PolicyError) {
    return new VerificationError('IDENTITY_MISMATCH', `identity check failed: ${error.message}`, {
      cause: error,
    });
  }
  if (!(error instanceof SigstoreError)) {
    return new VerificationError(
      'MALFORMED',
      `cannot verify the signature: ${errorMessage(error)}`,
      {
        cause: error,
      },
    );
  }

  const detail =
    error.cause === undefined ? error.message : `${error.message} (${errorMessage(error.cause)})`;
  const [code, check] = failedCheck(error);
  return new VerificationError(code, `${check} check failed: ${detail}`, { cause: error });
}

function failedCheck(error: SigstoreError): [VerificationError['code'], string] {
  const thresholdNotMet = error.message.startsWith('expected ');
  switch (error.code) {
    case 'SIGNATURE_ERROR':
    case 'PUBLIC_KEY_ERROR':
      return ['BAD_SIGNATURE', 'signature'];
    case 'CERTIFICATE_ERROR':
      return ['UNTRUSTED_CERTIFICATE', error.message.includes('SCT') ? 'SCT' : 'certificate chain'];
    case 'TIMESTAMP_ERROR':
      return thresholdNotMet
        ? ['TLOG_MISSING', 'signing time']
        : ['TLOG_INVALID', 'RFC 3161 timestamp'];
    case 'TLOG_ERROR':
      return [thresholdNotMet ? 'TLOG_MISSING' : 'TLOG_INVALID', 'transparency-log'];
    case 'TLOG_INCLUSION_PROMISE_ERROR':
      return ['TLOG_INVALID', 'log entry signed entry timestamp'];
    case 'TLOG_INCLUSION_PROOF_ERROR':
    case 'TLOG_MISSING_INCLUSION_ERROR':
      return ['TLOG_INVALID', 'log entry inclusion proof'];
    case 'TLOG_BODY_ERROR':
      return ['TLOG_INVALID', 'log entry body'];
    case 'NOT_IMPLEMENTED_ERROR':
      return ['MALFORMED', 'bundle format'];
  }
}

/** Reports every failure of the key-based log check as TLOG_INVALID, keeping its message. */
function asTlogInvalid(error: unknown): Error {
  if (error instanceof ConfigError) return error;
  if (error instanceof VerificationError && error.code === 'TLOG_INVALID') return error;

  const message = errorMessage(error);
  const prefixed = message.includes('check failed')
    ? message
    : `transparency-log check failed: ${message}`;
  return new VerificationError('TLOG_INVALID', prefixed, { cause: error });
}
