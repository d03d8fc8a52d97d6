import * as core from '@actions/core';
import type { HashAlgorithm } from './cosign/policy.js';
import type { SignatureFormat } from './check.js';
import { ConfigError } from './errors.js';
import { parseImageList, type Settings } from './run.js';

/** Action settings beyond the core's: how to report. */
export interface ActionInputs {
  settings: Settings;
  warnOnly: boolean;
}

const DEFAULT_TIMEOUT_SECONDS = 300;

/** Reads every input into one object. Throws ConfigError naming the input that is wrong. */
export function readInputs(): ActionInputs {
  const optional = (name: string) => core.getInput(name) || undefined;

  // Mask secrets first, before anything else can log them.
  const password = optional('registry-password');
  const githubToken = optional('github-token');
  if (password) core.setSecret(password);
  if (githubToken) core.setSecret(githubToken);

  const settings: Settings = {
    images: parseImageList(core.getInput('images', { required: true })),
    publicKey: optional('public-key'),
    signatureDigestAlgorithm: (core.getInput('signature-digest-algorithm') ||
      'sha256') as HashAlgorithm,
    signatureRepository: optional('signature-repository'),
    signatureFormat: (core.getInput('signature-format') || 'auto') as SignatureFormat,
    registryUsername: optional('registry-username'),
    registryPassword: password,
    registry: optional('registry'),
    githubToken,
    insecureRegistries: parseImageList(core.getInput('insecure-registries')),
    trustedRoot: optional('trusted-root'),
    identity: {
      identity: optional('certificate-identity'),
      identityRegexp: optional('certificate-identity-regexp'),
      issuer: optional('certificate-oidc-issuer'),
      issuerRegexp: optional('certificate-oidc-issuer-regexp'),
      githubWorkflowRepository: optional('certificate-github-workflow-repository'),
      githubWorkflowRef: optional('certificate-github-workflow-ref'),
      githubWorkflowSha: optional('certificate-github-workflow-sha'),
      githubWorkflowTrigger: optional('certificate-github-workflow-trigger'),
      githubWorkflowName: optional('certificate-github-workflow-name'),
      buildSignerUri: optional('build-signer-uri'),
      buildSignerUriRegexp: optional('build-signer-uri-regexp'),
      sourceRepositoryUri: optional('source-repository-uri'),
      runnerEnvironment: optional('runner-environment'),
    },
    ignoreSct: booleanInput('ignore-sct'),
    ignoreTlog: booleanInput('ignore-tlog'),
    timeoutSeconds: timeoutInput(),
  };
  return { settings, warnOnly: booleanInput('warn-only') };
}

function booleanInput(name: string): boolean {
  const value = core.getInput(name).trim().toLowerCase();
  if (value === '' || value === 'false') return false;
  if (value === 'true') return true;
  throw new ConfigError(`input ${name} is "${value}": use true or false`);
}

function timeoutInput(): number {
  const value = core.getInput('timeout').trim();
  if (value === '') return DEFAULT_TIMEOUT_SECONDS;
  const seconds = Number(value);
  if (!Number.isFinite(seconds) || seconds <= 0) {
    throw new ConfigError(`input timeout is "${value}": give a positive number of seconds`);
  }
  return seconds;
}
