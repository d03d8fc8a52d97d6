import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IdentityPolicy } from '../src/cosign/policy.js';
import { buildSummary } from '../src/report.js';
import { run, type Settings } from '../src/run.js';
import { pushLegacySignature } from './helpers/cosign.js';
import { REAL_FIXTURES, realFile, realFixturesSkipReason, realText } from './helpers/fixtures.js';
import { registrySkipReason, startRegistry, type TestRegistry } from './helpers/registry.js';
import {
  createCA,
  createTestSigstore,
  randomImageDigest,
  signBundleKeyless,
  signLegacyKeyless,
  type TestSigstore,
} from './helpers/sigstore-fixtures.js';
import { pushBundleManifest, pushReferrersIndex } from './helpers/cosign.js';
import { testSettings } from './helpers/settings.js';

const KEYLESS_DIGEST = 'sha256:0489474da8ea22426ece86ace6c1c0026ab2fd3cdfbbd62b7e94650266c37d9a';
const IDENTITY = 'https://github.com/acme/app/.github/workflows/release.yml@refs/tags/v1.0.0';
const ISSUER = 'https://token.actions.githubusercontent.com';

function settings(images: string[], trustedRoot: string, identity: IdentityPolicy): Settings {
  return testSettings(images, { trustedRoot, identity });
}

describe.skipIf(registrySkipReason ?? realFixturesSkipReason)(
  'keyless run on the real Fulcio signature',
  () => {
    let registry: TestRegistry;
    const trustedRoot = join(REAL_FIXTURES, 'trust', 'sigstore-public-good.trusted_root.json');
    const image = () => `${registry.host}/cosign-signed/fulcio-rekor-1@${KEYLESS_DIGEST}`;

    beforeAll(async () => {
      registry = await startRegistry();
      const annotations = JSON.parse(
        realText('ci-keyless-fulcio-rekor', 'annotations.json'),
      ) as Record<string, string>;
      await pushLegacySignature(registry, 'cosign-signed/fulcio-rekor-1', KEYLESS_DIGEST, [
        { payload: realFile('ci-keyless-fulcio-rekor', 'payload.json'), annotations },
      ]);
    });

    afterAll(async () => {
      await registry?.stop();
    });

    it('verifies offline and names the signer', async () => {
      const results = await run(
        settings([image()], trustedRoot, {
          identity: 'mitr@redhat.com',
          issuer: 'https://github.com/login/oauth',
        }),
      );
      const [result] = results;
      expect(result?.status).toBe('verified');
      expect(result?.signer?.identity).toBe('mitr@redhat.com');
      expect(result?.signer?.issuer).toBe('https://github.com/login/oauth');
      expect(buildSummary(results, { warnOnly: false })).toContain(
        'mitr@redhat.com, issuer https://github.com/login/oauth',
      );
    });

    it('reports mismatch for another identity, naming the check', async () => {
      const [result] = await run(
        settings([image()], trustedRoot, {
          identity: 'someone@example.com',
          issuer: 'https://github.com/login/oauth',
        }),
      );
      expect(result?.status).toBe('mismatch');
      expect(result?.message).toContain('someone@example.com');
      expect(result?.message).toContain('mitr@redhat.com');
    });

    it('reports mismatch for another issuer', async () => {
      const [result] = await run(
        settings([image()], trustedRoot, {
          identity: 'mitr@redhat.com',
          issuer: 'https://accounts.google.com',
        }),
      );
      expect(result?.status).toBe('mismatch');
      expect(result?.message).toContain('https://accounts.google.com');
    });

    it('does not let a regexp match a longer identity', async () => {
      const [result] = await run(
        settings([image()], trustedRoot, {
          identityRegexp: 'mitr@redhat',
          issuer: 'https://github.com/login/oauth',
        }),
      );
      expect(result?.status).toBe('mismatch');
    });

    it('reports error for a trust root that cannot be read', async () => {
      await expect(
        run(
          settings([image()], '/nonexistent/trusted_root.json', {
            identity: 'mitr@redhat.com',
            issuer: 'x',
          }),
        ),
      ).rejects.toThrow('/nonexistent/trusted_root.json');
    });
  },
);

describe.skipIf(registrySkipReason)('keyless run on a test Sigstore', () => {
  let registry: TestRegistry;
  let sigstore: TestSigstore;

  beforeAll(async () => {
    registry = await startRegistry();
    sigstore = await createTestSigstore();
  });

  afterAll(async () => {
    await registry?.stop();
  });

  const policy = { identity: IDENTITY, issuer: ISSUER };

  it('verifies a cosign 3 keyless bundle from the referrers tag', async () => {
    const digest = randomImageDigest();
    const bundle = Buffer.from(
      JSON.stringify(await signBundleKeyless(sigstore, { imageDigest: digest, ...policy })),
    );
    const subject = { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest, size: 100 };
    const descriptor = await pushBundleManifest(registry, 'keyless/bundle', subject, bundle);
    await pushReferrersIndex(registry, 'keyless/bundle', digest, [descriptor]);

    const [result] = await run(
      settings([`${registry.host}/keyless/bundle@${digest}`], sigstore.trustedRootPath, policy),
    );
    expect(result?.status).toBe('verified');
    expect(result?.format).toBe('bundle');
    expect(result?.signer?.identity).toBe(IDENTITY);
  });

  it('verifies a legacy keyless .sig layer', async () => {
    const digest = randomImageDigest();
    const layer = await signLegacyKeyless(sigstore, { imageDigest: digest, ...policy });
    await pushLegacySignature(registry, 'keyless/legacy', digest, [layer]);

    const [result] = await run(
      settings([`${registry.host}/keyless/legacy@${digest}`], sigstore.trustedRootPath, policy),
    );
    expect(result?.status).toBe('verified');
    expect(result?.format).toBe('simplesigning');
  });

  it.each([
    [
      'another identity',
      { identity: 'https://github.com/evil/app/.github/workflows/x.yml@refs/heads/main' },
    ],
    ['another issuer', { issuer: 'https://accounts.google.com' }],
    ['a log body naming another signature', { logSignature: Buffer.from('not the signature') }],
    ['a tampered signed entry timestamp', { tamperSignedEntryTimestamp: true }],
    ['no log entry', { tlog: false }],
  ])('reports mismatch for %s', async (_name, change) => {
    const digest = randomImageDigest();
    const layer = await signLegacyKeyless(sigstore, { imageDigest: digest, ...policy, ...change });
    const repository = `keyless/case-${digest.slice(7, 15)}`;
    await pushLegacySignature(registry, repository, digest, [layer]);

    const [result] = await run(
      settings([`${registry.host}/${repository}@${digest}`], sigstore.trustedRootPath, policy),
    );
    expect(result?.status).toBe('mismatch');
    expect(result?.message).not.toBe('');
  });

  it('reports mismatch for a certificate from an unknown CA', async () => {
    const digest = randomImageDigest();
    const ca = await createCA(sigstore, { untrusted: true });
    const layer = await signLegacyKeyless(sigstore, { imageDigest: digest, ...policy, ca });
    await pushLegacySignature(registry, 'keyless/unknown-ca', digest, [layer]);

    const [result] = await run(
      settings([`${registry.host}/keyless/unknown-ca@${digest}`], sigstore.trustedRootPath, policy),
    );
    expect(result?.status).toBe('mismatch');
  });
});
