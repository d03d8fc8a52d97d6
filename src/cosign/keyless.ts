/**
 * Mapping of a legacy cosign `.sig` layer onto a Sigstore v0.1 message-signature bundle, so that
 * sigstore-js verifies it like any bundle. The module also has the log-entry body checks that
 * sigstore-js does not do: the key or certificate named by the entry, and the old `rekord` kind.
 */
import { createHash, createPublicKey, type KeyObject } from 'node:crypto';
import {
  BUNDLE_V01_MEDIA_TYPE,
  type SerializedBundle,
  type TransparencyLogEntry,
} from '@sigstore/bundle';
import { X509Certificate, pem } from '@sigstore/core';
import { toTrustMaterial, type SignedEntity, type TrustMaterial } from '@sigstore/verify';
// NOTE: @sigstore/verify 4.1 has no body check for the `rekord` kind and exports no SET check on
// its own. This deep import reuses its internal SET check for such entries, so recheck it on upgrade.
import { verifyTLogSET } from '@sigstore/verify/dist/tlog/set.js';
import { VerificationError, errorMessage } from '../errors.js';
import type { HashAlgorithm, SignatureLayer, TrustedRootProvider } from './policy.js';

export const CERTIFICATE_ANNOTATION = 'dev.sigstore.cosign/certificate';
export const CHAIN_ANNOTATION = 'dev.sigstore.cosign/chain';
export const REKOR_BUNDLE_ANNOTATION = 'dev.sigstore.cosign/bundle';
export const TIMESTAMP_ANNOTATION = 'dev.sigstore.cosign/rfc3161timestamp';

/** Rekor entry kinds whose body names signature, data hash and key in the same fields. */
const LEGACY_ENTRY_KINDS = ['hashedrekord', 'rekord'];

type SerializedEntry = SerializedBundle['verificationMaterial']['tlogEntries'][number];
type LogMaterial = Pick<
  SerializedBundle['verificationMaterial'],
  'tlogEntries' | 'timestampVerificationData'
>;
type SerializedMessage = NonNullable<SerializedBundle['messageSignature']>;

/** Values a log entry body must name for the layer it belongs to. */
export interface ExpectedLogBody {
  signature: Buffer;
  /** Node hash name and hex digest of the payload, as the body's `data.hash` must give them. */
  payloadHashAlgorithm: string;
  payloadHash: string;
  /** DER certificate of a keyless signature; the body must contain this exact certificate. */
  certificate?: Buffer;
  /** Public key of a key-based signature; the body must contain it or a certificate for it. */
  key?: KeyObject;
}

/**
 * Maps a legacy keyless `.sig` layer onto a v0.1 message-signature bundle. The bundle carries the
 * leaf certificate and any chain, and the Rekor bundle as a log entry with its signed entry
 * timestamp. It also carries any RFC 3161 timestamp, and the payload's SHA-256 as message digest.
 * The artifact is the payload blob. Throws VerificationError('MALFORMED') naming the bad annotation.
 */
export function legacyLayerToBundle(layer: SignatureLayer): SerializedBundle {
  const certificate = requiredAnnotation(layer, CERTIFICATE_ANNOTATION);
  const certificates = [certificate, ...chainCertificates(layer)].map((der) => ({
    rawBytes: der.toString('base64'),
  }));

  return {
    mediaType: BUNDLE_V01_MEDIA_TYPE,
    verificationMaterial: {
      x509CertificateChain: { certificates },
      publicKey: undefined,
      certificate: undefined,
      ...legacyLogMaterial(layer),
    },
    messageSignature: messageSignature(layer, 'sha256'),
    dsseEnvelope: undefined,
  };
}

/**
 * Maps a legacy key-based `.sig` layer onto a v0.1 bundle whose verification material is a public
 * key hint; the caller's key finder supplies the key. The digest uses the policy's hash algorithm.
 */
export function legacyKeyLayerToBundle(
  layer: SignatureLayer,
  hashAlgorithm: HashAlgorithm,
): SerializedBundle {
  return {
    mediaType: BUNDLE_V01_MEDIA_TYPE,
    verificationMaterial: {
      publicKey: { hint: '' },
      x509CertificateChain: undefined,
      certificate: undefined,
      ...legacyLogMaterial(layer),
    },
    messageSignature: messageSignature(layer, hashAlgorithm),
    dsseEnvelope: undefined,
  };
}

/** Decodes the base64 signature of a layer; cosign may wrap it over several lines. */
export function layerSignatureBytes(layer: SignatureLayer): Buffer {
  const text = layer.signature.replace(/\s+/g, '');
  if (text === '' || !/^[A-Za-z0-9+/]+={0,2}$/.test(text)) {
    throw new VerificationError('MALFORMED', 'layer signature annotation is not valid base64');
  }
  return Buffer.from(text, 'base64');
}

/** Returns the DER of the leaf certificate in the certificate annotation. */
export function layerCertificate(layer: SignatureLayer): Buffer {
  return requiredAnnotation(layer, CERTIFICATE_ANNOTATION);
}

/**
 * Checks that a hashedrekord or rekord body names this signature, payload hash and key or
 * certificate. Throws VerificationError('TLOG_INVALID') naming the field that differs.
 */
export function checkLegacyLogBody(entry: TransparencyLogEntry, expected: ExpectedLogBody): void {
  const body = parseBody(entry.canonicalizedBody);
  const spec = (body.spec ?? {}) as {
    data?: { hash?: { algorithm?: unknown; value?: unknown } };
    signature?: { content?: unknown; publicKey?: { content?: unknown } };
  };

  const signature = spec.signature?.content;
  if (
    typeof signature !== 'string' ||
    !Buffer.from(signature, 'base64').equals(expected.signature)
  ) {
    throw logBodyError('names another signature');
  }

  const hash = spec.data?.hash;
  if (hash?.algorithm !== expected.payloadHashAlgorithm || hash.value !== expected.payloadHash) {
    throw logBodyError(`names another payload hash (${String(hash?.value)})`);
  }

  const publicKey = spec.signature?.publicKey?.content;
  if (typeof publicKey !== 'string' || !verifierMatches(publicKey, expected)) {
    throw logBodyError(
      expected.certificate ? 'names another certificate' : 'names another public key',
    );
  }
}

/**
 * Verifies the signed entry timestamp of a `rekord` entry, a kind sigstore-js cannot verify as a
 * whole. Throws VerificationError('TLOG_INVALID').
 */
export function verifyRekordInclusionPromise(
  entry: TransparencyLogEntry,
  material: TrustMaterial,
): void {
  if (entry.inclusionPromise === undefined) {
    throw new VerificationError('TLOG_INVALID', 'rekord log entry has no signed entry timestamp');
  }

  try {
    verifyTLogSET({ ...entry, inclusionPromise: entry.inclusionPromise }, material.tlogs);
  } catch (error) {
    throw new VerificationError(
      'TLOG_INVALID',
      `log entry signed entry timestamp check failed: ${errorMessage(error)}`,
      { cause: error },
    );
  }
}

/** Returns whether an entry is of the old `rekord` kind, which sigstore-js 4.1 cannot check. */
export function isRekordEntry(entry: TransparencyLogEntry): boolean {
  return entry.kindVersion.kind === 'rekord';
}

function legacyLogMaterial(layer: SignatureLayer): LogMaterial {
  const rekorBundle = layer.annotations[REKOR_BUNDLE_ANNOTATION];
  const timestamp = layer.annotations[TIMESTAMP_ANNOTATION];
  return {
    tlogEntries: rekorBundle === undefined ? [] : [legacyLogEntry(rekorBundle)],
    timestampVerificationData: {
      rfc3161Timestamps: timestamp === undefined ? [] : [legacyTimestamp(timestamp)],
    },
  };
}

function messageSignature(layer: SignatureLayer, hashAlgorithm: HashAlgorithm): SerializedMessage {
  const algorithm = { sha256: 'SHA2_256', sha384: 'SHA2_384', sha512: 'SHA2_512' }[hashAlgorithm];
  return {
    messageDigest: {
      algorithm,
      digest: createHash(hashAlgorithm).update(layer.payload).digest('base64'),
    },
    signature: layerSignatureBytes(layer).toString('base64'),
  };
}

/** Maps cosign's legacy Rekor bundle (SignedEntryTimestamp + Payload) onto a bundle log entry. */
function legacyLogEntry(annotation: string): SerializedEntry {
  const malformed = (reason: string) =>
    new VerificationError('MALFORMED', `annotation ${REKOR_BUNDLE_ANNOTATION} ${reason}`);

  let parsed: unknown;
  try {
    parsed = JSON.parse(annotation);
  } catch {
    throw malformed('is not valid JSON');
  }

  const { SignedEntryTimestamp: set, Payload: payload } = (parsed ?? {}) as {
    SignedEntryTimestamp?: unknown;
    Payload?: { body?: unknown; integratedTime?: unknown; logIndex?: unknown; logID?: unknown };
  };
  if (typeof set !== 'string' || set === '') throw malformed('has no SignedEntryTimestamp');
  if (typeof payload?.body !== 'string') throw malformed('has no Payload.body');
  if (!Number.isSafeInteger(payload.integratedTime))
    throw malformed('has no Payload.integratedTime');
  if (!Number.isSafeInteger(payload.logIndex)) throw malformed('has no Payload.logIndex');
  if (typeof payload.logID !== 'string' || !/^[0-9a-f]{64}$/.test(payload.logID)) {
    throw malformed('has no hex Payload.logID');
  }

  const body = parseBody(Buffer.from(payload.body, 'base64'), REKOR_BUNDLE_ANNOTATION);
  if (typeof body.kind !== 'string' || !LEGACY_ENTRY_KINDS.includes(body.kind)) {
    throw malformed(`has Rekor kind ${JSON.stringify(body.kind)}, expected hashedrekord or rekord`);
  }

  return {
    logIndex: String(payload.logIndex),
    logId: { keyId: Buffer.from(payload.logID, 'hex').toString('base64') },
    kindVersion: { kind: body.kind, version: String(body.apiVersion) },
    integratedTime: String(payload.integratedTime),
    inclusionPromise: { signedEntryTimestamp: set },
    inclusionProof: undefined,
    canonicalizedBody: payload.body,
  };
}

// NOTE: cosign writes this annotation as JSON with a base64 `SignedRFC3161Timestamp` over the raw
// signature bytes. Tests cover it with timestamps of a generated TSA, not yet with a real one.
function legacyTimestamp(annotation: string): { signedTimestamp: string } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(annotation);
  } catch {
    parsed = undefined;
  }

  const value = (parsed as { SignedRFC3161Timestamp?: unknown } | undefined)
    ?.SignedRFC3161Timestamp;
  if (typeof value !== 'string' || value === '') {
    throw new VerificationError(
      'MALFORMED',
      `annotation ${TIMESTAMP_ANNOTATION} has no SignedRFC3161Timestamp`,
    );
  }
  return { signedTimestamp: value };
}

function requiredAnnotation(layer: SignatureLayer, name: string): Buffer {
  const value = layer.annotations[name];
  if (value === undefined) {
    throw new VerificationError('MALFORMED', `annotation ${name} is missing`);
  }

  const certificates = pemCertificates(value, name);
  if (certificates.length !== 1 || certificates[0] === undefined) {
    throw new VerificationError('MALFORMED', `annotation ${name} must contain one PEM certificate`);
  }
  return certificates[0];
}

function chainCertificates(layer: SignatureLayer): Buffer[] {
  const value = layer.annotations[CHAIN_ANNOTATION];
  return value === undefined ? [] : pemCertificates(value, CHAIN_ANNOTATION);
}

function pemCertificates(text: string, annotation: string): Buffer[] {
  const blocks = text.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g) ?? [];
  if (blocks.length === 0) {
    throw new VerificationError(
      'MALFORMED',
      `annotation ${annotation} contains no PEM certificate`,
    );
  }

  return blocks.map((block) => {
    try {
      const der = pem.toDER(block);
      X509Certificate.parse(der);
      return der;
    } catch (error) {
      throw new VerificationError(
        'MALFORMED',
        `annotation ${annotation} contains an invalid certificate: ${errorMessage(error)}`,
      );
    }
  });
}

function parseBody(body: Buffer, annotation?: string): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(body.toString('utf8'));
    if (typeof parsed === 'object' && parsed !== null) return parsed as Record<string, unknown>;
  } catch {
    // Reported below with the same message as a non-object body.
  }

  throw annotation === undefined
    ? new VerificationError('TLOG_INVALID', 'log entry body is not a JSON object')
    : new VerificationError(
        'MALFORMED',
        `annotation ${annotation} Payload.body is not a JSON object`,
      );
}

/** Compares the base64 PEM key or certificate in a log entry body with the expected signer. */
function verifierMatches(base64Pem: string, expected: ExpectedLogBody): boolean {
  const text = Buffer.from(base64Pem, 'base64').toString('utf8');
  try {
    if (expected.certificate !== undefined) {
      return pem.toDER(text).equals(expected.certificate);
    }

    const key = text.includes('CERTIFICATE')
      ? createPublicKey({ key: X509Certificate.parse(text).publicKey, format: 'der', type: 'spki' })
      : createPublicKey(text);
    return expected.key !== undefined && key.equals(expected.key);
  } catch {
    return false;
  }
}

function logBodyError(reason: string): VerificationError {
  return new VerificationError('TLOG_INVALID', `log entry body check failed: the entry ${reason}`);
}

/**
 * Checks each legacy log entry body against the layer, and verifies `rekord` entries here because
 * sigstore-js cannot. Returns the entity without those entries and how many were verified.
 */
export async function checkLegacyEntries(
  entity: SignedEntity,
  expected: ExpectedLogBody,
  trustedRoot: TrustedRootProvider,
): Promise<{ entity: SignedEntity; verifiedEntries: number }> {
  for (const entry of entity.tlogEntries) {
    checkLegacyLogBody(entry, expected);
  }

  const rekordEntries = entity.tlogEntries.filter(isRekordEntry);
  if (rekordEntries.length === 0) {
    return { entity, verifiedEntries: 0 };
  }

  const material = toTrustMaterial(await trustedRoot());
  for (const entry of rekordEntries) {
    verifyRekordInclusionPromise(entry, material);
  }

  const tlogEntries = entity.tlogEntries.filter((entry) => !isRekordEntry(entry));
  return { entity: { ...entity, tlogEntries }, verifiedEntries: rekordEntries.length };
}

/** Payload digest of a layer as a log entry body states it. */
export function layerDigest(
  layer: SignatureLayer,
  algorithm: string,
): Pick<ExpectedLogBody, 'payloadHashAlgorithm' | 'payloadHash'> {
  return {
    payloadHashAlgorithm: algorithm,
    payloadHash: createHash(algorithm).update(layer.payload).digest('hex'),
  };
}
