/**
 * Error types of the core. Each message names the failing value and the next step, so the action
 * can print it as one line. The action maps the classes to result statuses in `report.ts`.
 */

/** Invalid settings: a bad input value, an unreadable key or trust root. Fails the whole run. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** An image reference that does not follow the docker reference grammar. */
export class InvalidReferenceError extends Error {
  override name = 'InvalidReferenceError';

  constructor(
    readonly reference: string,
    reason: string,
  ) {
    super(`invalid image reference "${reference}": ${reason}`);
  }
}

/** Failure codes of a registry request, used for status mapping and retry decisions. */
export type RegistryErrorCode =
  | 'NOT_FOUND'
  | 'UNAUTHORIZED'
  | 'DENIED'
  | 'TOO_MANY_REQUESTS'
  | 'SERVER_ERROR'
  | 'NETWORK'
  | 'TIMEOUT'
  | 'BAD_RESPONSE'
  | 'TOO_LARGE'
  | 'DIGEST_MISMATCH'
  | 'UNSUPPORTED';

/**
 * A failed registry request. `url` never contains credentials or a query string.
 * `retryable` is true when another attempt can help.
 */
export class RegistryError extends Error {
  override name = 'RegistryError';

  constructor(
    readonly code: RegistryErrorCode,
    message: string,
    readonly details: {
      method?: string;
      url?: string;
      status?: number;
      registryCode?: string;
      retryable?: boolean;
      cause?: unknown;
    } = {},
  ) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
  }

  get status(): number | undefined {
    return this.details.status;
  }

  get retryable(): boolean {
    return this.details.retryable ?? false;
  }
}

/** Codes of a failed signature check. */
export type VerificationErrorCode =
  | 'MALFORMED'
  | 'DIGEST_MISMATCH'
  | 'NOT_A_SIGNATURE'
  | 'BAD_SIGNATURE'
  | 'UNTRUSTED_CERTIFICATE'
  | 'IDENTITY_MISMATCH'
  | 'TLOG_INVALID'
  | 'TLOG_MISSING'
  | 'TRUST_ROOT';

/** A signature that was read but does not pass a check. */
export class VerificationError extends Error {
  override name = 'VerificationError';

  constructor(
    readonly code: VerificationErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Returns the message of any thrown value, for one-line reports. */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
