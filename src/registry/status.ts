import { RegistryError, type RegistryErrorCode } from '../errors.js';
import { parseWwwAuthenticate } from './challenge.js';
import { attemptsText, RETRYABLE_STATUSES } from './retry.js';
import { oneLine, redactUrl, type HttpResponse } from './transport.js';

/** An error entry of a registry error body (OCI distribution spec, error codes). */
export interface RegistryErrorBody {
  code: string;
  message: string;
}

interface Classification {
  code: RegistryErrorCode;
  hint?: string;
}

/**
 * Throws a RegistryError for any status but 200, with the registry's own error code and
 * message when the body carries them, a next step for the user, and the attempt count when the
 * request was retried.
 */
export function checkStatus(
  response: HttpResponse,
  method: string,
  url: string,
  resource: string,
): void {
  if (response.status === 200) return;

  const target = redactUrl(url);
  const registryError = readRegistryError(response.body);
  const detail = registryError ? `: ${registryError.code}: ${registryError.message}` : '';
  const { code, hint } = classify(response, registryError?.code);
  const retryable = RETRYABLE_STATUSES.has(response.status);
  const attempts = response.attempts !== undefined && (retryable || response.attempts > 1);
  const tail = `${hint ? `; ${hint}` : ''}${attempts ? ` (${attemptsText(response.attempts ?? 1)})` : ''}`;
  throw new RegistryError(
    code,
    `${method} ${target} returned ${response.status} for ${resource}${detail}${tail}`,
    {
      method,
      url: target,
      status: response.status,
      registryCode: registryError?.code,
      retryable,
    },
  );
}

function classify(response: HttpResponse, registryCode: string | undefined): Classification {
  const { status } = response;
  if (status === 404) {
    return {
      code: 'NOT_FOUND',
      hint: 'check the repository name, the tag or digest, and that the image was pushed',
    };
  }
  if (status === 403 || registryCode === 'DENIED') {
    return {
      code: 'DENIED',
      hint: 'the registry accepted the credentials but they may not pull this repository; check the repository name and grant the account or token read access',
    };
  }
  if (status === 401) {
    // A token without the requested scope also gets 401; anonymous tokens for private
    // repositories are the common case, so the hint covers both causes.
    const hint = insufficientScope(response)
      ? 'the registry requires credentials that may pull this repository; check the registry username and password or the docker config, and that the account can read the repository'
      : 'the registry rejected the credentials or requires them; check the registry username and password or the docker config';
    return { code: 'UNAUTHORIZED', hint };
  }
  if (status === 429 || registryCode === 'TOOMANYREQUESTS') {
    return {
      code: 'TOO_MANY_REQUESTS',
      hint: 'the registry rate limit was reached; log in to get a higher limit, or run again later',
    };
  }
  if (status === 408)
    return { code: 'TIMEOUT', hint: 'the registry timed out reading the request; run again later' };
  if (status >= 500) return { code: 'SERVER_ERROR', hint: 'the registry failed; run again later' };
  return { code: 'BAD_RESPONSE' };
}

/** Returns true for a 401 whose challenge reports that the token lacks the requested scope (RFC 6750). */
function insufficientScope(response: HttpResponse): boolean {
  if (response.status !== 401) return false;
  const challenges = parseWwwAuthenticate(response.headers['www-authenticate'] ?? '');
  return challenges.some((challenge) => challenge.params.error === 'insufficient_scope');
}

/** Returns the first entry of a registry error body as one line, or undefined for other bodies. */
export function readRegistryError(body: Buffer): RegistryErrorBody | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    // Not JSON: an HTML error page or an empty body. The status alone is reported.
    return undefined;
  }

  const errors = (parsed as { errors?: unknown } | null)?.errors;
  const first: unknown = Array.isArray(errors) ? errors[0] : undefined;
  if (typeof first !== 'object' || first === null) return undefined;
  const { code, message } = first as { code?: unknown; message?: unknown };
  if (typeof code !== 'string') return undefined;
  return { code: oneLine(code), message: typeof message === 'string' ? oneLine(message) : '' };
}
