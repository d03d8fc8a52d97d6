/**
 * Signer identity of a Fulcio certificate and its check against the user's identity policy.
 *
 * OID meanings and encodings follow docs/oid-info.md of sigstore/fulcio: .1.1 to .1.6 contain raw
 * strings, .1.8 to .1.22 contain DER UTF8Strings, and .1.7 is the OtherName SAN of a username.
 */
import { ASN1Obj, X509Certificate } from '@sigstore/core';
import { ConfigError, VerificationError, errorMessage } from '../errors.js';
import type { IdentityPolicy, Signer } from './policy.js';

const FULCIO_OID = '1.3.6.1.4.1.57264.1';

/** Legacy extensions (deprecated by Fulcio, still issued for GitHub): raw string values. */
const LEGACY = {
  issuer: `${FULCIO_OID}.1`,
  githubWorkflowTrigger: `${FULCIO_OID}.2`,
  githubWorkflowSha: `${FULCIO_OID}.3`,
  githubWorkflowName: `${FULCIO_OID}.4`,
  githubWorkflowRepository: `${FULCIO_OID}.5`,
  githubWorkflowRef: `${FULCIO_OID}.6`,
} as const;

/** Provider-neutral extensions: DER UTF8String values. */
const V2 = {
  otherNameSan: `${FULCIO_OID}.7`,
  issuer: `${FULCIO_OID}.8`,
  buildSignerUri: `${FULCIO_OID}.9`,
  runnerEnvironment: `${FULCIO_OID}.11`,
  sourceRepositoryUri: `${FULCIO_OID}.12`,
  sourceRepositoryDigest: `${FULCIO_OID}.13`,
  sourceRepositoryRef: `${FULCIO_OID}.14`,
  buildTrigger: `${FULCIO_OID}.20`,
} as const;

const ASN1_UTF8_STRING = 0x0c;

/** OIDC issuer of GitHub Actions workflow identity tokens. */
const GITHUB_ACTIONS_ISSUER = 'https://token.actions.githubusercontent.com';

/**
 * Reads the signer from a Fulcio certificate (PEM or DER): the SAN as identity, the OIDC issuer,
 * and the CI claims. Throws VerificationError('MALFORMED') for an unreadable certificate.
 */
export function signerFromCertificate(pem: string | Buffer): Signer {
  const cert = parseCertificate(pem);

  const identity = subjectAltName(cert);
  const issuer = utf8Extension(cert, V2.issuer) ?? rawExtension(cert, LEGACY.issuer);
  if (identity === undefined || issuer === undefined) {
    const missing = identity === undefined ? 'subject alternative name' : 'OIDC issuer extension';
    throw new VerificationError(
      'MALFORMED',
      `certificate has no ${missing}; it is not a Fulcio code-signing certificate`,
    );
  }

  const sourceRepositoryUri = utf8Extension(cert, V2.sourceRepositoryUri);
  // The v2 claims are provider-neutral, so they stand in for the GitHub-specific ones only on
  // certificates that GitHub Actions' issuer vouched for.
  const v2 = (oid: string) =>
    issuer === GITHUB_ACTIONS_ISSUER ? utf8Extension(cert, oid) : undefined;
  const claims: Omit<Signer, 'identity' | 'issuer'> = {
    githubWorkflowTrigger: rawExtension(cert, LEGACY.githubWorkflowTrigger) ?? v2(V2.buildTrigger),
    githubWorkflowSha:
      rawExtension(cert, LEGACY.githubWorkflowSha) ?? v2(V2.sourceRepositoryDigest),
    githubWorkflowName: rawExtension(cert, LEGACY.githubWorkflowName),
    githubWorkflowRepository:
      rawExtension(cert, LEGACY.githubWorkflowRepository) ??
      (issuer === GITHUB_ACTIONS_ISSUER ? repositoryPath(sourceRepositoryUri) : undefined),
    githubWorkflowRef: rawExtension(cert, LEGACY.githubWorkflowRef) ?? v2(V2.sourceRepositoryRef),
    buildSignerUri: utf8Extension(cert, V2.buildSignerUri),
    sourceRepositoryUri,
    runnerEnvironment: utf8Extension(cert, V2.runnerEnvironment),
  };

  return { identity, issuer, ...withoutUndefined(claims) };
}

/**
 * Checks the signer against the policy; every field the policy sets must match.
 * Throws VerificationError('IDENTITY_MISMATCH') naming the field, the expected and the actual value.
 */
export function checkIdentity(signer: Signer, policy: IdentityPolicy): void {
  const checks: [label: string, actual: string | undefined, exact?: string, regexp?: string][] = [
    ['identity', signer.identity, policy.identity, policy.identityRegexp],
    ['issuer', signer.issuer, policy.issuer, policy.issuerRegexp],
    [
      'GitHub workflow repository',
      signer.githubWorkflowRepository,
      policy.githubWorkflowRepository,
    ],
    ['GitHub workflow ref', signer.githubWorkflowRef, policy.githubWorkflowRef],
    ['GitHub workflow SHA', signer.githubWorkflowSha, policy.githubWorkflowSha],
    ['GitHub workflow trigger', signer.githubWorkflowTrigger, policy.githubWorkflowTrigger],
    ['GitHub workflow name', signer.githubWorkflowName, policy.githubWorkflowName],
    ['build signer URI', signer.buildSignerUri, policy.buildSignerUri, policy.buildSignerUriRegexp],
    ['source repository URI', signer.sourceRepositoryUri, policy.sourceRepositoryUri],
    ['runner environment', signer.runnerEnvironment, policy.runnerEnvironment],
  ];

  for (const [label, actual, exact, regexp] of checks) {
    checkField(label, actual, exact, regexp);
  }
}

/**
 * Checks that a keyless policy names both an identity and an issuer, and that its regular
 * expressions compile. Throws ConfigError otherwise.
 */
export function validateIdentityPolicy(policy: IdentityPolicy): void {
  if (policy.identity === undefined && policy.identityRegexp === undefined) {
    throw new ConfigError(
      'keyless verification needs the signer identity: set certificate-identity or certificate-identity-regexp',
    );
  }
  if (policy.issuer === undefined && policy.issuerRegexp === undefined) {
    throw new ConfigError(
      'keyless verification needs the OIDC issuer: set certificate-oidc-issuer or certificate-oidc-issuer-regexp',
    );
  }

  for (const pattern of [policy.identityRegexp, policy.issuerRegexp, policy.buildSignerUriRegexp]) {
    if (pattern !== undefined) anchoredRegExp(pattern);
  }
}

/**
 * Compiles a user pattern so that it must match the whole value: `p` becomes `^(?:p)$`. Throws
 * ConfigError for an invalid pattern.
 */
export function anchoredRegExp(pattern: string): RegExp {
  // Wrapped even when the pattern has its own anchors: `^a|b$` would otherwise match `b-evil`.
  try {
    return new RegExp(`^(?:${pattern})$`);
  } catch (error) {
    throw new ConfigError(
      `invalid regular expression ${JSON.stringify(pattern)}: ${errorMessage(error)}`,
    );
  }
}

function checkField(
  label: string,
  actual: string | undefined,
  exact: string | undefined,
  regexp: string | undefined,
): void {
  const actualText = actual === undefined ? 'none' : JSON.stringify(actual);

  if (exact !== undefined && actual !== exact) {
    throw new VerificationError(
      'IDENTITY_MISMATCH',
      `certificate ${label} mismatch: expected ${JSON.stringify(exact)}, certificate has ${actualText}`,
    );
  }

  if (regexp !== undefined && (actual === undefined || !anchoredRegExp(regexp).test(actual))) {
    throw new VerificationError(
      'IDENTITY_MISMATCH',
      `certificate ${label} mismatch: expected a match of /${regexp}/, certificate has ${actualText}`,
    );
  }
}

function parseCertificate(pem: string | Buffer): X509Certificate {
  try {
    const der = typeof pem === 'string' ? pem : Buffer.from(pem);
    return X509Certificate.parse(der);
  } catch (error) {
    throw new VerificationError(
      'MALFORMED',
      `cannot parse the signing certificate: ${errorMessage(error)}`,
    );
  }
}

/** Email, URI, or Fulcio username (OtherName) SAN, in that order of preference. */
function subjectAltName(cert: X509Certificate): string | undefined {
  const san = cert.extSubjectAltName;
  return san?.rfc822Name ?? san?.uri ?? san?.otherName(V2.otherNameSan);
}

function rawExtension(cert: X509Certificate, oid: string): string | undefined {
  return cert.extension(oid)?.value.toString('utf8');
}

function utf8Extension(cert: X509Certificate, oid: string): string | undefined {
  const extension = cert.extension(oid);
  if (extension === undefined) return undefined;

  let value: ASN1Obj;
  try {
    value = ASN1Obj.parseBuffer(Buffer.from(extension.value));
  } catch {
    throw new VerificationError('MALFORMED', `certificate extension ${oid} is not valid DER`);
  }
  if (value.tag.number !== ASN1_UTF8_STRING) {
    throw new VerificationError('MALFORMED', `certificate extension ${oid} is not a UTF8String`);
  }
  return value.value.toString('utf8');
}

/** `owner/repo` from a source repository URI such as `https://github.com/owner/repo`. */
function repositoryPath(uri: string | undefined): string | undefined {
  if (uri === undefined || !URL.canParse(uri)) return undefined;
  const repository = new URL(uri).pathname.replace(/^\/+|\/+$/g, '');
  return repository === '' ? undefined : repository;
}

function withoutUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(
    Object.entries(value).filter(([, field]) => field !== undefined),
  ) as Partial<T>;
}
