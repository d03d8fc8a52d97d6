import { describe, expect, it } from 'vitest';
import { checkPayload, parsePayload } from '../../src/cosign/payload.js';
import { VerificationError } from '../../src/errors.js';
import { realFile, realFixturesSkipReason } from '../helpers/fixtures.js';

const DIGEST = 'sha256:634a8f35b5f16dcf4aaa0822adc0b1964bb786fca12f6831de8ddc45e5986a00';

function payload(critical: unknown): Buffer {
  return Buffer.from(JSON.stringify({ critical, optional: null }));
}

describe('parsePayload', () => {
  it('reads type, digest and reference', () => {
    const parsed = parsePayload(
      payload({
        identity: { 'docker-reference': 'ghcr.io/org/app' },
        image: { 'docker-manifest-digest': DIGEST },
        type: 'cosign container image signature',
      }),
    );
    expect(parsed.type).toBe('cosign container image signature');
    expect(parsed.manifestDigest).toBe(DIGEST);
    expect(parsed.dockerReference).toBe('ghcr.io/org/app');
  });

  it('matches keys case-insensitively, as podman writes them', () => {
    const parsed = parsePayload(
      payload({
        Identity: {},
        Image: { 'Docker-manifest-digest': DIGEST },
        Type: 'cosign container image signature',
      }),
    );
    expect(parsed.manifestDigest).toBe(DIGEST);
  });

  it.each([
    ['not JSON', Buffer.from('{'), /not JSON/],
    ['no critical section', Buffer.from('{"optional":{}}'), /lacks critical.type/],
    [
      'a digest that is not a string',
      payload({ type: 'x', image: { 'docker-manifest-digest': 5 } }),
      /lacks/,
    ],
    ['an array', Buffer.from('[]'), /lacks/],
    [
      'two digest keys that differ in case',
      payload({
        type: 'cosign container image signature',
        image: {
          'docker-manifest-digest': DIGEST,
          'Docker-Manifest-Digest': `sha256:${'b'.repeat(64)}`,
        },
      }),
      /2 keys named "docker-manifest-digest"/,
    ],
  ])('rejects %s', (_name, bytes, reason) => {
    expect(() => parsePayload(bytes)).toThrow(VerificationError);
    expect(() => parsePayload(bytes)).toThrow(reason);
  });
});

describe('checkPayload', () => {
  it('accepts a payload naming the image digest', () => {
    expect(() =>
      checkPayload({ type: 'cosign container image signature', manifestDigest: DIGEST }, DIGEST),
    ).not.toThrow();
  });

  it('rejects a payload naming another digest', () => {
    const other = `sha256:${'1'.repeat(64)}`;
    expect(() =>
      checkPayload({ type: 'cosign container image signature', manifestDigest: other }, DIGEST),
    ).toThrow(`the signature payload names ${other}, not the image digest ${DIGEST}`);
  });

  it('rejects a payload of another type', () => {
    expect(() =>
      checkPayload({ type: 'atomic container signature', manifestDigest: DIGEST }, DIGEST),
    ).toThrow(/not "cosign container image signature"/);
  });
});

describe.skipIf(realFixturesSkipReason)('parsePayload on real payloads', () => {
  it('reads the ci-key-p256 payload digest', () => {
    expect(parsePayload(realFile('ci-key-p256', 'payload.json')).manifestDigest).toBe(DIGEST);
  });

  it('rejects the text/plain attachment as a payload', () => {
    expect(() => parsePayload(realFile('ci-key-p256', 'other-attachment-payload.txt'))).toThrow(
      VerificationError,
    );
  });
});
