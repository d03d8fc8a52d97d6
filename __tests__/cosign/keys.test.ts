import { generateKeyPairSync, sign, constants, type KeyObject } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeSignature, loadPublicKey, verifyWithKey } from '../../src/cosign/keys.js';
import type { HashAlgorithm } from '../../src/cosign/policy.js';
import { ConfigError, VerificationError } from '../../src/errors.js';
import { CERT_MANAGER, realFile, realFixturesSkipReason, realText } from '../helpers/fixtures.js';
import { readFileSync } from 'node:fs';

const DATA = Buffer.from('{"critical":{"type":"cosign container image signature"}}');
const ALGORITHMS: HashAlgorithm[] = ['sha256', 'sha384', 'sha512'];

function pem(key: KeyObject): string {
  return key.export({ type: 'spki', format: 'pem' }).toString();
}

const keyPairs = {
  'ECDSA P-256': generateKeyPairSync('ec', { namedCurve: 'P-256' }),
  'ECDSA P-384': generateKeyPairSync('ec', { namedCurve: 'P-384' }),
  'ECDSA P-521': generateKeyPairSync('ec', { namedCurve: 'P-521' }),
  'RSA 2048': generateKeyPairSync('rsa', { modulusLength: 2048 }),
};

describe('verifyWithKey', () => {
  for (const [name, pair] of Object.entries(keyPairs)) {
    describe(`with ${name}`, () => {
      it.each(ALGORITHMS)('verifies a %s signature', (algorithm) => {
        const signature = sign(algorithm, DATA, pair.privateKey);
        expect(verifyWithKey(loadPublicKey(pem(pair.publicKey)), DATA, signature, algorithm)).toBe(
          true,
        );
      });

      it('rejects a signature made with another hash algorithm', () => {
        const signature = sign('sha512', DATA, pair.privateKey);
        expect(verifyWithKey(pair.publicKey, DATA, signature, 'sha256')).toBe(false);
      });

      it('rejects a signature over other data', () => {
        const signature = sign('sha256', DATA, pair.privateKey);
        expect(verifyWithKey(pair.publicKey, Buffer.from('other'), signature, 'sha256')).toBe(
          false,
        );
      });
    });
  }

  it('verifies an RSA-PSS signature made with an rsa key', () => {
    const { publicKey, privateKey } = keyPairs['RSA 2048'];
    const signature = sign('sha256', DATA, {
      key: privateKey,
      padding: constants.RSA_PKCS1_PSS_PADDING,
      saltLength: 32,
    });
    expect(verifyWithKey(publicKey, DATA, signature, 'sha256')).toBe(true);
  });

  it('verifies an Ed25519 signature over the data itself', () => {
    const { publicKey, privateKey } = generateKeyPairSync('ed25519');
    const signature = sign(null, DATA, privateKey);
    expect(verifyWithKey(loadPublicKey(pem(publicKey)), DATA, signature, 'sha256')).toBe(true);
    expect(verifyWithKey(publicKey, Buffer.from('other'), signature, 'sha256')).toBe(false);
  });

  it('returns false for bytes that are not a signature', () => {
    expect(
      verifyWithKey(keyPairs['ECDSA P-256'].publicKey, DATA, Buffer.from('garbage'), 'sha256'),
    ).toBe(false);
  });

  it('verifies the real cert-manager signature only with sha512', () => {
    const key = loadPublicKey(join(CERT_MANAGER, 'cert-manager-pubkey-2021-09-20.pem'));
    const payload = readFileSync(join(CERT_MANAGER, 'payload.json'));
    const signature = decodeSignature(readFileSync(join(CERT_MANAGER, 'signature.b64'), 'utf8'));
    expect(verifyWithKey(key, payload, signature, 'sha512')).toBe(true);
    expect(verifyWithKey(key, payload, signature, 'sha256')).toBe(false);
  });
});

describe.skipIf(realFixturesSkipReason)('verifyWithKey on real signatures', () => {
  const payload = () => realFile('ci-key-p256', 'payload.json');
  const key = () => loadPublicKey(realText('ci-key-p256', 'cosign.pub'));

  it.each(['signature.b64', 'signature-2.b64'])('verifies ci-key-p256 %s', (file) => {
    expect(
      verifyWithKey(key(), payload(), decodeSignature(realText('ci-key-p256', file)), 'sha256'),
    ).toBe(true);
  });

  it('rejects a signature by an unknown key', () => {
    const signature = decodeSignature(realText('ci-key-p256', 'signature-unknown-key.b64'));
    expect(verifyWithKey(key(), payload(), signature, 'sha256')).toBe(false);
  });

  it('rejects the right signature with the wrong key', () => {
    const signature = decodeSignature(realText('ci-key-p256', 'signature.b64'));
    const wrongKey = loadPublicKey(realText('ci-key-p256', 'wrong-key.pub'));
    expect(verifyWithKey(wrongKey, payload(), signature, 'sha256')).toBe(false);
  });
});

describe('loadPublicKey', () => {
  it('reads a key from a file path', () => {
    const dir = mkdtempSync(join(tmpdir(), 'key-'));
    writeFileSync(join(dir, 'cosign.pub'), pem(keyPairs['ECDSA P-256'].publicKey));
    expect(loadPublicKey(join(dir, 'cosign.pub')).asymmetricKeyType).toBe('ec');
  });

  it('rejects a path that does not exist', () => {
    expect(() => loadPublicKey('/nonexistent/cosign.pub')).toThrow(ConfigError);
    expect(() => loadPublicKey('/nonexistent/cosign.pub')).toThrow(
      '"/nonexistent/cosign.pub" is neither PEM text nor a readable file',
    );
  });

  it('rejects a path that cannot be read', () => {
    const dir = mkdtempSync(join(tmpdir(), 'key-dir-'));
    expect(() => loadPublicKey(dir)).toThrow(ConfigError);
    expect(() => loadPublicKey(dir)).toThrow(`public key file ${dir} cannot be read (EISDIR)`);
  });

  it('rejects PEM that is not a public key', () => {
    const text = '-----BEGIN PUBLIC KEY-----\nbm90IGEga2V5\n-----END PUBLIC KEY-----\n';
    expect(() => loadPublicKey(text)).toThrow(/not a valid PEM public key/);
  });

  it('rejects an unsupported curve', () => {
    const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'secp256k1' });
    expect(() => loadPublicKey(pem(publicKey))).toThrow(
      'is a ec secp256k1 key: use ECDSA P-256/P-384/P-521, RSA or Ed25519',
    );
  });
});

describe('decodeSignature', () => {
  it('accepts base64 wrapped over several lines', () => {
    expect(decodeSignature('YWJj\nZGVm\n').toString()).toBe('abcdef');
  });

  it.each(['', 'not base64!', 'YWJjZ', 'YW=Jj'])('rejects "%s"', (text) => {
    expect(() => decodeSignature(text)).toThrow(VerificationError);
  });
});
