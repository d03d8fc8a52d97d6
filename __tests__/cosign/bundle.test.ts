import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { VerificationError } from '../../src/errors.js';
import type { KeylessPolicy } from '../../src/cosign/policy.js';
import { cachedTrustedRoot } from '../../src/cosign/trust.js';
import { parseBundle } from '../../src/cosign/bundle.js';
import {
  inspectImageBundle,
  verifyBundleSignature,
  verifyImageBundle,
} from '../../src/cosign/sigstore.js';
import { verificationFailure } from '../helpers/failure.js';
import { realFixturesSkipReason } from '../helpers/fixtures.js';

const REAL = '../shared/fixtures/real';
const PUBLIC_GOOD = `${REAL}/trust/sigstore-public-good.trusted_root.json`;
const V03_DIGEST = 'sha256:732112270d7e59418a8c080b134b24cabd67d250d0d0147a97ed95ba5c280aa4';
const SAL_DIGEST = 'sha256:a2b109fb9baea555556561317fdd13cef9c3dfac22c8f8fea0c5a0b06ece9d00';

function readJson(file: string): unknown {
  return JSON.parse(readFileSync(`${REAL}/${file}`, 'utf8'));
}

function keylessPolicy(identity: string, issuer: string): KeylessPolicy {
  return {
    kind: 'keyless',
    identity: { identity, issuer },
    trustedRoot: cachedTrustedRoot({ path: PUBLIC_GOOD }),
    ignoreSct: false,
    ignoreTlog: false,
  };
}

/** Builds a v0.3 bundle from the keyless sal attestation: envelope and certificate, no log entry. */
function salKeylessBundle(): unknown {
  const envelope = readJson('sal-attestations-2023-05/keyless/envelope.json') as {
    payloadType: string;
    payload: string;
    signatures: { sig: string }[];
  };
  const pem = readFileSync(`${REAL}/sal-attestations-2023-05/keyless/certificate.pem`, 'utf8');
  const der = Buffer.from(pem.replace(/-----[A-Z ]+-----|\s/g, ''), 'base64');
  return {
    mediaType: 'application/vnd.dev.sigstore.bundle.v0.3+json',
    verificationMaterial: {
      certificate: { rawBytes: der.toString('base64') },
      tlogEntries: [],
      timestampVerificationData: { rfc3161Timestamps: [] },
    },
    dsseEnvelope: {
      payloadType: envelope.payloadType,
      payload: envelope.payload,
      signatures: [{ sig: envelope.signatures[0]?.sig ?? '', keyid: '' }],
    },
  };
}

describe.skipIf(realFixturesSkipReason)('cosign-bundle-v03-attestation', () => {
  const bundleJson = () => readJson('cosign-bundle-v03-attestation/bundle.sigstore.json');
  const policy = () => keylessPolicy('cody@soyland.com', 'https://github.com/login/oauth');

  it('verifies cryptographically with its signer', async () => {
    const result = await verifyBundleSignature(parseBundle(bundleJson()), policy());

    expect(result.signer?.identity).toBe('cody@soyland.com');
    expect(result.tlog).toBe('verified');
    expect(result.signingTime?.toISOString().slice(0, 10)).toBe('2025-02-28');
  });

  it('throws NOT_A_SIGNATURE from verifyImageBundle', async () => {
    const error = await verificationFailure(verifyImageBundle(bundleJson(), V03_DIGEST, policy()));

    expect(error.code).toBe('NOT_A_SIGNATURE');
    expect(error.message).toContain('bundle is an attestation with predicate type');
    expect(error.message).toContain('https://cosign.sigstore.dev/attestation/v1');
  });

  it('throws NOT_A_SIGNATURE from inspectImageBundle', () => {
    expect(() => inspectImageBundle(bundleJson(), V03_DIGEST)).toThrow(/not a signature/);
  });

  it('throws DIGEST_MISMATCH for another image digest', () => {
    const other = `sha256:${'0'.repeat(64)}`;

    expect(() => inspectImageBundle(bundleJson(), other)).toThrow(/do not include image digest/);
  });

  it('throws IDENTITY_MISMATCH for another identity', async () => {
    const other = keylessPolicy('someone@example.com', 'https://github.com/login/oauth');

    const error = await verificationFailure(
      verifyBundleSignature(parseBundle(bundleJson()), other),
    );

    expect(error.code).toBe('IDENTITY_MISMATCH');
  });
});

describe.skipIf(realFixturesSkipReason)('sgo-bundle-v01-npm-provenance', () => {
  const bundleJson = () => readJson('sgo-bundle-v01-npm-provenance/bundle.sigstore.json');

  it('parses as a v0.1 bundle', () => {
    const bundle = parseBundle(bundleJson());

    expect(bundle.mediaType).toBe('application/vnd.dev.sigstore.bundle+json;version=0.1');
    expect(bundle.content.$case).toBe('dsseEnvelope');
  });

  it('throws DIGEST_MISMATCH as a signature of an image', () => {
    const digest = `sha256:${'1'.repeat(64)}`;

    expect(() => inspectImageBundle(bundleJson(), digest)).toThrow(VerificationError);
    expect(() => inspectImageBundle(bundleJson(), digest)).toThrow(/do not include image digest/);
  });
});

describe.skipIf(realFixturesSkipReason)('sal-attestations-2023-05 keyless', () => {
  it('throws TLOG_MISSING without a log entry', async () => {
    const bundle = parseBundle(salKeylessBundle());
    const policy = keylessPolicy('unused@example.com', 'https://accounts.google.com');

    const error = await verificationFailure(verifyBundleSignature(bundle, policy));

    expect(error.code).toBe('TLOG_MISSING');
  });

  it('throws NOT_A_SIGNATURE as an image signature', () => {
    expect(() => inspectImageBundle(salKeylessBundle(), SAL_DIGEST)).toThrow(
      /attestation with predicate type/,
    );
  });
});

describe('parseBundle', () => {
  describe('when the JSON is not a bundle', () => {
    it('throws MALFORMED naming the missing fields', () => {
      const parse = () => parseBundle({ mediaType: 'application/json' });

      expect(parse).toThrow(VerificationError);
      expect(parse).toThrow(/invalid Sigstore bundle: .*mediaType/);
    });
  });
});
