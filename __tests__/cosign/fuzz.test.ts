import { generateKeyPairSync } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { inspectImageBundle } from '../../src/cosign/bundle.js';
import { checkPayload, parsePayload } from '../../src/cosign/payload.js';
import type { KeyPolicy } from '../../src/cosign/policy.js';
import { verifyBundle, verifyLegacyLayer } from '../../src/cosign/verify.js';
import { VerificationError } from '../../src/errors.js';

const FUZZ_RUNS = 2000;
const SEED = 20261204;
const DIGEST = `sha256:${'d'.repeat(64)}`;

const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const keyPolicy: KeyPolicy = {
  kind: 'key',
  key: publicKey,
  hashAlgorithm: 'sha256',
  ignoreTlog: false,
  trustedRoot: () => Promise.reject(new Error('no trust root in this test')),
};

/** JSON values shaped like payloads: the real keys appear often, with random values. */
const payloadLike = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.constantFrom('cosign container image signature', DIGEST, 'sha256:', ''),
    fc.string(),
    fc.integer(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 3 }),
    fc.dictionary(
      fc.constantFrom(
        'critical',
        'image',
        'type',
        'docker-manifest-digest',
        'Docker-Manifest-Digest',
        'identity',
        'optional',
      ),
      tie('value'),
      { maxKeys: 4 },
    ),
  ),
})).value;

/** Bundle-shaped JSON: real field names with random contents. */
const bundleLike = fc.record(
  {
    mediaType: fc.constantFrom(
      'application/vnd.dev.sigstore.bundle.v0.3+json',
      'application/vnd.dev.sigstore.bundle+json;version=0.1',
      'text/plain',
    ),
    verificationMaterial: fc.oneof(
      fc.record({
        publicKey: fc.record({ hint: fc.base64String() }),
        tlogEntries: fc.constant([]),
      }),
      fc.record({ certificate: fc.record({ rawBytes: fc.base64String() }) }),
      fc.anything(),
    ),
    dsseEnvelope: fc.record({
      payloadType: fc.constantFrom('application/vnd.in-toto+json', 'text/plain'),
      payload: fc.base64String(),
      signatures: fc.array(fc.record({ sig: fc.base64String(), keyid: fc.string() }), {
        maxLength: 2,
      }),
    }),
    messageSignature: fc.record({
      messageDigest: fc.record({
        algorithm: fc.constantFrom('SHA2_256', 'SHA2_512'),
        digest: fc.base64String(),
      }),
      signature: fc.base64String(),
    }),
  },
  { requiredKeys: ['mediaType'] },
);

describe('payload parsing under random input', () => {
  it(`returns a payload or a VerificationError for any bytes (${FUZZ_RUNS} runs)`, () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 512 }), (bytes) => {
        try {
          parsePayload(Buffer.from(bytes));
        } catch (error) {
          expect(error).toBeInstanceOf(VerificationError);
        }
      }),
      { numRuns: FUZZ_RUNS, seed: SEED },
    );
  });

  it(`accepts only payloads that name the image digest (${FUZZ_RUNS} runs)`, () => {
    fc.assert(
      fc.property(payloadLike, (document) => {
        try {
          const payload = parsePayload(Buffer.from(JSON.stringify(document)));
          checkPayload(payload, DIGEST);
          expect(payload.manifestDigest).toBe(DIGEST);
        } catch (error) {
          expect(error).toBeInstanceOf(VerificationError);
        }
      }),
      { numRuns: FUZZ_RUNS, seed: SEED },
    );
  });

  it(`never verifies a random legacy layer with a key (${FUZZ_RUNS} runs)`, async () => {
    await fc.assert(
      fc.asyncProperty(payloadLike, fc.string(), async (document, signature) => {
        const layer = {
          payload: Buffer.from(JSON.stringify(document)),
          signature,
          annotations: {},
        };
        await expect(verifyLegacyLayer(layer, DIGEST, keyPolicy)).rejects.toBeInstanceOf(
          VerificationError,
        );
      }),
      { numRuns: FUZZ_RUNS, seed: SEED },
    );
  });
});

describe('bundle parsing under random input', () => {
  it(`returns a signature or a VerificationError for any JSON (${FUZZ_RUNS} runs)`, () => {
    fc.assert(
      fc.property(fc.oneof(fc.anything(), bundleLike), (document) => {
        try {
          inspectImageBundle(document, DIGEST);
        } catch (error) {
          expect(error).toBeInstanceOf(VerificationError);
        }
      }),
      { numRuns: FUZZ_RUNS, seed: SEED },
    );
  });

  it(`never verifies a random bundle with a key (${FUZZ_RUNS} runs)`, async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.anything(), bundleLike), async (document) => {
        const manifest = () => Promise.resolve(Buffer.from('{}'));
        await expect(verifyBundle(document, DIGEST, keyPolicy, manifest)).rejects.toBeInstanceOf(
          Error,
        );
      }),
      { numRuns: FUZZ_RUNS, seed: SEED },
    );
  });
});
