import { beforeAll, describe, expect, it } from 'vitest';
import type { KeyPolicy, KeylessPolicy } from '../../src/cosign/policy.js';
import {
  IGNORE_TLOG_NOTE,
  NO_TLOG_NOTE,
  verifyImageBundle,
  verifyLegacyKeyless,
} from '../../src/cosign/sigstore.js';
import {
  SLSA_PROVENANCE_PREDICATE,
  createCA,
  createTestSigstore,
  generateP256,
  randomImageDigest,
  signBundleKeyless,
  signBundleWithKey,
  signLegacyKeyless,
  type KeyPair,
  type TestSigstore,
} from '../helpers/sigstore-fixtures.js';
import { verificationFailure } from '../helpers/failure.js';

const IDENTITY = 'https://github.com/acme/app/.github/workflows/release.yml@refs/heads/main';
const ISSUER = 'https://token.actions.githubusercontent.com';

let sigstore: TestSigstore;
let keys: KeyPair;

beforeAll(async () => {
  sigstore = await createTestSigstore();
  keys = generateP256();
});

function keylessPolicy(overrides: Partial<KeylessPolicy> = {}): KeylessPolicy {
  return {
    kind: 'keyless',
    identity: { identity: IDENTITY, issuer: ISSUER },
    trustedRoot: sigstore.trustedRoot,
    ignoreSct: false,
    ignoreTlog: false,
    ...overrides,
  };
}

function keyPolicy(overrides: Partial<KeyPolicy> = {}): KeyPolicy {
  return {
    kind: 'key',
    key: keys.publicKey,
    hashAlgorithm: 'sha256',
    trustedRoot: sigstore.trustedRoot,
    ignoreTlog: false,
    ...overrides,
  };
}

describe('verifyImageBundle', () => {
  describe('when a keyless cosign 3 bundle matches the policy', () => {
    it('returns the signer, a verified log entry and the signing time', async () => {
      const digest = randomImageDigest();
      const bundle = await signBundleKeyless(sigstore, {
        imageDigest: digest,
        identity: IDENTITY,
        issuer: ISSUER,
      });

      const result = await verifyImageBundle(bundle, digest, keylessPolicy());

      expect(result.signer?.identity).toBe(IDENTITY);
      expect(result.signer?.issuer).toBe(ISSUER);
      expect(result.tlog).toBe('verified');
      expect(result.signingTime).toBeInstanceOf(Date);
      expect(result.notes).toEqual([]);
    });
  });

  describe('when the certificate names another identity', () => {
    it('throws IDENTITY_MISMATCH naming both identities', async () => {
      const digest = randomImageDigest();
      const other = 'https://github.com/evil/app/.github/workflows/release.yml@refs/heads/main';
      const bundle = await signBundleKeyless(sigstore, {
        imageDigest: digest,
        identity: other,
        issuer: ISSUER,
      });

      const error = await verificationFailure(verifyImageBundle(bundle, digest, keylessPolicy()));

      expect(error.code).toBe('IDENTITY_MISMATCH');
      expect(error.message).toContain(`expected "${IDENTITY}"`);
      expect(error.message).toContain(`certificate has "${other}"`);
    });
  });

  describe('when the certificate names another issuer', () => {
    it('throws IDENTITY_MISMATCH naming the issuer', async () => {
      const digest = randomImageDigest();
      const bundle = await signBundleKeyless(sigstore, {
        imageDigest: digest,
        identity: IDENTITY,
        issuer: 'https://accounts.example.com',
      });

      const error = await verificationFailure(verifyImageBundle(bundle, digest, keylessPolicy()));

      expect(error.code).toBe('IDENTITY_MISMATCH');
      expect(error.message).toContain('certificate issuer mismatch');
    });
  });

  describe('when an unanchored regexp matches only a prefix', () => {
    it('throws IDENTITY_MISMATCH for the longer identity', async () => {
      const digest = randomImageDigest();
      const longer = `${IDENTITY}-fork`;
      const bundle = await signBundleKeyless(sigstore, {
        imageDigest: digest,
        identity: longer,
        issuer: ISSUER,
      });
      const policy = keylessPolicy({
        identity: {
          identityRegexp: 'https://github.com/acme/app/.*@refs/heads/main',
          issuer: ISSUER,
        },
      });

      const error = await verificationFailure(verifyImageBundle(bundle, digest, policy));

      expect(error.code).toBe('IDENTITY_MISMATCH');
      expect(error.message).toContain('certificate identity mismatch');
    });
  });

  describe('when the certificate expired before the log entry', () => {
    it('throws UNTRUSTED_CERTIFICATE from the chain check', async () => {
      const digest = randomImageDigest();
      const logTime = new Date(Date.now() + 30 * 60 * 1000);
      const bundle = await signBundleKeyless(sigstore, {
        imageDigest: digest,
        identity: IDENTITY,
        issuer: ISSUER,
        logTime,
      });

      const error = await verificationFailure(verifyImageBundle(bundle, digest, keylessPolicy()));

      expect(error.code).toBe('UNTRUSTED_CERTIFICATE');
      expect(error.message).toContain('certificate chain check failed');
      expect(error.message).toContain('expired');
    });
  });

  describe('when the certificate chains to an unknown CA', () => {
    it('throws UNTRUSTED_CERTIFICATE from the chain check', async () => {
      const digest = randomImageDigest();
      const ca = await createCA(sigstore, { untrusted: true });
      const bundle = await signBundleKeyless(sigstore, {
        imageDigest: digest,
        identity: IDENTITY,
        issuer: ISSUER,
        ca,
      });

      const error = await verificationFailure(verifyImageBundle(bundle, digest, keylessPolicy()));

      expect(error.code).toBe('UNTRUSTED_CERTIFICATE');
      expect(error.message).toContain('certificate chain check failed');
    });
  });

  describe('when the log entry body names another signature', () => {
    it('throws TLOG_INVALID from the log entry body check', async () => {
      const digest = randomImageDigest();
      const bundle = await signBundleKeyless(sigstore, {
        imageDigest: digest,
        identity: IDENTITY,
        issuer: ISSUER,
        logSignature: Buffer.from('another signature'),
      });

      const error = await verificationFailure(verifyImageBundle(bundle, digest, keylessPolicy()));

      expect(error.code).toBe('TLOG_INVALID');
      expect(error.message).toContain('log entry body check failed');
    });
  });

  describe('when the signed entry timestamp is tampered with', () => {
    it('throws TLOG_INVALID from the signed entry timestamp check', async () => {
      const digest = randomImageDigest();
      const bundle = await signBundleKeyless(sigstore, {
        imageDigest: digest,
        identity: IDENTITY,
        issuer: ISSUER,
        tamperSignedEntryTimestamp: true,
      });

      const error = await verificationFailure(verifyImageBundle(bundle, digest, keylessPolicy()));

      expect(error.code).toBe('TLOG_INVALID');
      expect(error.message).toContain('signed entry timestamp check failed');
    });
  });

  describe('when a keyless bundle has no log entry', () => {
    it('throws TLOG_MISSING', async () => {
      const digest = randomImageDigest();
      const bundle = await signBundleKeyless(sigstore, {
        imageDigest: digest,
        identity: IDENTITY,
        issuer: ISSUER,
        tlog: false,
      });

      const error = await verificationFailure(verifyImageBundle(bundle, digest, keylessPolicy()));

      expect(error.code).toBe('TLOG_MISSING');
    });

    it('rejects ignore-tlog without a timestamp', async () => {
      const digest = randomImageDigest();
      const bundle = await signBundleKeyless(sigstore, {
        imageDigest: digest,
        identity: IDENTITY,
        issuer: ISSUER,
        tlog: false,
      });

      const error = await verificationFailure(
        verifyImageBundle(bundle, digest, keylessPolicy({ ignoreTlog: true })),
      );

      expect(error.code).toBe('TLOG_MISSING');
      expect(error.message).toContain(
        'ignore-tlog is set and the signature has no RFC 3161 timestamp',
      );
    });
  });

  describe('when the statement names another digest', () => {
    it('throws DIGEST_MISMATCH', async () => {
      const digest = randomImageDigest();
      const bundle = await signBundleKeyless(sigstore, {
        imageDigest: digest,
        subjectDigest: randomImageDigest(),
        identity: IDENTITY,
        issuer: ISSUER,
      });

      const error = await verificationFailure(verifyImageBundle(bundle, digest, keylessPolicy()));

      expect(error.code).toBe('DIGEST_MISMATCH');
      expect(error.message).toContain(digest);
    });
  });

  describe('when the predicate is SLSA provenance', () => {
    it('throws NOT_A_SIGNATURE naming the predicate type', async () => {
      const digest = randomImageDigest();
      const bundle = await signBundleKeyless(sigstore, {
        imageDigest: digest,
        identity: IDENTITY,
        issuer: ISSUER,
        predicateType: SLSA_PROVENANCE_PREDICATE,
      });

      const error = await verificationFailure(verifyImageBundle(bundle, digest, keylessPolicy()));

      expect(error.code).toBe('NOT_A_SIGNATURE');
      expect(error.message).toContain(SLSA_PROVENANCE_PREDICATE);
    });
  });

  describe('when a key-based bundle is checked with its key', () => {
    it('returns a verified log entry and the signature', async () => {
      const digest = randomImageDigest();
      const bundle = await signBundleWithKey(sigstore, keys, { imageDigest: digest });

      const result = await verifyImageBundle(bundle, digest, keyPolicy());

      expect(result.tlog).toBe('verified');
      expect(result.signer).toBeUndefined();
      expect(result.signature).toMatch(/^[A-Za-z0-9+/]+=*$/);
      expect(result.notes).toEqual([]);
    });
  });

  describe('when a key-based bundle is checked with another key', () => {
    it('throws BAD_SIGNATURE', async () => {
      const digest = randomImageDigest();
      const bundle = await signBundleWithKey(sigstore, keys, { imageDigest: digest });

      const error = await verificationFailure(
        verifyImageBundle(bundle, digest, keyPolicy({ key: generateP256().publicKey })),
      );

      expect(error.code).toBe('BAD_SIGNATURE');
      expect(error.message).toContain('signature check failed');
    });
  });

  describe('when a key-based bundle has no log entry', () => {
    it('returns absent with a note', async () => {
      const digest = randomImageDigest();
      const bundle = await signBundleWithKey(sigstore, keys, { imageDigest: digest, tlog: false });

      const result = await verifyImageBundle(bundle, digest, keyPolicy());

      expect(result.tlog).toBe('absent');
      expect(result.notes).toEqual([NO_TLOG_NOTE]);
    });
  });

  describe('when a key-based bundle has a tampered log entry', () => {
    it('throws TLOG_INVALID', async () => {
      const digest = randomImageDigest();
      const bundle = await signBundleWithKey(sigstore, keys, {
        imageDigest: digest,
        tamperSignedEntryTimestamp: true,
      });

      const error = await verificationFailure(verifyImageBundle(bundle, digest, keyPolicy()));

      expect(error.code).toBe('TLOG_INVALID');
    });

    it('returns skipped with ignore-tlog', async () => {
      const digest = randomImageDigest();
      const bundle = await signBundleWithKey(sigstore, keys, {
        imageDigest: digest,
        tamperSignedEntryTimestamp: true,
      });

      const result = await verifyImageBundle(bundle, digest, keyPolicy({ ignoreTlog: true }));

      expect(result.tlog).toBe('skipped');
      expect(result.notes).toEqual([IGNORE_TLOG_NOTE]);
    });
  });

  describe('when a message-signature bundle names another digest', () => {
    it('throws DIGEST_MISMATCH', async () => {
      const digest = randomImageDigest();
      const other = randomImageDigest().split(':')[1] ?? '';
      const bundle = {
        mediaType: 'application/vnd.dev.sigstore.bundle.v0.3+json',
        verificationMaterial: {
          publicKey: { hint: '' },
          tlogEntries: [],
          timestampVerificationData: { rfc3161Timestamps: [] },
        },
        messageSignature: {
          messageDigest: {
            algorithm: 'SHA2_256',
            digest: Buffer.from(other, 'hex').toString('base64'),
          },
          signature: Buffer.from('signature').toString('base64'),
        },
      };

      const error = await verificationFailure(verifyImageBundle(bundle, digest, keyPolicy()));

      expect(error.code).toBe('DIGEST_MISMATCH');
      expect(error.message).toContain('message digest');
    });
  });
});

describe('verifyLegacyKeyless', () => {
  describe('when a legacy keyless layer matches the policy', () => {
    it('returns the signer, a verified log entry and the signing time', async () => {
      const layer = await signLegacyKeyless(sigstore, {
        imageDigest: randomImageDigest(),
        identity: IDENTITY,
        issuer: ISSUER,
      });

      const result = await verifyLegacyKeyless(layer, keylessPolicy());

      expect(result.signer?.identity).toBe(IDENTITY);
      expect(result.tlog).toBe('verified');
      expect(result.signingTime).toBeInstanceOf(Date);
    });
  });

  describe('when the log entry body names another signature', () => {
    it('throws TLOG_INVALID from the body check', async () => {
      const layer = await signLegacyKeyless(sigstore, {
        imageDigest: randomImageDigest(),
        identity: IDENTITY,
        issuer: ISSUER,
        logSignature: Buffer.from('another signature'),
      });

      const error = await verificationFailure(verifyLegacyKeyless(layer, keylessPolicy()));

      expect(error.code).toBe('TLOG_INVALID');
      expect(error.message).toContain('names another signature');
    });
  });

  describe('when the signed entry timestamp is tampered with', () => {
    it('throws TLOG_INVALID', async () => {
      const layer = await signLegacyKeyless(sigstore, {
        imageDigest: randomImageDigest(),
        identity: IDENTITY,
        issuer: ISSUER,
        tamperSignedEntryTimestamp: true,
      });

      const error = await verificationFailure(verifyLegacyKeyless(layer, keylessPolicy()));

      expect(error.code).toBe('TLOG_INVALID');
      expect(error.message).toContain('signed entry timestamp check failed');
    });
  });

  describe('when the layer has no Rekor bundle', () => {
    it('throws TLOG_MISSING', async () => {
      const layer = await signLegacyKeyless(sigstore, {
        imageDigest: randomImageDigest(),
        identity: IDENTITY,
        issuer: ISSUER,
        tlog: false,
      });

      const error = await verificationFailure(verifyLegacyKeyless(layer, keylessPolicy()));

      expect(error.code).toBe('TLOG_MISSING');
    });
  });

  describe('when the certificate names another identity', () => {
    it('throws IDENTITY_MISMATCH', async () => {
      const layer = await signLegacyKeyless(sigstore, {
        imageDigest: randomImageDigest(),
        identity: 'https://github.com/evil/app/.github/workflows/x.yml@refs/heads/main',
        issuer: ISSUER,
      });

      const error = await verificationFailure(verifyLegacyKeyless(layer, keylessPolicy()));

      expect(error.code).toBe('IDENTITY_MISMATCH');
    });
  });
});

describe('RFC 3161 timestamps from a trusted timestamp authority', () => {
  let sigstore: TestSigstore;

  beforeAll(async () => {
    sigstore = await createTestSigstore();
  });

  function policy(overrides: Partial<KeylessPolicy> = {}): KeylessPolicy {
    return {
      kind: 'keyless',
      identity: { identity: IDENTITY, issuer: ISSUER },
      trustedRoot: sigstore.trustedRoot,
      ignoreSct: false,
      ignoreTlog: false,
      ...overrides,
    };
  }

  it('date a keyless bundle under ignore-tlog', async () => {
    const digest = randomImageDigest();
    const before = Date.now() - 1000;
    const bundle = await signBundleKeyless(sigstore, {
      imageDigest: digest,
      identity: IDENTITY,
      issuer: ISSUER,
      tlog: false,
      timestamp: true,
    });

    const result = await verifyImageBundle(bundle, digest, policy({ ignoreTlog: true }));

    expect(result.tlog).toBe('skipped');
    expect(result.signer?.identity).toBe(IDENTITY);
    expect(result.signingTime?.getTime()).toBeGreaterThan(before);
  });

  it('date a legacy keyless layer under ignore-tlog', async () => {
    const digest = randomImageDigest();
    const layer = await signLegacyKeyless(sigstore, {
      imageDigest: digest,
      identity: IDENTITY,
      issuer: ISSUER,
      tlog: false,
      timestamp: true,
    });

    const result = await verifyLegacyKeyless(layer, policy({ ignoreTlog: true }));

    expect(layer.annotations['dev.sigstore.cosign/rfc3161timestamp']).toContain(
      'SignedRFC3161Timestamp',
    );
    expect(result.tlog).toBe('skipped');
    expect(result.signingTime).toBeInstanceOf(Date);
  });

  it('reject a timestamp over another signature', async () => {
    const digest = randomImageDigest();
    const bundle = await signBundleKeyless(sigstore, {
      imageDigest: digest,
      identity: IDENTITY,
      issuer: ISSUER,
      tlog: false,
      timestamp: true,
    });
    const other = await signBundleKeyless(sigstore, {
      imageDigest: digest,
      identity: IDENTITY,
      issuer: ISSUER,
      tlog: false,
      timestamp: true,
    });
    const material = (bundle as { verificationMaterial: Record<string, unknown> })
      .verificationMaterial;
    material.timestampVerificationData = (
      other as { verificationMaterial: Record<string, unknown> }
    ).verificationMaterial.timestampVerificationData;

    const error = await verificationFailure(
      verifyImageBundle(bundle, digest, policy({ ignoreTlog: true })),
    );

    expect(error.code).toBe('TLOG_INVALID');
    expect(error.message).toContain('RFC 3161 timestamp check failed');
  });
});
