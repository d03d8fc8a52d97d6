// A token service for the registry's `auth: token` mode on a free 127.0.0.1 port. It grants an
// anonymous pull token for any repository, as public registries do for public images, and
// counts the tokens it issues.
import { Buffer } from 'node:buffer';
import { execFileSync } from 'node:child_process';
import { createPrivateKey, randomUUID, sign, X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const SERVICE = 'bench-registry';
const ISSUER = 'bench-token-issuer';

/**
 * Starts the token service. It needs the openssl CLI for its self-signed ES256 certificate,
 * which the registry trusts through `rootcertbundle`. Returns the registry's `auth:` YAML, a
 * `mint` function for push tokens, the number of tokens issued and `stop`/`stopNow`.
 */
export async function startTokenServer() {
  const dir = mkdtempSync(join(tmpdir(), 'bench-token-'));
  const keyPath = join(dir, 'key.pem');
  const certificatePath = join(dir, 'cert.pem');
  try {
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
        '1',
        '-subj',
        '/CN=bench token issuer',
      ],
      { stdio: 'ignore' },
    );
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`openssl failed to create the token signing certificate: ${error.message}`, {
      cause: error,
    });
  }
  const key = createPrivateKey(readFileSync(keyPath));
  const certificateDer = new X509Certificate(readFileSync(certificatePath)).raw.toString('base64');

  const mint = (subject, access) => signToken(key, certificateDer, subject, access);
  const state = { issued: 0 };

  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    const access = url.searchParams
      .getAll('scope')
      .map((scope) => scope.split(':'))
      .filter(([type, name]) => type === 'repository' && name)
      .map(([type, name]) => ({ type, name, actions: ['pull'] }));
    state.issued++;
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(
      JSON.stringify({
        token: mint('', access),
        expires_in: 300,
        issued_at: new Date().toISOString(),
      }),
    );
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const realm = `http://127.0.0.1:${server.address().port}/token`;

  const stopNow = () => {
    server.closeAllConnections();
    server.close();
    rmSync(dir, { recursive: true, force: true });
  };
  return {
    authYaml: [
      '  token:',
      `    realm: ${realm}`,
      `    service: ${SERVICE}`,
      `    issuer: ${ISSUER}`,
      `    rootcertbundle: ${certificatePath}`,
      '',
    ].join('\n'),
    mint,
    get issued() {
      return state.issued;
    },
    resetCount() {
      state.issued = 0;
    },
    stop: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      rmSync(dir, { recursive: true, force: true });
    },
    stopNow,
  };
}

/** Signs a JWT in the form of distribution's token specification, with the certificate in x5c. */
function signToken(key, certificateDer, subject, access) {
  const now = Math.floor(Date.now() / 1000);
  const header = { typ: 'JWT', alg: 'ES256', x5c: [certificateDer] };
  const claims = {
    iss: ISSUER,
    sub: subject,
    aud: SERVICE,
    exp: now + 300,
    nbf: now - 10,
    iat: now,
    jti: randomUUID(),
    access,
  };
  const encode = (value) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const signingInput = `${encode(header)}.${encode(claims)}`;
  // JWS ES256 carries the raw r||s pair, not the DER form that node:crypto returns by default.
  const signature = sign('sha256', Buffer.from(signingInput), { key, dsaEncoding: 'ieee-p1363' });
  return `${signingInput}.${signature.toString('base64url')}`;
}
