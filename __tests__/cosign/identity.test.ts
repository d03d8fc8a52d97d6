import { generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { initializeCA } from '@sigstore/mock';
import { describe, expect, it } from 'vitest';
import { ConfigError, VerificationError } from '../../src/errors.js';
import type { IdentityPolicy, Signer } from '../../src/cosign/policy.js';
import {
  anchoredRegExp,
  checkIdentity,
  signerFromCertificate,
  validateIdentityPolicy,
} from '../../src/cosign/identity.js';
import { realFixturesSkipReason } from '../helpers/fixtures.js';

const REAL = '../shared/fixtures/real';

const SIGNER: Signer = {
  identity: 'https://github.com/acme/app/.github/workflows/release.yml@refs/tags/v1.0.0',
  issuer: 'https://token.actions.githubusercontent.com',
  githubWorkflowRepository: 'acme/app',
  githubWorkflowRef: 'refs/tags/v1.0.0',
  githubWorkflowTrigger: 'push',
};

/** Issues a certificate with the given Fulcio extensions from a throwaway mock CA. */
async function certificateWith(
  extensions: { oid: string; value: string; legacy?: boolean }[],
): Promise<Buffer> {
  const caKeys = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const leafKeys = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const ca = await initializeCA(caKeys);
  const der = await ca.issueCertificate({
    publicKey: leafKeys.publicKey.export({ format: 'der', type: 'spki' }),
    subjectAltName: SIGNER.identity,
    extensions,
  });
  return Buffer.from(der.buffer, der.byteOffset, der.byteLength);
}

function mismatch(signer: Signer, policy: IdentityPolicy): VerificationError {
  try {
    checkIdentity(signer, policy);
  } catch (error) {
    expect(error).toBeInstanceOf(VerificationError);
    return error as VerificationError;
  }
  throw new Error('checkIdentity accepted the signer');
}

describe('signerFromCertificate', () => {
  describe.skipIf(realFixturesSkipReason)(
    'when given the legacy-extension certificate of ci-keyless-fulcio-rekor',
    () => {
      it('returns the email SAN and the .1.1 issuer', () => {
        const signer = signerFromCertificate(
          readFileSync(`${REAL}/ci-keyless-fulcio-rekor/certificate.pem`, 'utf8'),
        );

        expect(signer).toEqual({
          identity: 'mitr@redhat.com',
          issuer: 'https://github.com/login/oauth',
        });
      });
    },
  );

  describe('when the certificate has the v2 GitHub extensions', () => {
    it('returns every claim', async () => {
      const der = await certificateWith([
        { oid: '1.3.6.1.4.1.57264.1.8', value: SIGNER.issuer },
        {
          oid: '1.3.6.1.4.1.57264.1.9',
          value: `https://github.com/acme/app/.github/workflows/release.yml@refs/tags/v1.0.0`,
        },
        { oid: '1.3.6.1.4.1.57264.1.11', value: 'github-hosted' },
        { oid: '1.3.6.1.4.1.57264.1.12', value: 'https://github.com/acme/app' },
        { oid: '1.3.6.1.4.1.57264.1.13', value: 'abc123' },
        { oid: '1.3.6.1.4.1.57264.1.14', value: 'refs/tags/v1.0.0' },
        { oid: '1.3.6.1.4.1.57264.1.20', value: 'push' },
      ]);

      const signer = signerFromCertificate(der);

      expect(signer.identity).toBe(SIGNER.identity);
      expect(signer.issuer).toBe(SIGNER.issuer);
      expect(signer.buildSignerUri).toBe(SIGNER.identity);
      expect(signer.runnerEnvironment).toBe('github-hosted');
      expect(signer.sourceRepositoryUri).toBe('https://github.com/acme/app');
      expect(signer.githubWorkflowRepository).toBe('acme/app');
      expect(signer.githubWorkflowSha).toBe('abc123');
      expect(signer.githubWorkflowRef).toBe('refs/tags/v1.0.0');
      expect(signer.githubWorkflowTrigger).toBe('push');
    });
  });

  describe('when another issuer sets the v2 extensions', () => {
    it('returns no GitHub workflow claims', async () => {
      const der = await certificateWith([
        { oid: '1.3.6.1.4.1.57264.1.8', value: 'https://gitlab.com' },
        { oid: '1.3.6.1.4.1.57264.1.12', value: 'https://gitlab.com/acme/app' },
        { oid: '1.3.6.1.4.1.57264.1.14', value: 'refs/tags/v1.0.0' },
        { oid: '1.3.6.1.4.1.57264.1.20', value: 'push' },
      ]);

      const signer = signerFromCertificate(der);

      expect(signer.sourceRepositoryUri).toBe('https://gitlab.com/acme/app');
      expect(signer.githubWorkflowRepository).toBeUndefined();
      expect(signer.githubWorkflowRef).toBeUndefined();
      expect(signer.githubWorkflowTrigger).toBeUndefined();
    });
  });

  describe('when the certificate has only legacy GitHub extensions', () => {
    it('returns the legacy claims', async () => {
      const der = await certificateWith([
        { oid: '1.3.6.1.4.1.57264.1.1', value: SIGNER.issuer, legacy: true },
        { oid: '1.3.6.1.4.1.57264.1.2', value: 'workflow_dispatch', legacy: true },
        { oid: '1.3.6.1.4.1.57264.1.3', value: 'def456', legacy: true },
        { oid: '1.3.6.1.4.1.57264.1.4', value: 'Release', legacy: true },
        { oid: '1.3.6.1.4.1.57264.1.5', value: 'acme/app', legacy: true },
        { oid: '1.3.6.1.4.1.57264.1.6', value: 'refs/heads/main', legacy: true },
      ]);

      const signer = signerFromCertificate(der);

      expect(signer.issuer).toBe(SIGNER.issuer);
      expect(signer.githubWorkflowTrigger).toBe('workflow_dispatch');
      expect(signer.githubWorkflowSha).toBe('def456');
      expect(signer.githubWorkflowName).toBe('Release');
      expect(signer.githubWorkflowRepository).toBe('acme/app');
      expect(signer.githubWorkflowRef).toBe('refs/heads/main');
    });
  });

  describe('when the certificate has no issuer extension', () => {
    it('throws MALFORMED', async () => {
      const der = await certificateWith([]);

      expect(() => signerFromCertificate(der)).toThrow(/no OIDC issuer extension/);
    });
  });

  describe('when the input is not a certificate', () => {
    it('throws MALFORMED', () => {
      expect(() => signerFromCertificate(Buffer.from('nope'))).toThrow(VerificationError);
    });
  });
});

describe('checkIdentity', () => {
  describe('when the exact identity and issuer match', () => {
    it('returns without error', () => {
      expect(() =>
        checkIdentity(SIGNER, { identity: SIGNER.identity, issuer: SIGNER.issuer }),
      ).not.toThrow();
    });
  });

  describe('when the identity differs', () => {
    it('throws IDENTITY_MISMATCH naming field, expected and actual value', () => {
      const error = mismatch(SIGNER, { identity: 'someone@example.com', issuer: SIGNER.issuer });

      expect(error.code).toBe('IDENTITY_MISMATCH');
      expect(error.message).toContain('certificate identity mismatch');
      expect(error.message).toContain('"someone@example.com"');
      expect(error.message).toContain(`"${SIGNER.identity}"`);
    });
  });

  describe('when an unanchored regexp matches only part of the identity', () => {
    it('throws IDENTITY_MISMATCH', () => {
      const error = mismatch(SIGNER, {
        identityRegexp: 'https://github.com/acme/app',
        issuer: SIGNER.issuer,
      });

      expect(error.code).toBe('IDENTITY_MISMATCH');
    });
  });

  describe('when a regexp matches the whole identity', () => {
    it('returns without error', () => {
      const policy = {
        identityRegexp: 'https://github\\.com/acme/.*@refs/tags/v.*',
        issuerRegexp: '.*githubusercontent.*',
      };

      expect(() => checkIdentity(SIGNER, policy)).not.toThrow();
    });
  });

  describe('when a GitHub claim differs', () => {
    it('throws IDENTITY_MISMATCH naming the claim', () => {
      const error = mismatch(SIGNER, {
        identity: SIGNER.identity,
        issuer: SIGNER.issuer,
        githubWorkflowTrigger: 'release',
      });

      expect(error.message).toContain('GitHub workflow trigger mismatch');
      expect(error.message).toContain('"push"');
    });
  });

  describe('when the certificate lacks a claim the policy sets', () => {
    it('throws IDENTITY_MISMATCH saying the certificate has none', () => {
      const error = mismatch(SIGNER, {
        identity: SIGNER.identity,
        issuer: SIGNER.issuer,
        runnerEnvironment: 'github-hosted',
      });

      expect(error.message).toContain('certificate has none');
    });
  });
});

describe('validateIdentityPolicy', () => {
  describe('when the identity is missing', () => {
    it('throws ConfigError', () => {
      expect(() => validateIdentityPolicy({ issuer: SIGNER.issuer })).toThrow(ConfigError);
    });
  });

  describe('when the issuer is missing', () => {
    it('throws ConfigError', () => {
      expect(() => validateIdentityPolicy({ identityRegexp: '.*' })).toThrow(
        /needs the OIDC issuer/,
      );
    });
  });

  describe('when a regexp is invalid', () => {
    it('throws ConfigError naming the pattern', () => {
      const validate = () => validateIdentityPolicy({ identityRegexp: '(', issuer: SIGNER.issuer });

      expect(validate).toThrow(ConfigError);
      expect(validate).toThrow('invalid regular expression "("');
    });
  });
});

describe('anchoredRegExp', () => {
  it('returns an anchored pattern for an unanchored one', () => {
    expect(anchoredRegExp('a|b').source).toBe('^(?:a|b)$');
  });

  it('wraps a pattern that has its own anchors', () => {
    expect(anchoredRegExp('^a|b$').test('b-evil')).toBe(false);
    expect(anchoredRegExp('^a|b$').test('a-evil')).toBe(false);
    expect(anchoredRegExp('^a$').test('a')).toBe(true);
  });

  it('returns a pattern that rejects a longer value', () => {
    expect(anchoredRegExp('a|b').test('ab')).toBe(false);
  });
});
