import { RegistryError } from '../errors.js';
import { parseWwwAuthenticate, type Challenge } from './challenge.js';
import type { Credentials } from './credentials.js';
import { checkStatus } from './status.js';
import { oneLine, redactUrl, type HttpSender } from './transport.js';

/** Largest token endpoint reply, and largest `/v2/` ping reply, read into memory. */
export const MAX_TOKEN_BYTES = 1024 * 1024;

/** Token lifetime when the token endpoint sends no `expires_in` (distribution token spec). */
export const DEFAULT_TOKEN_LIFETIME_SECONDS = 60;

/** Looks up credentials for a registry host as written in references. */
export type CredentialLookup = (registry: string) => Promise<Credentials | undefined>;

interface CachedToken {
  header: string;
  /** Epoch milliseconds after which the token is fetched again. */
  expiresAt: number;
}

/**
 * Produces `Authorization` headers for registry requests: none, Basic or Bearer, following the
 * challenge the registry returns. Tokens are cached per origin and scope for the run.
 */
export class Authenticator {
  private readonly challenges = new Map<string, Challenge | null>();
  private readonly tokens = new Map<string, CachedToken>();
  private readonly pings = new Map<string, Promise<Challenge | null>>();
  private readonly pendingHeaders = new Map<string, Promise<string | undefined>>();
  // Credential helpers are programs; one lookup per registry keeps them from running per request.
  private readonly credentials = new Map<string, Promise<Credentials | undefined>>();

  constructor(
    private readonly transport: HttpSender,
    private readonly lookup: CredentialLookup,
    private readonly mask: (secret: string) => void,
    private readonly isAllowedPlainHttp: (host: string) => boolean,
  ) {}

  /**
   * Returns the header for a request to `origin` in `scope`, or undefined for anonymous.
   * `deadline` (epoch milliseconds) bounds the ping and token requests.
   */
  async header(
    origin: string,
    registry: string,
    scope: string,
    deadline?: number,
  ): Promise<string | undefined> {
    const key = `${origin} ${scope}`;
    const cached = this.tokens.get(key);
    if (cached && cached.expiresAt > Date.now()) return cached.header;

    // Images checked in parallel share one ping and one token request per origin and scope. A
    // shared request runs under the deadline of the image that started it.
    let pending = this.pendingHeaders.get(key);
    if (pending === undefined) {
      pending = this.challenge(origin, deadline)
        .then((challenge) =>
          challenge === null
            ? undefined
            : this.authorize(origin, registry, scope, challenge, deadline),
        )
        .finally(() => this.pendingHeaders.delete(key));
      this.pendingHeaders.set(key, pending);
    }
    return pending;
  }

  /** Returns the origin's challenge, from the cache or from one shared ping. */
  private challenge(origin: string, deadline: number | undefined): Promise<Challenge | null> {
    const known = this.challenges.get(origin);
    if (known !== undefined) return Promise.resolve(known);

    let ping = this.pings.get(origin);
    if (ping === undefined) {
      ping = this.ping(origin, deadline)
        .then((challenge) => {
          this.challenges.set(origin, challenge);
          return challenge;
        })
        .finally(() => this.pings.delete(origin));
      this.pings.set(origin, ping);
    }
    return ping;
  }

  /** Drops the cached header after a 401 and responds to the new challenge once. */
  async refresh(
    origin: string,
    registry: string,
    scope: string,
    wwwAuthenticate: string | undefined,
    deadline?: number,
  ): Promise<string | undefined> {
    this.tokens.delete(`${origin} ${scope}`);
    const challenge = pickChallenge(wwwAuthenticate ?? '') ?? this.challenges.get(origin) ?? null;
    if (challenge === null) return undefined;
    this.challenges.set(origin, challenge);
    return this.authorize(origin, registry, scope, challenge, deadline);
  }

  private async ping(origin: string, deadline: number | undefined): Promise<Challenge | null> {
    const url = `${origin}/v2/`;
    const response = await this.transport.send({
      method: 'GET',
      url,
      maxBytes: MAX_TOKEN_BYTES,
      deadline,
    });
    if (response.status === 401) {
      const challenge = pickChallenge(response.headers['www-authenticate'] ?? '');
      if (!challenge) {
        throw new RegistryError(
          'UNAUTHORIZED',
          `GET ${url} returned 401 without a Basic or Bearer challenge; the registry's authentication scheme is not supported`,
          { method: 'GET', url, status: 401 },
        );
      }
      return challenge;
    }

    // A failing server is reported now: caching "no authentication" would hide a later 401.
    if (response.status >= 500 || response.status === 429 || response.status === 408) {
      checkStatus(response, 'GET', url, 'the API version check');
    }
    // Any other reply means no authentication is needed up front; a later 401 still triggers authentication.
    return null;
  }

  private async authorize(
    origin: string,
    registry: string,
    scope: string,
    challenge: Challenge,
    deadline: number | undefined,
  ): Promise<string | undefined> {
    let lookup = this.credentials.get(registry);
    if (lookup === undefined) {
      lookup = this.lookup(registry);
      this.credentials.set(registry, lookup);
    }
    const credentials = await lookup;
    let cached: CachedToken | undefined;

    if (challenge.scheme === 'basic') {
      if (!credentials || credentials.kind !== 'basic') return undefined;
      const encoded = Buffer.from(`${credentials.username}:${credentials.password}`).toString(
        'base64',
      );
      this.mask(encoded);
      cached = { header: `Basic ${encoded}`, expiresAt: Number.POSITIVE_INFINITY };
    } else {
      cached = await this.fetchToken(challenge, scope, credentials, deadline);
    }

    this.tokens.set(`${origin} ${scope}`, cached);
    return cached.header;
  }

  private async fetchToken(
    challenge: Challenge,
    scope: string,
    credentials: Credentials | undefined,
    deadline: number | undefined,
  ): Promise<CachedToken> {
    const realm = this.checkRealm(challenge.params.realm);
    const service = challenge.params.service;
    const url = new URL(realm);
    const headers: Record<string, string> = { accept: 'application/json' };
    let method: 'GET' | 'POST' = 'GET';
    let body: string | undefined;

    if (credentials?.kind === 'identity-token') {
      // Docker's OAuth2 flow exchanges the stored refresh token for an access token.
      method = 'POST';
      const form = new URLSearchParams({
        grant_type: 'refresh_token',
        refresh_token: credentials.token,
        client_id: 'cosign-verify-action',
        scope,
      });
      if (service) form.set('service', service);
      body = form.toString();
      headers['content-type'] = 'application/x-www-form-urlencoded';
    } else {
      if (service) url.searchParams.set('service', service);
      url.searchParams.set('scope', scope);
      if (credentials) {
        const encoded = Buffer.from(`${credentials.username}:${credentials.password}`).toString(
          'base64',
        );
        this.mask(encoded);
        headers.authorization = `Basic ${encoded}`;
      }
    }

    const response = await this.transport.send({
      method,
      url: url.toString(),
      headers,
      body,
      maxBytes: MAX_TOKEN_BYTES,
      deadline,
    });
    checkStatus(response, method, url.toString(), `a token for ${scope} from the token endpoint`);
    return this.readToken(response.status, response.body, method, url.toString());
  }

  private readToken(status: number, body: Buffer, method: string, url: string): CachedToken {
    const target = redactUrl(url);

    let reply: unknown;
    try {
      reply = JSON.parse(body.toString('utf8'));
    } catch {
      reply = undefined;
    }
    if (typeof reply !== 'object' || reply === null) {
      throw new RegistryError(
        'BAD_RESPONSE',
        `${method} ${target} (token endpoint) returned a body that is not a JSON object; check that the realm is the registry's token service`,
        { method, url: target, status },
      );
    }

    const {
      token: bearer,
      access_token: accessToken,
      expires_in: expiresIn,
    } = reply as {
      token?: unknown;
      access_token?: unknown;
      expires_in?: unknown;
    };
    const token = typeof bearer === 'string' && bearer !== '' ? bearer : accessToken;
    if (typeof token !== 'string' || token === '') {
      throw new RegistryError(
        'BAD_RESPONSE',
        `${method} ${target} (token endpoint) returned no token; check that the realm is the registry's token service`,
        { method, url: target, status },
      );
    }
    this.mask(token);

    // Refresh ten seconds early so that a token does not expire between check and use.
    const lifetime =
      typeof expiresIn === 'number' && expiresIn > 0 ? expiresIn : DEFAULT_TOKEN_LIFETIME_SECONDS;
    return { header: `Bearer ${token}`, expiresAt: Date.now() + Math.max(lifetime - 10, 1) * 1000 };
  }

  private checkRealm(realm: string | undefined): string {
    if (!realm) {
      throw new RegistryError(
        'BAD_RESPONSE',
        "the registry sent a Bearer challenge without a realm; the registry's authentication is misconfigured",
      );
    }
    let url: URL;
    try {
      url = new URL(realm);
    } catch {
      throw new RegistryError(
        'BAD_RESPONSE',
        `the registry sent a token realm that is not a URL ("${oneLine(realm)}"); the registry's authentication is misconfigured`,
      );
    }
    if (url.protocol === 'https:') return realm;
    if (url.protocol === 'http:' && this.isAllowedPlainHttp(url.host)) return realm;
    throw new RegistryError(
      'BAD_RESPONSE',
      `token realm ${redactUrl(realm)} is not HTTPS; credentials are only sent over HTTPS, or over HTTP to loopback and insecure-registries hosts`,
    );
  }
}

/** Picks the Bearer challenge, else the Basic one, from a `WWW-Authenticate` value. */
export function pickChallenge(header: string): Challenge | undefined {
  const challenges = parseWwwAuthenticate(header);
  return (
    challenges.find((challenge) => challenge.scheme === 'bearer') ??
    challenges.find((challenge) => challenge.scheme === 'basic')
  );
}
