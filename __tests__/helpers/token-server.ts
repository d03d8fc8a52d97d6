import { execFileSync } from 'node:child_process';
import { createPrivateKey, randomUUID, sign, X509Certificate, type KeyObject } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Reason to skip token-server tests, or undefined when the openssl CLI can make the test key. */
export const tokenServerSkipReason = (() => {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return undefined;
  } catch {
    return 'the openssl CLI is not installed; it makes the token signing certificate';
  }
})();

export interface TokenServerOptions {
  /** Users and their passwords, checked against Basic credentials. */
  users: Record<string, string>;
  /** Repositories each user may pull; the key '' is the anonymous user. */
  pullGrants: Record<string, string[]>;
  /** Seconds a token lives; sent as `expires_in`. */
  expiresIn?: number;
}

/** One access entry of a distribution token (distribution's token auth specification). */
interface Access {
  type: string;
  name: string;
  actions: string[];
}

/** A JWT token service for distribution's `auth: token` mode, on a free 127.0.0.1 port. */
export interface TokenServer {
  /** Token endpoint URL, used as the registry's realm. */
  realm: string;
  service: string;
  issuer: string;
  /** YAML for `auth:` of the registry configuration (see startRegistry's authYaml). */
  authYaml: string;
  /** Tokens issued so far. */
  issued: number;
  /** Signs a token directly, e.g. with push rights for the test's uploads. */
  mint(subject: string, access: Access[]): string;
  stop(): Promise<void>;
}

/**
 * Starts a token server that checks Basic credentials and signs ES256 JWTs. The header carries
 * the self-signed certificate in `x5c`; distribution 2.8 accepts a token whose x5c chain ends in
 * a certificate of its `rootcertbundle`.
 */
export async function startTokenServer(options: TokenServerOptions): Promise<TokenServer> {
  const dir = mkdtempSync(join(tmpdir(), 'token-server-'));
  const { key, certificatePath, certificateDer } = makeSigningCertificate(dir);
  const service = 'test-registry';
  const issuer = 'test-token-issuer';

  const mint = (subject: string, access: Access[]): string =>
    signToken(key, certificateDer, {
      issuer,
      service,
      subject,
      access,
      lifetime: options.expiresIn ?? 300,
    });

  const state = { issued: 0 };
  const server = createServer((req, res) => {
    const token = issueToken(req, options, mint);
    if (token === undefined) {
      res.writeHead(401, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          errors: [{ code: 'UNAUTHORIZED', message: 'invalid username or password' }],
        }),
      );
      return;
    }
    state.issued++;
    reply(res, {
      token,
      expires_in: options.expiresIn ?? 300,
      issued_at: new Date().toISOString(),
    });
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const realm = `http://127.0.0.1:${port}/token`;

  return {
    realm,
    service,
    issuer,
    authYaml: [
      '  token:',
      `    realm: ${realm}`,
      `    service: ${service}`,
      `    issuer: ${issuer}`,
      `    rootcertbundle: ${certificatePath}`,
      '',
    ].join('\n'),
    get issued() {
      return state.issued;
    },
    mint,
    stop: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Returns a token for the request, or undefined when its Basic credentials are wrong. */
function issueToken(
  req: IncomingMessage,
  options: TokenServerOptions,
  mint: (subject: string, access: Access[]) => string,
): string | undefined {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  const user = basicUser(req.headers.authorization, options.users);
  if (user === undefined) return undefined;

  // Like common token services, grant the allowed part of the scope and omit the rest.
  const granted = options.pullGrants[user] ?? [];
  const access: Access[] = [];
  for (const scope of url.searchParams.getAll('scope')) {
    const [type, name, actions] = scope.split(':');
    if (
      type === 'repository' &&
      name &&
      actions?.split(',').includes('pull') &&
      granted.includes(name)
    ) {
      access.push({ type, name, actions: ['pull'] });
    }
  }
  return mint(user, access);
}

/** Returns the user name for valid credentials, '' without credentials, undefined when wrong. */
function basicUser(header: string | undefined, users: Record<string, string>): string | undefined {
  if (header === undefined) return '';
  if (!header.startsWith('Basic ')) return undefined;
  const decoded = Buffer.from(header.slice('Basic '.length), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  const user = decoded.slice(0, colon);
  return colon > 0 && users[user] === decoded.slice(colon + 1) ? user : undefined;
}

function reply(res: ServerResponse, body: unknown): void {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

function makeSigningCertificate(dir: string): {
  key: KeyObject;
  certificatePath: string;
  certificateDer: string;
} {
  const keyPath = join(dir, 'key.pem');
  const certificatePath = join(dir, 'cert.pem');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      keyPath,
      '-out',
      certificatePath,
      '-days',
      '2',
      '-subj',
      '/CN=test token issuer',
    ],
    { stdio: 'ignore' },
  );
  const key = createPrivateKey(readFileSync(keyPath));
  const certificateDer = new X509Certificate(readFileSync(certificatePath)).raw.toString('base64');
  return { key, certificatePath, certificateDer };
}

function signToken(
  key: KeyObject,
  certificateDer: string,
  claims: { issuer: string; service: string; subject: string; access: Access[]; lifetime: number },
): string {
  const now = Math.floor(Date.now() / 1000);
  const header = { typ: 'JWT', alg: 'ES256', x5c: [certificateDer] };
  const payload = {
    iss: claims.issuer,
    sub: claims.subject,
    aud: claims.service,
    exp: now + claims.lifetime,
    nbf: now - 10,
    iat: now,
    jti: randomUUID(),
    access: claims.access,
  };
  const signingInput = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(payload))}`;
  // JWS wants the raw r||s form of an ECDSA signature, not DER.
  const signature = sign('sha256', Buffer.from(signingInput), { key, dsaEncoding: 'ieee-p1363' });
  return `${signingInput}.${signature.toString('base64url')}`;
}

function base64url(text: string): string {
  return Buffer.from(text).toString('base64url');
}
