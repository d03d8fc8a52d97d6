import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** Folder of the real signatures shared with CI; absent in a user's clone. */
export const REAL_FIXTURES = resolve(import.meta.dirname, '../../../shared/fixtures/real');

/** Reason to skip tests that need the real fixtures, or undefined when they are present. */
export const realFixturesSkipReason = existsSync(REAL_FIXTURES)
  ? undefined
  : `the real signature fixtures are not at ${REAL_FIXTURES} (CI provides them; a clone does not)`;

// vitest prints no reason for a skipped test, so print the reason once.
if (realFixturesSkipReason)
  console.warn(`skipping real-signature tests: ${realFixturesSkipReason}`);

/** The cert-manager v1.8.0 signature carried in this repository for the demo. */
export const CERT_MANAGER = resolve(import.meta.dirname, '../../fixtures/cert-manager-v1.8.0');

/** Reads a file of a real fixture case as bytes. */
export function realFile(...path: string[]): Buffer {
  return readFileSync(join(REAL_FIXTURES, ...path));
}

/** Reads a file of a real fixture case as trimmed text. */
export function realText(...path: string[]): string {
  return realFile(...path)
    .toString('utf8')
    .trim();
}
