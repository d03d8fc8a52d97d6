import { describe, expect, it } from 'vitest';
import { computeDigest, isDigest, matchesDigest, parseDigest } from '../src/digest.js';

describe('computeDigest', () => {
  it('hashes the exact bytes with sha256', () => {
    expect(computeDigest(Buffer.from('abc'))).toBe(
      'sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
  });

  it('hashes with sha512 when asked', () => {
    expect(computeDigest(Buffer.from('abc'), 'sha512')).toBe(
      'sha512:ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f',
    );
  });

  it('gives pretty-printed and compact JSON different digests', () => {
    const document = { schemaVersion: 2 };
    expect(computeDigest(Buffer.from(JSON.stringify(document)))).not.toBe(
      computeDigest(Buffer.from(JSON.stringify(document, null, 2))),
    );
  });
});

describe('parseDigest', () => {
  it('splits algorithm and hex', () => {
    const digest = parseDigest(`sha256:${'0'.repeat(64)}`);
    expect(digest.algorithm).toBe('sha256');
    expect(digest.hex).toBe('0'.repeat(64));
  });

  it.each([
    ['sha256', /must have the form/],
    [`sha1:${'0'.repeat(40)}`, /not supported/],
    [`sha256:${'0'.repeat(63)}`, /64 lowercase hex/],
    [`sha512:${'0'.repeat(64)}`, /128 lowercase hex/],
    [`sha256:${'g'.repeat(64)}`, /64 lowercase hex/],
  ])('rejects %s', (digest, reason) => {
    expect(() => parseDigest(digest)).toThrow(reason);
  });
});

describe('matchesDigest', () => {
  it('accepts the bytes that hash to the digest', () => {
    expect(matchesDigest(Buffer.from('abc'), computeDigest(Buffer.from('abc')))).toBe(true);
  });

  it('rejects other bytes', () => {
    expect(matchesDigest(Buffer.from('abd'), computeDigest(Buffer.from('abc')))).toBe(false);
  });

  it('reports invalid digests', () => {
    expect(isDigest('sha256:zz')).toBe(false);
  });
});
