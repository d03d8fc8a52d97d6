import { RegistryError } from '../errors.js';
import { redactUrl } from './transport.js';

/** Redirects followed for one request. Registries send one hop to blob storage, CDNs a second. */
export const MAX_REDIRECTS = 5;

const REDIRECT_STATUSES: ReadonlySet<number> = new Set([301, 302, 303, 307, 308]);

/** Returns true for the statuses whose `Location` the client follows. */
export function isRedirect(status: number): boolean {
  return REDIRECT_STATUSES.has(status);
}

/**
 * Returns the absolute URL a redirect points to, after checking it: a `Location` is present, the
 * hop count stays within MAX_REDIRECTS, the URL was not visited before, and HTTPS is never
 * downgraded. Plain HTTP is accepted only from plain HTTP and for hosts `allowsPlainHttp` admits.
 * Adds the URL to `visited`.
 */
export function redirectTarget(
  from: string,
  location: string | undefined,
  visited: Set<string>,
  allowsPlainHttp: (host: string) => boolean,
): string {
  const source = redactUrl(from);
  if (location === undefined || location === '') {
    throw redirectError(`GET ${source} returned a redirect without a Location header`, source);
  }

  let target: URL;
  try {
    target = new URL(location, from);
  } catch {
    throw redirectError(`GET ${source} redirected to an invalid URL`, source);
  }

  const next = target.toString();
  const redacted = redactUrl(next);
  if (target.protocol !== 'https:' && target.protocol !== 'http:') {
    throw redirectError(
      `GET ${source} redirected to ${target.protocol} URL ${redacted}, which is not HTTP`,
      source,
    );
  }
  if (
    target.protocol === 'http:' &&
    (new URL(from).protocol === 'https:' || !allowsPlainHttp(target.host))
  ) {
    throw redirectError(
      `GET ${source} redirected to plain HTTP ${redacted}; the client does not downgrade from HTTPS or use plain HTTP beyond loopback and insecure-registries hosts`,
      source,
    );
  }
  if (visited.has(next)) {
    throw redirectError(
      `GET ${source} redirected back to ${redacted}, a redirect loop; the registry or its storage is misconfigured`,
      source,
    );
  }
  if (visited.size > MAX_REDIRECTS) {
    throw redirectError(
      `GET ${source} redirected more than ${MAX_REDIRECTS} times; the registry or its storage is misconfigured`,
      source,
    );
  }

  visited.add(next);
  return next;
}

/** Returns true when both URLs have the same scheme, host and port. */
export function sameOrigin(a: string, b: string): boolean {
  return new URL(a).origin === new URL(b).origin;
}

function redirectError(message: string, url: string): RegistryError {
  return new RegistryError('BAD_RESPONSE', message, { method: 'GET', url });
}
