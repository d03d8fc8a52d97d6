import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pushLegacySignature } from './helpers/cosign.js';
import {
  CERT_MANAGER,
  REAL_FIXTURES,
  realFile,
  realFixturesSkipReason,
  realText,
} from './helpers/fixtures.js';
import {
  pushBlob,
  pushManifest,
  registrySkipReason,
  startRegistry,
  type TestRegistry,
} from './helpers/registry.js';

const DIST = resolve(import.meta.dirname, '../dist/index.js');
const CLI = resolve(import.meta.dirname, '../dist/cli/index.js');
const DIGEST = 'sha256:e1642bf8e93357165c9f0b027397ce79fdbda8cd609ee048c69284da01401c6c';
const OTHER_DIGEST = `sha256:${'0'.repeat(64)}`;

interface ActionRun {
  status: number | null;
  stdout: string;
  outputs: Record<string, string>;
  summary: string;
}

/** Runs the bundled action as the runner does: inputs in INPUT_* variables, files for outputs. */
function runAction(inputs: Record<string, string>): ActionRun {
  const dir = mkdtempSync(join(tmpdir(), 'action-'));
  const outputFile = join(dir, 'output');
  const summaryFile = join(dir, 'summary');
  writeFileSync(outputFile, '');
  writeFileSync(summaryFile, '');

  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: dir,
    GITHUB_OUTPUT: outputFile,
    GITHUB_STEP_SUMMARY: summaryFile,
    RUNNER_TEMP: dir,
  };
  for (const [name, value] of Object.entries(inputs)) env[`INPUT_${name.toUpperCase()}`] = value;

  const child = spawnSync(process.execPath, [DIST], { env, encoding: 'utf8', timeout: 60_000 });
  return {
    status: child.status,
    stdout: child.stdout,
    outputs: parseOutputFile(readFileSync(outputFile, 'utf8')),
    summary: readFileSync(summaryFile, 'utf8'),
  };
}

/** Reads the `name<<delimiter` blocks that @actions/core writes to GITHUB_OUTPUT. */
function parseOutputFile(text: string): Record<string, string> {
  const outputs: Record<string, string> = {};
  const pattern = /^([^<\n]+)<<(ghadelimiter_[^\n]+)\n([\s\S]*?)\n\2$/gm;
  for (const match of text.matchAll(pattern)) outputs[match[1]!] = match[3]!;
  return outputs;
}

describe.skipIf(
  registrySkipReason ??
    (existsSync(DIST) ? undefined : 'dist/index.js is not built (npm run build)'),
)('dist/index.js', () => {
  let registry: TestRegistry;
  const key = join(CERT_MANAGER, 'cert-manager-pubkey-2021-09-20.pem');

  beforeAll(async () => {
    registry = await startRegistry();
    const repository = 'jetstack/cert-manager-controller';
    await pushBlob(registry, repository, readFileSync(join(CERT_MANAGER, 'config.json')));
    await pushBlob(registry, repository, readFileSync(join(CERT_MANAGER, 'payload.json')));
    await pushManifest(
      registry,
      repository,
      `${DIGEST.replace(':', '-')}.sig`,
      readFileSync(join(CERT_MANAGER, 'signature-manifest.json')),
      'application/vnd.oci.image.manifest.v1+json',
    );
  });

  afterAll(async () => {
    await registry?.stop();
  });

  it('verifies cert-manager and writes outputs and summary', () => {
    const image = `${registry.host}/jetstack/cert-manager-controller@${DIGEST}`;
    const result = runAction({
      images: image,
      'public-key': key,
      'signature-digest-algorithm': 'sha512',
      'signature-format': 'legacy',
    });

    expect(result.status).toBe(0);
    expect(result.outputs.digest).toBe(DIGEST);
    expect(result.outputs['signature-tag']).toBe(`${DIGEST.replace(':', '-')}.sig`);
    expect(result.outputs.signature).toBe(
      readFileSync(join(CERT_MANAGER, 'signature.b64'), 'utf8').trim(),
    );
    expect(result.outputs.verified).toBe('true');
    const results = JSON.parse(result.outputs.results ?? '[]') as {
      image: string;
      status: string;
    }[];
    expect(results).toHaveLength(1);
    expect(results[0]?.image).toBe(image);
    expect(results[0]?.status).toBe('verified');
    expect(result.summary).toContain('✅ verified');
    expect(result.summary).toContain(DIGEST);
  });

  it('fails the step for a wrong digest algorithm and a missing signature', () => {
    const signed = `${registry.host}/jetstack/cert-manager-controller@${DIGEST}`;
    const unsigned = `${registry.host}/jetstack/cert-manager-controller@${OTHER_DIGEST}`;
    const result = runAction({
      images: `${signed}\n\n${unsigned}`,
      'public-key': key,
      'signature-format': 'legacy',
    });

    expect(result.status).toBe(1);
    expect(result.outputs.verified).toBe('false');
    expect(result.outputs.digest).toBe(`${DIGEST}\n${OTHER_DIGEST}`);
    const statuses = (JSON.parse(result.outputs.results ?? '[]') as { status: string }[]).map(
      (r) => r.status,
    );
    expect(statuses).toEqual(['mismatch', 'missing']);
    expect(result.stdout).toContain('::error title=Signature mismatch');
    expect(result.stdout).toContain('::error title=Signature missing');
    expect(result.summary).toContain('❌ mismatch');
    expect(result.summary).toContain('❌ missing');
  });

  it('passes with warnings under warn-only', () => {
    const unsigned = `${registry.host}/jetstack/cert-manager-controller@${OTHER_DIGEST}`;
    const result = runAction({ images: unsigned, 'public-key': key, 'warn-only': 'true' });

    expect(result.status).toBe(0);
    expect(result.stdout).toContain('::warning title=Signature missing');
    expect(result.outputs.verified).toBe('false');
  });

  it('fails with one line for an unreadable key, before any request', () => {
    const result = runAction({
      images: `${registry.host}/a@${DIGEST}`,
      'public-key': '/nonexistent/key.pem',
    });

    expect(result.status).toBe(1);
    expect(result.stdout).toContain(
      '::error::public-key "/nonexistent/key.pem" is neither PEM text nor a readable file',
    );
    expect(result.stdout).not.toMatch(/^\s+at /m);
  });

  it('runs the CLI with exit codes for pass, fail and bad options', () => {
    const image = `${registry.host}/jetstack/cert-manager-controller@${DIGEST}`;
    const cli = (...args: string[]) =>
      spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 60_000 });

    const passed = cli(
      '--public-key',
      key,
      '--signature-digest-algorithm',
      'sha512',
      '--json',
      image,
    );
    expect(passed.status).toBe(0);
    expect((JSON.parse(passed.stdout) as { status: string }[])[0]?.status).toBe('verified');

    const failed = cli('--public-key', key, image);
    expect(failed.status).toBe(1);
    expect(failed.stdout).toContain('❌ mismatch');

    const invalid = cli('--public-key', '/nonexistent/key.pem', image);
    expect(invalid.status).toBe(2);
    expect(invalid.stderr.trim().split('\n')).toHaveLength(1);

    const unknown = cli('--bogus', image);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr.trim()).toBe(
      "cosign-gate: Unknown option '--bogus'; run with --help for the options",
    );
  });

  it('keeps registry-supplied text from starting a workflow command', async () => {
    const digest = `sha256:${'9'.repeat(64)}`;
    const forged = JSON.stringify({
      critical: {
        identity: { 'docker-reference': 'x' },
        image: { 'docker-manifest-digest': digest },
        type: 'x\n::error title=forged::forged line',
      },
      optional: null,
    });
    await pushLegacySignature(registry, 'forged/app', digest, [
      {
        payload: Buffer.from(forged),
        annotations: { 'dev.cosignproject.cosign/signature': 'AAAA' },
      },
    ]);

    const result = runAction({
      images: `${registry.host}/forged/app@${digest}`,
      'signature-format': 'legacy',
    });

    expect(result.status).toBe(1);
    expect(result.stdout).not.toMatch(/^::error title=forged/m);
    expect(result.stdout).toContain('::error title=Signature mismatch');
  });

  it('masks the registry password', () => {
    const result = runAction({
      images: `${registry.host}/jetstack/cert-manager-controller@${OTHER_DIGEST}`,
      'registry-username': 'ci',
      'registry-password': 'hunter2-password',
    });

    expect(result.stdout).toContain('::add-mask::hunter2-password');
    expect(result.stdout.replaceAll('::add-mask::hunter2-password', '')).not.toContain(
      'hunter2-password',
    );
  });
});

const SYSTEM_NODE = '/usr/bin/node';
const systemNodeVersion = existsSync(SYSTEM_NODE)
  ? spawnSync(SYSTEM_NODE, ['--version'], { encoding: 'utf8' }).stdout.trim()
  : '';
const oldNodeSkipReason = /^v(1\d|20|21)\./.test(systemNodeVersion)
  ? undefined
  : `no Node.js older than 22 at ${SYSTEM_NODE} (found "${systemNodeVersion}")`;

describe.skipIf(oldNodeSkipReason)('dist/cli/index.js on an old Node.js', () => {
  it('exits 2 with one line naming the version', () => {
    const child = spawnSync(SYSTEM_NODE, [CLI, '--help'], { encoding: 'utf8', timeout: 30_000 });

    expect(child.status).toBe(2);
    expect(child.stderr.trim().split('\n')).toHaveLength(1);
    expect(child.stderr).toContain(`Node.js ${systemNodeVersion.slice(1)} is too old`);
  });
});

describe.skipIf(registrySkipReason ?? realFixturesSkipReason)(
  'dist/index.js with a keyless signature',
  () => {
    let registry: TestRegistry;
    const digest = 'sha256:0489474da8ea22426ece86ace6c1c0026ab2fd3cdfbbd62b7e94650266c37d9a';

    beforeAll(async () => {
      registry = await startRegistry();
      const annotations = JSON.parse(
        realText('ci-keyless-fulcio-rekor', 'annotations.json'),
      ) as Record<string, string>;
      await pushLegacySignature(registry, 'keyless/app', digest, [
        { payload: realFile('ci-keyless-fulcio-rekor', 'payload.json'), annotations },
      ]);
    });

    afterAll(async () => {
      await registry?.stop();
    });

    it('verifies offline and names the signer in outputs and summary', () => {
      const result = runAction({
        images: `${registry.host}/keyless/app@${digest}`,
        'certificate-identity': 'mitr@redhat.com',
        'certificate-oidc-issuer': 'https://github.com/login/oauth',
        'trusted-root': join(REAL_FIXTURES, 'trust', 'sigstore-public-good.trusted_root.json'),
      });

      expect(result.status).toBe(0);
      const results = JSON.parse(result.outputs.results ?? '[]') as {
        status: string;
        signer?: { identity: string };
      }[];
      expect(results[0]?.status).toBe('verified');
      expect(results[0]?.signer?.identity).toBe('mitr@redhat.com');
      expect(result.summary).toContain('mitr@redhat.com, issuer https://github.com/login/oauth');
    });

    it('fails with one error line for an identity that does not match', () => {
      const result = runAction({
        images: `${registry.host}/keyless/app@${digest}`,
        'certificate-identity': 'release-bot@example.com',
        'certificate-oidc-issuer': 'https://github.com/login/oauth',
        'trusted-root': join(REAL_FIXTURES, 'trust', 'sigstore-public-good.trusted_root.json'),
      });

      expect(result.status).toBe(1);
      expect(result.stdout).toContain('::error title=Signature mismatch');
      expect(result.stdout).toContain('release-bot@example.com');
    });
  },
);
