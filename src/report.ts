import type { ImageResult, Status } from './check.js';

/** Step outputs, by output name. */
export interface Outputs {
  digest: string;
  'signature-tag': string;
  signature: string;
  verified: string;
  results: string;
}

/** One annotation for an image that did not pass. */
export interface Annotation {
  level: 'error' | 'warning';
  title: string;
  message: string;
}

const STATUS_LABEL: Record<Status, string> = {
  verified: '✅ verified',
  present: '⚠️ present (not verified)',
  missing: '❌ missing',
  mismatch: '❌ mismatch',
  error: '❌ error',
};

/** Returns true when every image is `verified` or `present`. */
export function allPassed(results: ImageResult[]): boolean {
  return (
    results.length > 0 &&
    results.every((result) => result.status === 'verified' || result.status === 'present')
  );
}

/**
 * Builds the step outputs. For one image each value is that image's; for several, one line
 * per image in input order.
 */
export function buildOutputs(results: ImageResult[]): Outputs {
  const lines = (pick: (result: ImageResult) => string) => results.map(pick).join('\n');
  return {
    digest: lines((result) => result.digest),
    'signature-tag': lines((result) => result.signatureTag),
    signature: lines((result) => result.signature),
    verified: String(results.length > 0 && results.every((result) => result.status === 'verified')),
    results: JSON.stringify(results),
  };
}

/**
 * Returns the annotation for a result: an error (a warning with warn-only) for a failed image,
 * a warning for `present`, since nothing was verified, and none for `verified`.
 */
export function buildAnnotation(result: ImageResult, warnOnly: boolean): Annotation | undefined {
  if (result.status === 'verified') return undefined;
  if (result.status === 'present') {
    return {
      level: 'warning',
      title: `Signature not verified: ${result.image}`,
      message:
        'a signature naming this digest exists, but no public-key or certificate identity was given to verify it (an empty secret in public-key has the same effect)',
    };
  }
  return {
    level: warnOnly ? 'warning' : 'error',
    title: `Signature ${result.status}: ${result.image}`,
    message: oneLine(result.message),
  };
}

/** Settings the summary warns about. */
export interface SummaryOptions {
  warnOnly: boolean;
  ignoreTlog?: boolean;
  ignoreSct?: boolean;
}

/** Builds the job summary as Markdown: a headline, warnings, then one table row per image. */
export function buildSummary(results: ImageResult[], options: SummaryOptions): string {
  const { warnOnly } = options;
  const passed = allPassed(results);
  const headline = passed
    ? `All ${results.length} image(s) passed the signature check.`
    : `${results.filter((r) => r.status !== 'verified' && r.status !== 'present').length} of ${results.length} image(s) failed the signature check${warnOnly ? ' (warn-only: the step does not fail)' : ''}.`;

  const rows = results.map((result) =>
    [
      cell(result.image),
      result.digest ? `\`${cell(result.digest)}\`` : '',
      result.signatureTag ? `\`${cell(result.signatureTag)}\`` : '',
      STATUS_LABEL[result.status],
      cell(signedBy(result)),
      cell(result.message),
    ].join(' | '),
  );

  const warnings: string[] = [];
  if (options.ignoreTlog)
    warnings.push('> [!WARNING]\n> ignore-tlog is set: transparency-log entries were not checked.');
  if (options.ignoreSct)
    warnings.push('> [!WARNING]\n> ignore-sct is set: certificate transparency was not checked.');
  if (results.some((result) => result.status === 'present')) {
    warnings.push(
      '> [!WARNING]\n> No public-key or certificate identity was given: signatures were found but not verified.',
    );
  }

  return [
    '## Container image signatures',
    '',
    headline,
    '',
    ...warnings.flatMap((warning) => [warning, '']),
    '| Image | Digest | Signature tag | Status | Signed by | Reason |',
    '| --- | --- | --- | --- | --- | --- |',
    ...rows.map((row) => `| ${row} |`),
    '',
  ].join('\n');
}

function signedBy(result: ImageResult): string {
  const signer = result.signer;
  if (!signer) return '';
  const workflow = signer.githubWorkflowRepository
    ? ` (${signer.githubWorkflowRepository}${signer.githubWorkflowRef ? ` @ ${signer.githubWorkflowRef}` : ''})`
    : '';
  return `${signer.identity}, issuer ${signer.issuer}${workflow}`;
}

/** Escapes text for a Markdown table cell, so registry-supplied text cannot add HTML or columns. */
function cell(text: string): string {
  return oneLine(text)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/\|/g, '\\|')
    .replace(/`/g, "'");
}

/** Joins the lines of a text with spaces, so registry-supplied text cannot start a line. */
export function oneLine(text: string): string {
  return text.replace(/\s*[\r\n]+\s*/g, ' ').trim();
}
