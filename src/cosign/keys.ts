import { constants, createPublicKey, verify, type KeyObject } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { ConfigError, VerificationError, errorMessage } from '../errors.js';
import type { HashAlgorithm } from './policy.js';

const SUPPORTED_CURVES = new Set(['prime256v1', 'secp384r1', 'secp521r1']);

/**
 * Loads a public key from PEM text or from a path to a PEM file. Throws ConfigError for
 * anything that is not an ECDSA P-256/P-384/P-521, RSA or Ed25519 public key.
 */
export function loadPublicKey(value: string): KeyObject {
  const text = value.trim();
  let pem = text;
  let source = 'the public-key input';
  if (!text.startsWith('-----BEGIN')) {
    if (!existsSync(text)) {
      throw new ConfigError(
        `public-key "${text}" is neither PEM text nor a readable file: pass the PEM or a path to it`,
      );
    }
    source = `public key file ${text}`;
    try {
      pem = readFileSync(text, 'utf8');
    } catch (error) {
      throw new ConfigError(
        `${source} cannot be read (${(error as NodeJS.ErrnoException).code ?? errorMessage(error)}): pass a readable PEM file`,
      );
    }
  }

  let key: KeyObject;
  try {
    key = createPublicKey({ key: pem, format: 'pem' });
  } catch (error) {
    throw new ConfigError(
      `${source} is not a valid PEM public key (${(error as Error).message}): export it with "cosign public-key"`,
    );
  }
  checkKeyType(key, source);
  return key;
}

function checkKeyType(key: KeyObject, source: string): void {
  const type = key.asymmetricKeyType;
  if (type === 'rsa' || type === 'rsa-pss' || type === 'ed25519') return;
  if (type === 'ec' && SUPPORTED_CURVES.has(key.asymmetricKeyDetails?.namedCurve ?? '')) return;
  const curve = key.asymmetricKeyDetails?.namedCurve;
  throw new ConfigError(
    `${source} is a ${type ?? 'unknown'}${curve ? ` ${curve}` : ''} key: use ECDSA P-256/P-384/P-521, RSA or Ed25519`,
  );
}

/**
 * Decodes a base64 signature, allowing line breaks (some signers wrap it), and throws
 * MALFORMED for anything else that is not base64.
 */
export function decodeSignature(text: string): Buffer {
  const compact = text.replace(/\s+/g, '');
  if (compact === '' || compact.length % 4 !== 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(compact)) {
    throw new VerificationError('MALFORMED', 'the signature annotation is not valid base64');
  }
  return Buffer.from(compact, 'base64');
}

/**
 * Verifies `signature` over `data` with `key`. ECDSA signatures are ASN.1 DER; RSA is tried
 * with PKCS#1 v1.5 and then PSS, since cosign accepts both; Ed25519 signs the data itself.
 */
export function verifyWithKey(
  key: KeyObject,
  data: Buffer,
  signature: Buffer,
  hashAlgorithm: HashAlgorithm,
): boolean {
  try {
    const type = key.asymmetricKeyType;
    if (type === 'ed25519') return verify(null, data, key, signature);
    if (type === 'rsa-pss') {
      return verify(
        hashAlgorithm,
        data,
        { key, saltLength: constants.RSA_PSS_SALTLEN_AUTO },
        signature,
      );
    }
    if (type === 'rsa') {
      if (verify(hashAlgorithm, data, key, signature)) return true;
      return verify(
        hashAlgorithm,
        data,
        {
          key,
          padding: constants.RSA_PKCS1_PSS_PADDING,
          saltLength: constants.RSA_PSS_SALTLEN_AUTO,
        },
        signature,
      );
    }
    return verify(hashAlgorithm, data, { key, dsaEncoding: 'der' }, signature);
  } catch {
    // OpenSSL throws on signatures it cannot parse; for a verifier that is a failed check.
    return false;
  }
}
