import { describe, expect, it } from 'vitest';
import type { ImageResult } from '../src/check.js';
import { allPassed, buildAnnotation, buildOutputs, buildSummary } from '../src/report.js';

const DIGEST_A = `sha256:${'a'.repeat(64)}`;
const DIGEST_B = `sha256:${'b'.repeat(64)}`;

function result(status: ImageResult['status'], extra: Partial<ImageResult> = {}): ImageResult {
  return {
    image: `ghcr.io/org/${status}:v1`,
    digest: DIGEST_A,
    signatureTag: `sha256-${'a'.repeat(64)}.sig`,
    signature: 'MEUCIQ==',
    status,
    message: `${status} message`,
    ...extra,
  };
}

describe('buildOutputs', () => {
  it('gives one image its own values', () => {
    const outputs = buildOutputs([result('verified')]);
    expect(outputs.digest).toBe(DIGEST_A);
    expect(outputs.signature).toBe('MEUCIQ==');
    expect(outputs.verified).toBe('true');
  });

  it('writes one line per image in input order', () => {
    const outputs = buildOutputs([
      result('verified'),
      result('missing', { digest: DIGEST_B, signature: '' }),
    ]);
    expect(outputs.digest).toBe(`${DIGEST_A}\n${DIGEST_B}`);
    expect(outputs.signature).toBe('MEUCIQ==\n');
    expect(outputs.verified).toBe('false');
  });

  it('reports verified false when an image is only present', () => {
    expect(buildOutputs([result('verified'), result('present')]).verified).toBe('false');
  });

  it('serialises every result field', () => {
    const signer = { identity: 'me@example.com', issuer: 'https://issuer.example' };
    const parsed = JSON.parse(
      buildOutputs([result('verified', { signer, source: 'tag', format: 'bundle' })]).results,
    ) as ImageResult[];
    expect(parsed[0]?.signer?.identity).toBe('me@example.com');
    expect(parsed[0]?.format).toBe('bundle');
    expect(parsed[0]?.status).toBe('verified');
  });
});

describe('allPassed', () => {
  it.each([
    [['verified', 'present'], true],
    [['verified', 'missing'], false],
    [['mismatch'], false],
    [['error'], false],
    [[], false],
  ] as [ImageResult['status'][], boolean][])('returns %s -> %s', (statuses, expected) => {
    expect(allPassed(statuses.map((status) => result(status)))).toBe(expected);
  });
});

describe('buildAnnotation', () => {
  it('returns none for a verified image', () => {
    expect(buildAnnotation(result('verified'), false)).toBeUndefined();
  });

  it('warns that a present signature was not verified', () => {
    expect(buildAnnotation(result('present'), false)?.level).toBe('warning');
  });

  it.each(['missing', 'mismatch', 'error'] as const)('returns an error for %s', (status) => {
    const annotation = buildAnnotation(result(status), false);
    expect(annotation?.level).toBe('error');
    expect(annotation?.title).toBe(`Signature ${status}: ghcr.io/org/${status}:v1`);
    expect(annotation?.message).toBe(`${status} message`);
  });

  it('returns a warning under warn-only', () => {
    expect(buildAnnotation(result('mismatch'), true)?.level).toBe('warning');
  });

  it('folds a message onto one line', () => {
    expect(buildAnnotation(result('error', { message: 'first\nsecond' }), false)?.message).toBe(
      'first second',
    );
  });
});

describe('buildSummary', () => {
  it('writes one row per image with status and reason', () => {
    const summary = buildSummary([result('verified'), result('missing')], { warnOnly: false });
    expect(summary).toContain('1 of 2 image(s) failed the signature check.');
    expect(summary).toContain('✅ verified');
    expect(summary).toContain('❌ missing');
    expect(summary.split('\n').filter((line) => line.startsWith('| ghcr.io'))).toHaveLength(2);
  });

  it('escapes registry-supplied text in cells', () => {
    const summary = buildSummary(
      [result('error', { message: 'bad | <script>alert(1)</script>' })],
      { warnOnly: false },
    );
    expect(summary).toContain('bad \\| &lt;script&gt;alert(1)&lt;/script&gt;');
    expect(summary).not.toContain('<script>');
  });

  it('names the signer and workflow', () => {
    const signer = {
      identity: 'https://github.com/org/app/.github/workflows/release.yml@refs/tags/v1',
      issuer: 'https://token.actions.githubusercontent.com',
      githubWorkflowRepository: 'org/app',
      githubWorkflowRef: 'refs/tags/v1',
    };
    const summary = buildSummary([result('verified', { signer })], { warnOnly: false });
    expect(summary).toContain(
      `${signer.identity}, issuer ${signer.issuer} (org/app @ refs/tags/v1)`,
    );
  });

  it('warns when the transparency log was skipped', () => {
    expect(buildSummary([result('verified')], { warnOnly: false, ignoreTlog: true })).toContain(
      'ignore-tlog is set',
    );
  });

  it('warns when signatures were not verified', () => {
    expect(buildSummary([result('present')], { warnOnly: false })).toContain(
      'signatures were found but not verified',
    );
  });

  it('says that warn-only keeps the step green', () => {
    expect(buildSummary([result('missing')], { warnOnly: true })).toContain(
      'warn-only: the step does not fail',
    );
  });
});
