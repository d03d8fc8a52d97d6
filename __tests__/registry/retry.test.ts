import { describe, expect, it } from 'vitest';
import { backoffDelay, DEFAULT_RETRY_OPTIONS, parseRetryAfter } from '../../src/registry/retry.js';

describe('backoffDelay', () => {
  const options = { ...DEFAULT_RETRY_OPTIONS, random: () => 0.999 };

  it.each([
    [1, 499],
    [2, 999],
    [3, 1998],
    [5, 7992],
    [10, 7992],
  ])('returns for attempt %i at most %i ms', (attempt, expected) => {
    expect(backoffDelay(attempt, options)).toBe(expected);
  });

  it('returns 0 when the jitter draws 0', () => {
    expect(backoffDelay(3, { ...options, random: () => 0 })).toBe(0);
  });
});

describe('parseRetryAfter', () => {
  const now = Date.parse('2030-01-01T00:00:00Z');

  it.each([
    ['120', 120_000],
    [' 5 ', 5000],
    ['0', 0],
    ['Tue, 01 Jan 2030 00:00:30 GMT', 30_000],
    ['Mon, 31 Dec 2029 23:59:00 GMT', 0],
  ])('returns for %j %i ms', (value, expected) => {
    expect(parseRetryAfter(value, now)).toBe(expected);
  });

  it.each([['soon'], ['-5'], ['1.5']])('returns undefined for %j', (value) => {
    expect(parseRetryAfter(value, now)).toBeUndefined();
  });
});
