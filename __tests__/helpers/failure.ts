import { expect } from 'vitest';
import { VerificationError } from '../../src/errors.js';

/** Awaits a check that must fail, asserts it failed with a VerificationError, and returns it. */
export async function verificationFailure(check: Promise<unknown>): Promise<VerificationError> {
  const error = await check.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(VerificationError);
  return error as VerificationError;
}
