import { createPublicKey } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { VerificationError } from '../../src/errors.js';
import type { KeyPolicy, KeylessPolicy, SignatureLayer } from '../../src/cosign/policy.js';
import { cachedTrustedRoot } from '../../src/cosign/trust.js';
import {
  legacyLayerToBundle,
  verifyLegacyKeyless,
  verifyLegacyTlogForKey,
} from '../../src/cosign/sigstore.js';
import { verificationFailure } from '../helpers/failure.js';
import { realFixturesSkipReason } from '../helpers/fixtures.js';

const REAL = '../shared/fixtures/real';
const PUBLIC_GOOD = `${REAL}/trust/sigstore-public-good.trusted_root.json`;

function read(file: string): string {
  return readFileSync(`${REAL}/${file}`, 'utf8');
}

/** Reads a real case folder into a `.sig` layer as the registry code passes it on. */
function realLayer(folder: string): SignatureLayer {
  const annotations = existsSync(`${REAL}/${folder}/annotations.json`)
    ? (JSON.parse(read(`${folder}/annotations.json`)) as Record<string, string>)
    : {
        'dev.cosignproject.cosign/signature': read(`${folder}/signature.b64`).trim(),
        'dev.sigstore.cosign/bundle': read(`${folder}/bundle.json`),
      };
  return {
    payload: readFileSync(`${REAL}/${folder}/payload.json`),
    signature: read(`${folder}/signature.b64`).trim(),
    annotations,
  };
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

function keyPolicy(keyFile: string): KeyPolicy {
  return {
    kind: 'key',
    key: createPublicKey(read(keyFile)),
    hashAlgorithm: 'sha256',
    trustedRoot: cachedTrustedRoot({ path: PUBLIC_GOOD }),
    ignoreTlog: false,
  };
}

describe.skipIf(realFixturesSkipReason)('legacyLayerToBundle', () => {
  describe('when given the real keyless layer', () => {
    it('returns a v0.1 message-signature bundle with one log entry', () => {
      const bundle = legacyLayerToBundle(realLayer('ci-keyless-fulcio-rekor'));

      expect(bundle.mediaType).toBe('application/vnd.dev.sigstore.bundle+json;version=0.1');
      expect(bundle.verificationMaterial.x509CertificateChain?.certificates).toHaveLength(3);
      expect(bundle.verificationMaterial.tlogEntries).toHaveLength(1);
      expect(bundle.verificationMaterial.tlogEntries[0]?.kindVersion).toEqual({
        kind: 'hashedrekord',
        version: '0.0.1',
      });
      expect(bundle.verificationMaterial.tlogEntries[0]?.integratedTime).toBe('1674247893');
      expect(bundle.messageSignature?.messageDigest?.digest).toBe(
        Buffer.from(
          '2dcf9e65b95efb54d936085b0b4519b22fb2e9ab47312ded0ec0fa45384701ed',
          'hex',
        ).toString('base64'),
      );
    });
  });

  describe('when the Rekor bundle annotation is not JSON', () => {
    it('throws MALFORMED naming the annotation', () => {
      const layer = realLayer('ci-keyless-fulcio-rekor');
      layer.annotations['dev.sigstore.cosign/bundle'] = '{';

      expect(() => legacyLayerToBundle(layer)).toThrow(VerificationError);
      expect(() => legacyLayerToBundle(layer)).toThrow(
        'annotation dev.sigstore.cosign/bundle is not valid JSON',
      );
    });
  });

  describe('when the certificate annotation is missing', () => {
    it('throws MALFORMED naming the annotation', () => {
      const layer = realLayer('ci-keyless-fulcio-rekor');
      delete layer.annotations['dev.sigstore.cosign/certificate'];

      expect(() => legacyLayerToBundle(layer)).toThrow(
        'annotation dev.sigstore.cosign/certificate is missing',
      );
    });
  });
});

describe.skipIf(realFixturesSkipReason)('verifyLegacyKeyless', () => {
  describe('when given ci-keyless-fulcio-rekor and its signer', () => {
    it('returns the signer and the integrated time', async () => {
      const policy = keylessPolicy('mitr@redhat.com', 'https://github.com/login/oauth');

      const result = await verifyLegacyKeyless(realLayer('ci-keyless-fulcio-rekor'), policy);

      expect(result.signer?.identity).toBe('mitr@redhat.com');
      expect(result.signer?.issuer).toBe('https://github.com/login/oauth');
      expect(result.tlog).toBe('verified');
      expect(result.signingTime?.toISOString()).toBe('2023-01-20T20:51:33.000Z');
    });
  });

  describe('when the policy names another identity', () => {
    it('throws IDENTITY_MISMATCH', async () => {
      const policy = keylessPolicy('someone@example.com', 'https://github.com/login/oauth');

      const error = await verificationFailure(
        verifyLegacyKeyless(realLayer('ci-keyless-fulcio-rekor'), policy),
      );

      expect(error.code).toBe('IDENTITY_MISMATCH');
      expect(error.message).toContain('"mitr@redhat.com"');
    });
  });

  describe('when the payload was changed', () => {
    it('throws TLOG_INVALID because the log entry names another payload hash', async () => {
      const layer = realLayer('ci-keyless-fulcio-rekor');
      layer.payload = Buffer.concat([layer.payload, Buffer.from(' ')]);
      const policy = keylessPolicy('mitr@redhat.com', 'https://github.com/login/oauth');

      const error = await verificationFailure(verifyLegacyKeyless(layer, policy));

      expect(error.code).toBe('TLOG_INVALID');
      expect(error.message).toContain('payload hash');
    });
  });
});

describe.skipIf(realFixturesSkipReason)('verifyLegacyTlogForKey', () => {
  describe('when given ci-key-p256-rekor-bundle and its key', () => {
    it('returns a verified log entry at the integrated time', async () => {
      const policy = keyPolicy('ci-key-p256-rekor-bundle/cosign.pub');

      const result = await verifyLegacyTlogForKey(realLayer('ci-key-p256-rekor-bundle'), policy);

      expect(result.tlog).toBe('verified');
      expect(result.signingTime?.toISOString()).toBe(new Date(1674251859 * 1000).toISOString());
    });
  });

  describe('when ci-key-p256-rekor-bundle is checked with the wrong key', () => {
    it('throws TLOG_INVALID', async () => {
      const policy = keyPolicy('ci-key-p256-rekor-bundle/wrong-key.pub');

      const error = await verificationFailure(
        verifyLegacyTlogForKey(realLayer('ci-key-p256-rekor-bundle'), policy),
      );

      expect(error.code).toBe('TLOG_INVALID');
      expect(error.message).toContain('names another public key');
    });
  });

  describe('when given the rekord entry of rs-key-p256-rekord', () => {
    it('returns a verified log entry', async () => {
      const policy = keyPolicy('rs-key-p256-rekord/cosign.pub');

      const result = await verifyLegacyTlogForKey(realLayer('rs-key-p256-rekord'), policy);

      expect(result.tlog).toBe('verified');
      expect(result.signingTime?.toISOString()).toBe(new Date(1634714179 * 1000).toISOString());
    });
  });

  describe('when rs-key-p256-rekord is checked with another key', () => {
    it('throws TLOG_INVALID', async () => {
      const policy = keyPolicy('ci-key-p256-rekor-bundle/wrong-key.pub');

      const error = await verificationFailure(
        verifyLegacyTlogForKey(realLayer('rs-key-p256-rekord'), policy),
      );

      expect(error.code).toBe('TLOG_INVALID');
    });
  });

  describe('when the rekord signed entry timestamp is tampered with', () => {
    it('throws TLOG_INVALID from the signed entry timestamp check', async () => {
      const layer = realLayer('rs-key-p256-rekord');
      const rekorBundle = JSON.parse(layer.annotations['dev.sigstore.cosign/bundle'] ?? '{}') as {
        Payload: { integratedTime: number };
      };
      rekorBundle.Payload.integratedTime += 1;
      layer.annotations['dev.sigstore.cosign/bundle'] = JSON.stringify(rekorBundle);

      const error = await verificationFailure(
        verifyLegacyTlogForKey(layer, keyPolicy('rs-key-p256-rekord/cosign.pub')),
      );

      expect(error.code).toBe('TLOG_INVALID');
      expect(error.message).toContain('signed entry timestamp check failed');
    });
  });

  describe('when the layer has no Rekor bundle', () => {
    it('returns absent', async () => {
      const layer = realLayer('ci-key-p256-rekor-bundle');
      delete layer.annotations['dev.sigstore.cosign/bundle'];

      const result = await verifyLegacyTlogForKey(
        layer,
        keyPolicy('ci-key-p256-rekor-bundle/cosign.pub'),
      );

      expect(result).toEqual({ tlog: 'absent', notes: [] });
    });
  });
});
