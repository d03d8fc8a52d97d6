import { createHash } from 'node:crypto';

/** Digest algorithms a registry may use for manifests and blobs (OCI image spec, descriptor). */
export type DigestAlgorithm = 'sha256' | 'sha512';

const HEX_LENGTH: Record<DigestAlgorithm, number> = { sha256: 64, sha512: 128 };

/** A digest split into its algorithm and lowercase hex. */
export interface ParsedDigest {
  algorithm: DigestAlgorithm;
  hex: string;
}

/** Parses `algorithm:hex`, or throws an Error whose message names what is wrong. */
export function parseDigest(digest: string): ParsedDigest {
  const colon = digest.indexOf(':');
  if (colon < 0) {
    throw new Error(`digest "${digest}" must have the form sha256:<64 hex> or sha512:<128 hex>`);
  }

  const algorithm = digest.slice(0, colon);
  const hex = digest.slice(colon + 1);
  if (algorithm !== 'sha256' && algorithm !== 'sha512') {
    throw new Error(`digest algorithm "${algorithm}" is not supported: use sha256 or sha512`);
  }

  const expected = HEX_LENGTH[algorithm];
  if (hex.length !== expected || !/^[0-9a-f]+$/.test(hex)) {
    throw new Error(
      `digest "${digest}" must have ${expected} lowercase hex characters after "${algorithm}:"`,
    );
  }
  return { algorithm, hex };
}

/** Returns true when `digest` is a valid sha256 or sha512 digest. */
export function isDigest(digest: string): boolean {
  try {
    parseDigest(digest);
    return true;
  } catch {
    return false;
  }
}

/** Computes `algorithm:hex` of the exact bytes given. */
export function computeDigest(bytes: Uint8Array, algorithm: DigestAlgorithm = 'sha256'): string {
  return `${algorithm}:${createHash(algorithm).update(bytes).digest('hex')}`;
}

/** Returns true when `bytes` hash to `digest`, using the digest's own algorithm. */
export function matchesDigest(bytes: Uint8Array, digest: string): boolean {
  const { algorithm } = parseDigest(digest);
  return computeDigest(bytes, algorithm) === digest;
}
