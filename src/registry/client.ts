import { RegistryError, type RegistryErrorCode } from '../errors.js';
import { computeDigest, parseDigest } from '../digest.js';
import { Authenticator, type CredentialLookup } from './auth.js';
import { MANIFEST_ACCEPT, type Descriptor } from './manifest.js';
import { Transport, redactUrl, type HttpResponse, type TransportOptions } from './transport.js';

/** Manifests larger than this are rejected (the OCI distribution spec's recommended limit). */
export const MAX_MANIFEST_BYTES = 4 * 1024 * 1024;

/** A repository on a registry. */
export interface RepositoryRef {
  /** Registry as written in references; used to look up credentials. */
  registry: string;
  /** Host and port that serve the API. */
  apiHost: string;
  repository: string;
}

/** Manifest bytes exactly as served, with the digest computed from them. */
export interface FetchedManifest {
  bytes: Buffer;
  digest: string;
  contentType?: string;
}

export interface RegistryClientOptions extends TransportOptions {
  credentials: CredentialLookup;
  /** Hosts (host or host:port) that may be reached over plain HTTP besides loopback. */
  insecureRegistries?: string[];
  onSecret?: (secret: string) => void;
}

/** Reads manifests, blobs and referrers from OCI distribution registries. */
export class RegistryClient {
  private readonly transport: Transport;
  private readonly auth: Authenticator;
  private readonly insecure: Set<string>;

  constructor(options: RegistryClientOptions) {
    this.transport = new Transport(options);
    this.insecure = new Set(options.insecureRegistries ?? []);
    this.auth = new Authenticator(
      this.transport,
      options.credentials,
      options.onSecret ?? (() => {}),
      (host) => this.allowsPlainHttp(host),
    );
  }

  /**
   * Fetches a manifest by tag or digest and hashes the bytes served. When the reference is a
   * digest, or the registry sends `Docker-Content-Digest`, a different hash is an error.
   */
  async getManifest(repo: RepositoryRef, reference: string): Promise<FetchedManifest> {
    const path = `/v2/${repo.repository}/manifests/${reference}`;
    const response = await this.get(repo, path, { accept: MANIFEST_ACCEPT }, MAX_MANIFEST_BYTES);
    const url = this.url(repo, path);
    checkStatus(response, 'GET', url, `manifest ${repo.repository}:${reference}`);

    const requested = reference.includes(':') ? parseDigest(reference).algorithm : undefined;
    const header = response.headers['docker-content-digest'];
    const algorithm = requested ?? headerAlgorithm(header) ?? 'sha256';
    const digest = computeDigest(response.body, algorithm);

    if (requested && digest !== reference) {
      throw digestMismatch(url, `requested ${reference}`, digest);
    }
    if (header && header !== digest) {
      throw digestMismatch(url, `Docker-Content-Digest ${header}`, digest);
    }
    return { bytes: response.body, digest, contentType: response.headers['content-type'] };
  }

  /** Fetches a blob and checks its size and digest against the descriptor. */
  async getBlob(repo: RepositoryRef, descriptor: Descriptor, maxBytes: number): Promise<Buffer> {
    const what = `blob ${descriptor.digest}`;
    if (descriptor.size > maxBytes) {
      throw new RegistryError(
        'TOO_LARGE',
        `${what} in ${repo.repository} is ${descriptor.size} bytes, over the ${maxBytes}-byte limit`,
      );
    }

    const path = `/v2/${repo.repository}/blobs/${descriptor.digest}`;
    const response = await this.get(repo, path, {}, maxBytes);
    const url = this.url(repo, path);
    checkStatus(response, 'GET', url, what);

    const digest = computeDigest(response.body, parseDigest(descriptor.digest).algorithm);
    if (response.body.length !== descriptor.size || digest !== descriptor.digest) {
      throw new RegistryError(
        'DIGEST_MISMATCH',
        `GET ${redactUrl(url)}: blob is ${response.body.length} bytes with digest ${digest}, but its descriptor says ${descriptor.size} bytes with digest ${descriptor.digest}`,
        { method: 'GET', url: redactUrl(url), status: response.status },
      );
    }
    return response.body;
  }

  /**
   * Sends a GET with authentication: answers a 401 by refreshing the token once.
   * Returns the response whatever its status; callers check it with `checkStatus`.
   */
  async get(
    repo: RepositoryRef,
    path: string,
    headers: Record<string, string>,
    maxBytes: number,
  ): Promise<HttpResponse> {
    const origin = this.origin(repo.apiHost);
    const scope = `repository:${repo.repository}:pull`;
    const url = `${origin}${path}`;

    let authorization = await this.auth.header(origin, repo.registry, scope);
    let response = await this.transport.send({
      method: 'GET',
      url,
      headers: withAuthorization(headers, authorization),
      maxBytes,
    });

    if (response.status === 401) {
      authorization = await this.auth.refresh(origin, repo.registry, scope, response.headers['www-authenticate']);
      if (authorization !== undefined) {
        response = await this.transport.send({
          method: 'GET',
          url,
          headers: withAuthorization(headers, authorization),
          maxBytes,
        });
      }
    }
    return response;
  }

  /** Returns the full URL of a path on the repository's registry. */
  url(repo: RepositoryRef, path: string): string {
    return `${this.origin(repo.apiHost)}${path}`;
  }

  async close(): Promise<void> {
    await this.transport.close();
  }

  private origin(host: string): string {
    return `${this.allowsPlainHttp(host) ? 'http' : 'https'}://${host}`;
  }

  private allowsPlainHttp(host: string): boolean {
    return isLoopback(host) || this.insecure.has(host) || this.insecure.has(hostname(host));
  }
}

/** Returns true for localhost, 127.0.0.0/8 and ::1, with or without a port. */
export function isLoopback(host: string): boolean {
  const name = hostname(host);
  return name === 'localhost' || name === '::1' || /^127(?:\.\d{1,3}){3}$/.test(name);
}

function hostname(host: string): string {
  if (host.startsWith('[')) return host.slice(1, host.indexOf(']'));
  const colon = host.lastIndexOf(':');
  return colon >= 0 ? host.slice(0, colon) : host;
}

function withAuthorization(
  headers: Record<string, string>,
  authorization: string | undefined,
): Record<string, string> {
  return authorization === undefined ? headers : { ...headers, authorization };
}

function headerAlgorithm(header: string | undefined): 'sha256' | 'sha512' | undefined {
  if (header?.startsWith('sha512:')) return 'sha512';
  if (header?.startsWith('sha256:')) return 'sha256';
  return undefined;
}

function digestMismatch(url: string, claimed: string, computed: string): RegistryError {
  return new RegistryError(
    'DIGEST_MISMATCH',
    `GET ${redactUrl(url)}: ${claimed} does not match the served bytes, which hash to ${computed}; the registry or a proxy altered the manifest`,
    { method: 'GET', url: redactUrl(url) },
  );
}

/**
 * Throws a RegistryError for any status but 200, with the registry's own error code and
 * message when the body carries them (OCI distribution spec, error codes).
 */
export function checkStatus(response: HttpResponse, method: string, url: string, what: string): void {
  if (response.status === 200) return;

  const target = redactUrl(url);
  const registryError = readRegistryError(response.body);
  const detail = registryError ? `: ${registryError.code}: ${registryError.message}` : '';
  const { code, hint, retryable } = classify(response.status, registryError?.code);
  throw new RegistryError(
    code,
    `${method} ${target} returned ${response.status} for ${what}${detail}${hint ? `; ${hint}` : ''}`,
    { method, url: target, status: response.status, registryCode: registryError?.code, retryable },
  );
}

function classify(
  status: number,
  registryCode: string | undefined,
): { code: RegistryErrorCode; hint?: string; retryable: boolean } {
  if (status === 404) return { code: 'NOT_FOUND', retryable: false };
  if (status === 401) {
    return { code: 'UNAUTHORIZED', hint: 'check registry-username and registry-password or the docker config', retryable: false };
  }
  if (status === 403 || registryCode === 'DENIED') {
    return { code: 'DENIED', hint: 'the credentials are valid but may not pull this repository', retryable: false };
  }
  if (status === 429 || registryCode === 'TOOMANYREQUESTS') {
    return { code: 'TOO_MANY_REQUESTS', hint: 'the registry rate limit was hit: authenticate or retry later', retryable: true };
  }
  if (status >= 500) return { code: 'SERVER_ERROR', retryable: [500, 502, 503, 504].includes(status) };
  if (status === 408) return { code: 'TIMEOUT', retryable: true };
  return { code: 'BAD_RESPONSE', retryable: false };
}

function readRegistryError(body: Buffer): { code: string; message: string } | undefined {
  try {
    const parsed = JSON.parse(body.toString('utf8')) as { errors?: { code?: unknown; message?: unknown }[] };
    const first = parsed.errors?.[0];
    if (first && typeof first.code === 'string') {
      return { code: first.code, message: typeof first.message === 'string' ? first.message : '' };
    }
  } catch {
    // Not JSON: an HTML error page or an empty body. The status alone is reported.
  }
  return undefined;
}
