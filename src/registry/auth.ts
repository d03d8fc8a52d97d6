import { RegistryError } from '../errors.js';
import { parseWwwAuthenticate, type Challenge } from './challenge.js';
import type { Credentials } from './credentials.js';
import { redactUrl, type Transport } from './transport.js';

/** Largest token endpoint reply read into memory. */
export const MAX_TOKEN_BYTES = 1024 * 1024;

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

  constructor(
    private readonly transport: Transport,
    private readonly lookup: CredentialLookup,
    private readonly mask: (secret: string) => void,
    private readonly isAllowedPlainHttp: (host: string) => boolean,
  ) {}

  /** Returns the header for a request to `origin` in `scope`, or undefined for anonymous. */
  async header(origin: string, registry: string, scope: string): Promise<string | undefined> {
    const cached = this.tokens.get(`${origin} ${scope}`);
    if (cached && cached.expiresAt > Date.now()) return cached.header;

    let challenge = this.challenges.get(origin);
    if (challenge === undefined) {
      challenge = await this.ping(origin);
      this.challenges.set(origin, challenge);
    }
    if (challenge === null) return undefined;
    return this.authorize(origin, registry, scope, challenge);
  }

  /** Drops the cached header after a 401 and answers the new challenge once. */
  async refresh(
    origin: string,
    registry: string,
    scope: string,
    wwwAuthenticate: string | undefined,
  ): Promise<string | undefined> {
    this.tokens.delete(`${origin} ${scope}`);
    const challenge = pickChallenge(wwwAuthenticate ?? '') ?? this.challenges.get(origin) ?? null;
    if (challenge === null) return undefined;
    this.challenges.set(origin, challenge);
    return this.authorize(origin, registry, scope, challenge);
  }

  private async ping(origin: string): Promise<Challenge | null> {
    const response = await this.transport.send({
      method: 'GET',
      url: `${origin}/v2/`,
      maxBytes: MAX_TOKEN_BYTES,
    });
    if (response.status === 401) {
      const challenge = pickChallenge(response.headers['www-authenticate'] ?? '');
      if (!challenge) {
        throw new RegistryError(
          'UNAUTHORIZED',
          `GET ${origin}/v2/ returned 401 without a Basic or Bearer challenge: the registry's authentication is not supported`,
          { method: 'GET', url: `${origin}/v2/`, status: 401 },
        );
      }
      return challenge;
    }
    // Any other reply means no authentication is needed up front; a later 401 still asks.
    return null;
  }

  private async authorize(
    origin: string,
    registry: string,
    scope: string,
    challenge: Challenge,
  ): Promise<string | undefined> {
    const credentials = await this.lookup(registry);
    let cached: CachedToken | undefined;

    if (challenge.scheme === 'basic') {
      if (!credentials || credentials.kind !== 'basic') return undefined;
      const encoded = Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64');
      this.mask(encoded);
      cached = { header: `Basic ${encoded}`, expiresAt: Number.POSITIVE_INFINITY };
    } else {
      cached = await this.fetchToken(challenge, scope, credentials);
    }

    this.tokens.set(`${origin} ${scope}`, cached);
    return cached.header;
  }

  private async fetchToken(
    challenge: Challenge,
    scope: string,
    credentials: Credentials | undefined,
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
        const encoded = Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64');
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
    });
    return this.readToken(response.status, response.body, method, url.toString());
  }

  private readToken(status: number, body: Buffer, method: string, url: string): CachedToken {
    const target = redactUrl(url);
    if (status !== 200) {
      const code = status === 401 || status === 403 ? 'UNAUTHORIZED' : 'BAD_RESPONSE';
      throw new RegistryError(
        code,
        `${method} ${target} (token endpoint) returned ${status}: check the registry credentials`,
        { method, url: target, status, retryable: status >= 500 || status === 429 },
      );
    }

    let reply: { token?: unknown; access_token?: unknown; expires_in?: unknown };
    try {
      reply = JSON.parse(body.toString('utf8')) as typeof reply;
    } catch {
      throw new RegistryError('BAD_RESPONSE', `${method} ${target} (token endpoint) returned a body that is not JSON`, {
        method,
        url: target,
        status,
      });
    }

    const token = typeof reply.token === 'string' ? reply.token : reply.access_token;
    if (typeof token !== 'string' || token === '') {
      throw new RegistryError('BAD_RESPONSE', `${method} ${target} (token endpoint) returned no token`, {
        method,
        url: target,
        status,
      });
    }
    this.mask(token);

    // Refresh a little early; 60 seconds is the default lifetime in the token specification.
    const lifetime = typeof reply.expires_in === 'number' && reply.expires_in > 0 ? reply.expires_in : 60;
    return { header: `Bearer ${token}`, expiresAt: Date.now() + Math.max(lifetime - 10, 1) * 1000 };
  }

  private checkRealm(realm: string | undefined): string {
    if (!realm) {
      throw new RegistryError('BAD_RESPONSE', 'the registry sent a Bearer challenge without a realm');
    }
    let url: URL;
    try {
      url = new URL(realm);
    } catch {
      throw new RegistryError('BAD_RESPONSE', `the registry sent an invalid token realm "${realm}"`);
    }
    if (url.protocol === 'https:') return realm;
    if (url.protocol === 'http:' && this.isAllowedPlainHttp(url.host)) return realm;
    throw new RegistryError(
      'BAD_RESPONSE',
      `token realm ${redactUrl(realm)} is not HTTPS: credentials are only sent over HTTPS or to loopback and insecure-registries hosts`,
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
