import { RegistryError } from '../errors.js';
import { computeDigest, parseDigest, type DigestAlgorithm } from '../digest.js';
import { Authenticator, type CredentialLookup } from './auth.js';
import { MANIFEST_ACCEPT, type Descriptor } from './manifest.js';
import { isRedirect, redirectTarget, sameOrigin } from './redirect.js';
import { DEFAULT_RETRY_OPTIONS, RetryingSender, type RetryOptions } from './retry.js';
import { checkStatus } from './status.js';
import {
  Transport,
  redactUrl,
  type HttpResponse,
  type HttpSender,
  type TransportOptions,
} from './transport.js';

export { checkStatus } from './status.js';

/** Manifests larger than this are rejected (the OCI distribution spec's recommended limit). */
export const MAX_MANIFEST_BYTES = 4 * 1024 * 1024;

/** Default time limit of one call (getManifest, getBlob, get), retries and redirects included. */
export const DEFAULT_TIMEOUT_MS = 120_000;

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
  /**
   * Epoch milliseconds after which every call of this client fails with TIMEOUT. Use it for a
   * per-image limit with one client per image, or pass `deadline` to each call instead.
   */
  deadline?: number;
  /** Time limit of each call when no deadline is given, in milliseconds; default 120 000. */
  timeoutMs?: number;
  /** Retry settings; missing fields take the values of DEFAULT_RETRY_OPTIONS. */
  retry?: Partial<RetryOptions>;
}

/** Per-call settings. */
export interface CallOptions {
  /** Epoch milliseconds; overrides the client's deadline and timeoutMs for this call. */
  deadline?: number;
}

/** Reads manifests, blobs and referrers from OCI distribution registries. */
export class RegistryClient {
  private readonly transport: Transport;
  private readonly sender: HttpSender;
  private readonly auth: Authenticator;
  private readonly insecure: Set<string>;
  private deadline: number | undefined;
  private readonly timeoutMs: number;

  constructor(options: RegistryClientOptions) {
    this.transport = new Transport(options);
    this.sender = new RetryingSender(
      this.transport,
      { ...DEFAULT_RETRY_OPTIONS, ...options.retry },
      this.transport.logger,
    );
    this.insecure = new Set(options.insecureRegistries ?? []);
    this.deadline = options.deadline;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.auth = new Authenticator(
      this.sender,
      options.credentials,
      options.onSecret ?? (() => {}),
      (host) => this.allowsPlainHttp(host),
    );
  }

  /**
   * Fetches a manifest by tag or digest with GET and hashes the bytes served; the
   * `Docker-Content-Digest` header is never trusted alone. When the reference is a digest, or
   * the registry sends the header, a different hash is a DIGEST_MISMATCH error.
   */
  async getManifest(
    repo: RepositoryRef,
    reference: string,
    options: CallOptions = {},
  ): Promise<FetchedManifest> {
    const path = `/v2/${repo.repository}/manifests/${reference}`;
    const url = this.url(repo, path);
    const requested = reference.includes(':') ? digestAlgorithm(reference, url) : undefined;

    const response = await this.get(
      repo,
      path,
      { accept: MANIFEST_ACCEPT },
      MAX_MANIFEST_BYTES,
      options,
    );
    checkStatus(response, 'GET', url, `manifest ${repo.repository}:${reference}`);
    rejectHtml(response, url);

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

  /** Fetches a blob, following redirects to storage, and checks its size and digest against the descriptor. */
  async getBlob(
    repo: RepositoryRef,
    descriptor: Descriptor,
    maxBytes: number,
    options: CallOptions = {},
  ): Promise<Buffer> {
    const resource = `blob ${descriptor.digest}`;
    const path = `/v2/${repo.repository}/blobs/${descriptor.digest}`;
    const url = this.url(repo, path);
    const algorithm = digestAlgorithm(descriptor.digest, url);
    if (descriptor.size > maxBytes) {
      throw new RegistryError(
        'TOO_LARGE',
        `${resource} in ${repo.repository} is ${descriptor.size} bytes, over the ${maxBytes}-byte limit`,
      );
    }

    const response = await this.get(repo, path, {}, maxBytes, options);
    checkStatus(response, 'GET', url, resource);

    const digest = computeDigest(response.body, algorithm);
    if (response.body.length !== descriptor.size || digest !== descriptor.digest) {
      throw new RegistryError(
        'DIGEST_MISMATCH',
        `GET ${redactUrl(url)}: blob is ${response.body.length} bytes with digest ${digest}, but its descriptor says ${descriptor.size} bytes with digest ${descriptor.digest}; the registry or a proxy altered it`,
        { method: 'GET', url: redactUrl(url), status: response.status },
      );
    }
    return response.body;
  }

  /**
   * Sends a GET with authentication, retries and redirects. After a 401 it fetches a new token
   * once and sends the request again. Returns the response whatever its status; callers check it with `checkStatus`.
   */
  async get(
    repo: RepositoryRef,
    path: string,
    headers: Record<string, string>,
    maxBytes: number,
    options: CallOptions = {},
  ): Promise<HttpResponse> {
    const origin = this.origin(repo.apiHost);
    const scope = `repository:${repo.repository}:pull`;
    const url = `${origin}${path}`;
    const deadline = options.deadline ?? this.deadline ?? Date.now() + this.timeoutMs;

    let authorization = await this.auth.header(origin, repo.registry, scope, deadline);
    let response = await this.follow(url, headers, authorization, maxBytes, deadline);

    // Only the registry's own 401 triggers a new token, because storage behind a redirect has its own auth.
    if (response.status === 401 && sameOrigin(response.url, origin)) {
      const challenge = response.headers['www-authenticate'];
      authorization = await this.auth.refresh(origin, repo.registry, scope, challenge, deadline);
      if (authorization !== undefined) {
        response = await this.follow(url, headers, authorization, maxBytes, deadline);
      }
    }
    return response;
  }

  /**
   * Returns a client that shares this one's connections and cached tokens, but whose calls fail
   * with TIMEOUT after `deadline` (epoch milliseconds). Images checked in parallel each get one,
   * so every image keeps its own time limit.
   */
  withDeadline(deadline: number): RegistryClient {
    const view = Object.create(RegistryClient.prototype) as RegistryClient;
    Object.assign(view, this);
    view.deadline = deadline;
    return view;
  }

  /** Returns the full URL of a path on the repository's registry. */
  url(repo: RepositoryRef, path: string): string {
    return `${this.origin(repo.apiHost)}${path}`;
  }

  async close(): Promise<void> {
    await this.transport.close();
  }

  /**
   * Sends a GET and follows redirects up to MAX_REDIRECTS. `Authorization` goes only to the
   * registry's origin, because presigned storage URLs carry their own signature and must not
   * receive the registry token.
   */
  private async follow(
    url: string,
    headers: Record<string, string>,
    authorization: string | undefined,
    maxBytes: number,
    deadline: number,
  ): Promise<HttpResponse> {
    const visited = new Set([url]);
    let target = url;

    for (;;) {
      const hopHeaders = sameOrigin(target, url)
        ? withAuthorization(headers, authorization)
        : headers;
      const response = await this.sender.send({
        method: 'GET',
        url: target,
        headers: hopHeaders,
        maxBytes,
        deadline,
      });
      if (!isRedirect(response.status)) return response;

      const next = redirectTarget(target, response.headers.location, visited, (host) =>
        this.allowsPlainHttp(host),
      );
      this.transport.logger.debug(
        `following ${response.status} redirect from ${redactUrl(target)} to ${redactUrl(next)}`,
      );
      target = next;
    }
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
  const name = hostname(host).toLowerCase();
  if (name === 'localhost' || name === '::1') return true;
  const octets = /^127\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(name);
  return octets !== null && octets.slice(1).every((octet) => Number(octet) <= 255);
}

/** Returns the host name without port or IPv6 brackets. */
function hostname(host: string): string {
  if (host.startsWith('[')) return host.slice(1, host.indexOf(']'));
  // Two or more colons without brackets is a bare IPv6 address, which has no port.
  if (host.indexOf(':') !== host.lastIndexOf(':')) return host;
  const colon = host.indexOf(':');
  return colon >= 0 ? host.slice(0, colon) : host;
}

function withAuthorization(
  headers: Record<string, string>,
  authorization: string | undefined,
): Record<string, string> {
  return authorization === undefined ? headers : { ...headers, authorization };
}

function headerAlgorithm(header: string | undefined): DigestAlgorithm | undefined {
  if (header?.startsWith('sha512:')) return 'sha512';
  if (header?.startsWith('sha256:')) return 'sha256';
  return undefined;
}

function digestAlgorithm(digest: string, url: string): DigestAlgorithm {
  try {
    return parseDigest(digest).algorithm;
  } catch (error) {
    throw new RegistryError(
      'UNSUPPORTED',
      `cannot fetch ${redactUrl(url)}: ${(error as Error).message}`,
      {
        url: redactUrl(url),
      },
    );
  }
}

/** Rejects an HTML page served with 200, the usual sign of a login portal or a wrong URL. */
function rejectHtml(response: HttpResponse, url: string): void {
  const type = response.headers['content-type']?.split(';')[0]?.trim().toLowerCase();
  if (type !== 'text/html') return;
  throw new RegistryError(
    'BAD_RESPONSE',
    `GET ${redactUrl(url)} returned an HTML page instead of a manifest; a login page or proxy answered, so check the registry host and network`,
    { method: 'GET', url: redactUrl(url), status: response.status },
  );
}

function digestMismatch(url: string, claimed: string, computed: string): RegistryError {
  return new RegistryError(
    'DIGEST_MISMATCH',
    `GET ${redactUrl(url)}: ${claimed} does not match the served bytes, which hash to ${computed}; the registry or a proxy altered the manifest`,
    { method: 'GET', url: redactUrl(url) },
  );
}
