/**
 * Parsing of Sigstore bundles attached to an image, and the content checks that sigstore-js leaves
 * to the caller. The signed statement or message digest must name the image. A DSSE bundle must
 * carry a cosign signature, not some other attestation.
 */
import { createHash } from 'node:crypto';
import { ValidationError, bundleFromJSON, type Bundle } from '@sigstore/bundle';
import { HashAlgorithm } from '@sigstore/protobuf-specs';
import { VerificationError, errorMessage } from '../errors.js';

/** Payload type of a DSSE envelope that contains an in-toto statement. */
export const IN_TOTO_PAYLOAD_TYPE = 'application/vnd.in-toto+json';

/** Predicate type of the statement `cosign sign` writes into a bundle (cosign 3). */
export const COSIGN_SIGN_PREDICATE_TYPE = 'https://sigstore.dev/cosign/sign/v1';

const MESSAGE_DIGEST_ALGORITHMS: Partial<Record<HashAlgorithm, string>> = {
  [HashAlgorithm.SHA2_256]: 'sha256',
  [HashAlgorithm.SHA2_384]: 'sha384',
  [HashAlgorithm.SHA2_512]: 'sha512',
};

/** Parses a bundle with @sigstore/bundle. Throws VerificationError('MALFORMED') naming the bad fields. */
export function parseBundle(bundleJson: unknown): Bundle {
  try {
    return bundleFromJSON(bundleJson);
  } catch (error) {
    const fields = error instanceof ValidationError ? ` (${error.fields.join(', ')})` : '';
    throw new VerificationError(
      'MALFORMED',
      `invalid Sigstore bundle: ${errorMessage(error)}${fields}`,
      { cause: error },
    );
  }
}

/**
 * Checks that the bundle signs the image digest (`algorithm:hex`): the in-toto statement of a DSSE
 * envelope must list it as a subject and carry the cosign signature predicate, and a message
 * signature must have it as message digest. Returns the base64 signature.
 */
export function checkBundleContent(bundle: Bundle, imageDigest: string): { signature: string } {
  const expected = splitDigest(imageDigest);

  switch (bundle.content.$case) {
    case 'dsseEnvelope': {
      const envelope = bundle.content.dsseEnvelope;
      checkStatement(envelope.payloadType, envelope.payload, expected, imageDigest);
      const signature = envelope.signatures[0]?.sig ?? Buffer.alloc(0);
      return { signature: Buffer.from(signature).toString('base64') };
    }

    case 'messageSignature': {
      const { messageDigest, signature } = bundle.content.messageSignature;
      const algorithm =
        messageDigest === undefined
          ? undefined
          : MESSAGE_DIGEST_ALGORITHMS[messageDigest.algorithm];
      const hex =
        messageDigest === undefined ? '' : Buffer.from(messageDigest.digest).toString('hex');
      if (algorithm !== expected.algorithm || hex !== expected.hex) {
        throw new VerificationError(
          'DIGEST_MISMATCH',
          `bundle message digest ${algorithm ?? 'unknown'}:${hex} does not match image digest ${imageDigest}`,
        );
      }
      return { signature: Buffer.from(signature).toString('base64') };
    }
  }
}

function checkStatement(
  payloadType: string,
  payload: Buffer,
  expected: { algorithm: string; hex: string },
  imageDigest: string,
): void {
  if (payloadType !== IN_TOTO_PAYLOAD_TYPE) {
    throw new VerificationError(
      'NOT_A_SIGNATURE',
      `bundle DSSE payload type is ${JSON.stringify(payloadType)}, not ${IN_TOTO_PAYLOAD_TYPE}; it is not a cosign signature`,
    );
  }

  const statement = parseStatement(payload);

  const subjects = Array.isArray(statement.subject) ? (statement.subject as unknown[]) : [];
  const named = subjects.some(
    (subject) => subjectDigest(subject, expected.algorithm) === expected.hex,
  );
  if (!named) {
    throw new VerificationError(
      'DIGEST_MISMATCH',
      `bundle statement subjects do not include image digest ${imageDigest}`,
    );
  }

  if (statement.predicateType !== COSIGN_SIGN_PREDICATE_TYPE) {
    throw new VerificationError(
      'NOT_A_SIGNATURE',
      `bundle is an attestation with predicate type ${JSON.stringify(statement.predicateType)}, not a signature (${COSIGN_SIGN_PREDICATE_TYPE})`,
    );
  }
}

function parseStatement(payload: Buffer): Record<string, unknown> {
  let statement: unknown;
  try {
    statement = JSON.parse(payload.toString('utf8'));
  } catch (error) {
    throw new VerificationError(
      'MALFORMED',
      `bundle DSSE payload is not valid JSON: ${errorMessage(error)}`,
    );
  }

  if (typeof statement !== 'object' || statement === null || Array.isArray(statement)) {
    throw new VerificationError(
      'MALFORMED',
      'bundle DSSE payload is not an in-toto statement object',
    );
  }
  return statement as Record<string, unknown>;
}

function subjectDigest(subject: unknown, algorithm: string): string | undefined {
  if (typeof subject !== 'object' || subject === null) return undefined;
  const digest = (subject as { digest?: unknown }).digest;
  if (typeof digest !== 'object' || digest === null) return undefined;
  const value = (digest as Record<string, unknown>)[algorithm];
  return typeof value === 'string' ? value.toLowerCase() : undefined;
}

/** Splits `sha256:abc…` into algorithm and lowercase hex. */
function splitDigest(imageDigest: string): { algorithm: string; hex: string } {
  const match = /^([a-z0-9]+):([0-9a-fA-F]+)$/.exec(imageDigest);
  if (match === null || match[1] === undefined || match[2] === undefined) {
    throw new VerificationError(
      'MALFORMED',
      `image digest ${JSON.stringify(imageDigest)} is not of the form algorithm:hex`,
    );
  }
  return { algorithm: match[1], hex: match[2].toLowerCase() };
}

/**
 * Parses a bundle and runs the content checks without any cryptography, for a run that has
 * neither a key nor an identity. Returns the base64 signature.
 */
export function inspectImageBundle(
  bundleJson: unknown,
  imageDigest: string,
): { signature: string } {
  return checkBundleContent(parseBundle(bundleJson), imageDigest);
}

/** DER of the leaf certificate of a keyless bundle. */
export function bundleCertificate(bundle: Bundle): Buffer {
  const content = bundle.verificationMaterial.content;
  switch (content.$case) {
    case 'x509CertificateChain': {
      const leaf = content.x509CertificateChain.certificates[0];
      if (leaf !== undefined) return Buffer.from(leaf.rawBytes);
      break;
    }
    case 'certificate':
      return Buffer.from(content.certificate.rawBytes);
    case 'publicKey':
      break;
  }
  throw new VerificationError(
    'UNTRUSTED_CERTIFICATE',
    'the bundle is signed with a key, not a Fulcio certificate: verify it with public-key',
  );
}

/** The artifact a message signature covers: the manifest bytes, which must hash to the digest. */
export function messageArtifact(
  bundle: Bundle,
  imageDigest: string,
  manifest?: Buffer,
): Buffer | undefined {
  if (bundle.content.$case !== 'messageSignature') return undefined;

  if (manifest === undefined) {
    throw new VerificationError(
      'MALFORMED',
      'a message-signature bundle signs the manifest bytes, which were not passed to the check',
    );
  }
  const [algorithm = '', hex] = imageDigest.split(':');
  if (createHash(algorithm).update(manifest).digest('hex') !== hex?.toLowerCase()) {
    throw new VerificationError('DIGEST_MISMATCH', `manifest bytes do not hash to ${imageDigest}`);
  }
  return manifest;
}
