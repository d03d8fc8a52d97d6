import { parseArgs } from 'node:util';
import { ConfigError, errorMessage } from './errors.js';
import type { HashAlgorithm } from './cosign/policy.js';
import type { SignatureFormat } from './check.js';
import { allPassed, buildSummary } from './report.js';
import { run, type Settings } from './run.js';

const USAGE = `Usage: cosign-gate [options] IMAGE...

Checks the cosign signatures of container images, as the GitHub Action does.
Exit status: 0 when every image passed, 1 when one failed, 2 for invalid options.

Options (each mirrors the action input of the same name):
  --public-key PEM|PATH                 verify with this public key
  --signature-digest-algorithm ALG      sha256 (default), sha384 or sha512
  --signature-repository REPO           repository that holds the signatures
  --signature-format auto|legacy|bundle where to look (default auto: both)
  --certificate-identity ID             keyless: expected certificate identity
  --certificate-identity-regexp RE      keyless: identity pattern, anchored at both ends
  --certificate-oidc-issuer URL         keyless: expected OIDC issuer
  --certificate-oidc-issuer-regexp RE   keyless: issuer pattern, anchored at both ends
  --certificate-github-workflow-repository, -ref, -sha, -trigger, -name VALUE
  --build-signer-uri, --build-signer-uri-regexp, --source-repository-uri,
  --runner-environment VALUE            further certificate claims to require
  --trusted-root PATH                   trusted_root.json for offline or private Sigstore
  --ignore-sct, --ignore-tlog           skip those checks (not recommended)
  --registry-username USER              with REGISTRY_PASSWORD in the environment
  --registry HOST                       the one registry those credentials are for
  --insecure-registry HOST              allow plain HTTP to HOST (repeatable)
  --timeout SECONDS                     time allowed per image (default 300)
  --json                                print the results as JSON instead of a table
  --verbose                             print progress and debug lines to stderr
  --help                                print this text`;

const STRING_OPTIONS = [
  'public-key',
  'signature-digest-algorithm',
  'signature-repository',
  'signature-format',
  'certificate-identity',
  'certificate-identity-regexp',
  'certificate-oidc-issuer',
  'certificate-oidc-issuer-regexp',
  'certificate-github-workflow-repository',
  'certificate-github-workflow-ref',
  'certificate-github-workflow-sha',
  'certificate-github-workflow-trigger',
  'certificate-github-workflow-name',
  'build-signer-uri',
  'build-signer-uri-regexp',
  'source-repository-uri',
  'runner-environment',
  'trusted-root',
  'registry-username',
  'registry',
  'timeout',
] as const;

type Values = Partial<Record<(typeof STRING_OPTIONS)[number], string>> & {
  'insecure-registry'?: string[];
  'ignore-sct'?: boolean;
  'ignore-tlog'?: boolean;
  json?: boolean;
  verbose?: boolean;
  help?: boolean;
};

function parseCommandLine(argv: string[]): { values: Values; images: string[] } {
  const options = Object.fromEntries(
    STRING_OPTIONS.map((name) => [name, { type: 'string' as const }]),
  );
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      ...options,
      'insecure-registry': { type: 'string', multiple: true },
      'ignore-sct': { type: 'boolean' },
      'ignore-tlog': { type: 'boolean' },
      json: { type: 'boolean' },
      verbose: { type: 'boolean' },
      help: { type: 'boolean' },
    },
  });
  return { values: values, images: positionals };
}

function toSettings(values: Values, images: string[]): Settings {
  const timeout = values.timeout === undefined ? 300 : Number(values.timeout);
  if (!Number.isFinite(timeout) || timeout <= 0) {
    throw new ConfigError(`--timeout "${values.timeout}" must be a positive number of seconds`);
  }
  return {
    images,
    publicKey: values['public-key'],
    signatureDigestAlgorithm: (values['signature-digest-algorithm'] ?? 'sha256') as HashAlgorithm,
    signatureRepository: values['signature-repository'],
    signatureFormat: (values['signature-format'] ?? 'auto') as SignatureFormat,
    registryUsername: values['registry-username'],
    registryPassword: process.env.REGISTRY_PASSWORD,
    registry: values.registry,
    insecureRegistries: values['insecure-registry'] ?? [],
    trustedRoot: values['trusted-root'],
    identity: {
      identity: values['certificate-identity'],
      identityRegexp: values['certificate-identity-regexp'],
      issuer: values['certificate-oidc-issuer'],
      issuerRegexp: values['certificate-oidc-issuer-regexp'],
      githubWorkflowRepository: values['certificate-github-workflow-repository'],
      githubWorkflowRef: values['certificate-github-workflow-ref'],
      githubWorkflowSha: values['certificate-github-workflow-sha'],
      githubWorkflowTrigger: values['certificate-github-workflow-trigger'],
      githubWorkflowName: values['certificate-github-workflow-name'],
      buildSignerUri: values['build-signer-uri'],
      buildSignerUriRegexp: values['build-signer-uri-regexp'],
      sourceRepositoryUri: values['source-repository-uri'],
      runnerEnvironment: values['runner-environment'],
    },
    ignoreSct: values['ignore-sct'] ?? false,
    ignoreTlog: values['ignore-tlog'] ?? false,
    timeoutSeconds: timeout,
  };
}

async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseCommandLine(argv);
  } catch (error) {
    // Node's parser explains how to pass positionals that start with "-"; the first sentence is enough.
    const reason = errorMessage(error).split('. ')[0] ?? 'invalid options';
    process.stderr.write(`cosign-gate: ${reason}; run with --help for the options\n`);
    return 2;
  }
  if (parsed.values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (parsed.images.length === 0) {
    process.stderr.write(`cosign-gate: give at least one image reference\n${USAGE}\n`);
    return 2;
  }

  const verbose = parsed.values.verbose ?? false;
  const logger = {
    info: (message: string) => verbose && process.stderr.write(`${message}\n`),
    debug: (message: string) => verbose && process.stderr.write(`debug: ${message}\n`),
    warning: (message: string) => process.stderr.write(`warning: ${message}\n`),
  };

  try {
    const settings = toSettings(parsed.values, parsed.images);
    const results = await run(settings, { logger });
    for (const result of results.filter((item) => item.status === 'present')) {
      logger.warning(
        `${result.image}: a signature exists but was not verified; pass --public-key or --certificate-identity`,
      );
    }
    process.stdout.write(
      parsed.values.json
        ? `${JSON.stringify(results, null, 2)}\n`
        : buildSummary(results, {
            warnOnly: false,
            ignoreTlog: settings.ignoreTlog,
            ignoreSct: settings.ignoreSct,
          }),
    );
    return allPassed(results) ? 0 : 1;
  } catch (error) {
    process.stderr.write(`cosign-gate: ${errorMessage(error)}\n`);
    return error instanceof ConfigError ? 2 : 1;
  }
}

process.exitCode = await main(process.argv.slice(2));
