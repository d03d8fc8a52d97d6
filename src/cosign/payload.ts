import { VerificationError } from '../errors.js';

/** The `critical.type` value of a cosign image signature payload. */
export const SIGNATURE_PAYLOAD_TYPE = 'cosign container image signature';

/** The parts of a simple-signing payload a verifier needs. */
export interface SimpleSigningPayload {
  type: string;
  manifestDigest: string;
  dockerReference?: string;
}

/**
 * Parses a simple-signing payload (the red hat "atomic container signature" format cosign
 * writes). Keys are matched case-insensitively because podman writes `Docker-manifest-digest`.
 */
export function parsePayload(bytes: Buffer): SimpleSigningPayload {
  let document: unknown;
  try {
    document = JSON.parse(bytes.toString('utf8'));
  } catch {
    throw new VerificationError('MALFORMED', 'the signature payload is not JSON');
  }

  const critical = field(document, 'critical');
  const type = field(critical, 'type');
  const image = field(critical, 'image');
  const manifestDigest = field(image, 'docker-manifest-digest');
  if (typeof type !== 'string' || typeof manifestDigest !== 'string') {
    throw new VerificationError(
      'MALFORMED',
      'the signature payload lacks critical.type or critical.image.docker-manifest-digest',
    );
  }

  const reference = field(field(critical, 'identity'), 'docker-reference');
  return {
    type,
    manifestDigest,
    dockerReference: typeof reference === 'string' ? reference : undefined,
  };
}

/** Throws unless the payload is an image signature that names `imageDigest`. */
export function checkPayload(payload: SimpleSigningPayload, imageDigest: string): void {
  if (payload.type.toLowerCase() !== SIGNATURE_PAYLOAD_TYPE) {
    throw new VerificationError(
      'NOT_A_SIGNATURE',
      `the payload type is ${JSON.stringify(payload.type)}, not "${SIGNATURE_PAYLOAD_TYPE}"`,
    );
  }
  if (payload.manifestDigest !== imageDigest) {
    throw new VerificationError(
      'DIGEST_MISMATCH',
      `the signature payload names ${JSON.stringify(payload.manifestDigest).slice(1, -1)}, not the image digest ${imageDigest}`,
    );
  }
}

/**
 * Returns the value under `key` (compared case-insensitively) of a JSON object. Two keys that
 * differ only in case are rejected, because another verifier could read the other one.
 */
function field(value: unknown, key: string): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const expected = key.toLowerCase();
  const matches = Object.entries(value).filter(([name]) => name.toLowerCase() === expected);
  if (matches.length > 1) {
    throw new VerificationError(
      'MALFORMED',
      `the signature payload has ${matches.length} keys named "${key}" in different cases`,
    );
  }
  return matches[0]?.[1];
}
