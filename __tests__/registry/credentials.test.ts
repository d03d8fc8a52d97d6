import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import {
  configKeys,
  resolveCredentials,
  type CredentialOptions,
} from '../../src/registry/credentials.js';

const base64 = (text: string): string => Buffer.from(text).toString('base64');

let root: string;
let configDir: string;
let binDir: string;
const savedPath = process.env.PATH;
const savedDockerConfig = process.env.DOCKER_CONFIG;

function writeConfig(config: unknown): void {
  writeFileSync(join(configDir, 'config.json'), JSON.stringify(config));
}

/** Writes a docker-credential-<name> script that returns credentials from `get` for one server URL. */
function writeHelper(name: string, serverUrl: string, username: string, secret: string): void {
  const path = join(binDir, `docker-credential-${name}`);
  const reply = JSON.stringify({ ServerURL: serverUrl, Username: username, Secret: secret });
  const script = [
    '#!/bin/sh',
    'read -r server',
    `if [ "$1" = get ] && [ "$server" = '${serverUrl}' ]; then echo '${reply}'; exit 0; fi`,
    'echo "credentials not found in native keychain"',
    'exit 1',
    '',
  ];
  writeFileSync(path, script.join('\n'));
  chmodSync(path, 0o755);
}

/** Resolves with a recording onSecret and returns both results. */
async function resolveRecorded(
  registry: string,
  options: CredentialOptions = {},
): Promise<{ credentials: Awaited<ReturnType<typeof resolveCredentials>>; secrets: string[] }> {
  const secrets: string[] = [];
  const credentials = await resolveCredentials(registry, {
    dockerConfigDir: configDir,
    onSecret: (secret) => secrets.push(secret),
    ...options,
  });
  return { credentials, secrets };
}

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'credentials-'));
  configDir = join(root, 'config');
  binDir = join(root, 'bin');
  mkdirSync(configDir);
  mkdirSync(binDir);
  process.env.PATH = `${binDir}${delimiter}${savedPath ?? ''}`;
});

afterEach(() => {
  rmSync(join(configDir, 'config.json'), { force: true });
  if (savedDockerConfig === undefined) delete process.env.DOCKER_CONFIG;
  else process.env.DOCKER_CONFIG = savedDockerConfig;
});

afterAll(() => {
  process.env.PATH = savedPath;
  rmSync(root, { recursive: true, force: true });
});

describe('resolveCredentials', () => {
  describe('when the inputs hold a user and password', () => {
    it('returns them before the docker config and masks both forms', async () => {
      writeConfig({ auths: { 'registry.example': { auth: base64('other:config-secret') } } });
      const { credentials, secrets } = await resolveRecorded('registry.example', {
        username: 'u',
        password: 'input-secret',
        usernameRegistry: 'registry.example',
      });

      expect(credentials).toEqual({ kind: 'basic', username: 'u', password: 'input-secret' });
      expect(secrets).toContain('input-secret');
      expect(secrets).toContain(base64('u:input-secret'));
    });

    it('does not return them for another registry', async () => {
      const { credentials } = await resolveRecorded('other.example', {
        username: 'u',
        password: 'input-secret',
        usernameRegistry: 'registry.example',
      });

      expect(credentials).toBeUndefined();
    });
  });

  describe.each([
    ['registry.example', 'registry.example'],
    ['https://registry.example', 'registry.example'],
    ['http://localhost:5000', 'localhost:5000'],
    ['https://index.docker.io/v1/', 'docker.io'],
  ])('when auths has the key %s', (key, registry) => {
    it(`returns the auth entry for ${registry}`, async () => {
      writeConfig({ auths: { [key]: { auth: base64('alice:auth-secret') } } });
      const { credentials, secrets } = await resolveRecorded(registry);

      expect(credentials).toEqual({ kind: 'basic', username: 'alice', password: 'auth-secret' });
      expect(secrets).toContain('auth-secret');
      expect(secrets).toContain(base64('alice:auth-secret'));
    });
  });

  describe('when auths has username and password fields', () => {
    it('returns them and masks the derived Basic value', async () => {
      writeConfig({ auths: { 'registry.example': { username: 'bob', password: 'field-secret' } } });
      const { credentials, secrets } = await resolveRecorded('registry.example');

      expect(credentials).toEqual({ kind: 'basic', username: 'bob', password: 'field-secret' });
      expect(secrets).toContain('field-secret');
      expect(secrets).toContain(base64('bob:field-secret'));
    });
  });

  describe('when auths has an identity token', () => {
    it('returns the token and masks it', async () => {
      writeConfig({
        auths: { 'registry.example': { auth: base64('x:y'), identitytoken: 'refresh-token-1' } },
      });
      const { credentials, secrets } = await resolveRecorded('registry.example');

      expect(credentials).toEqual({ kind: 'identity-token', token: 'refresh-token-1' });
      expect(secrets).toContain('refresh-token-1');
    });
  });

  describe('when auths has an auth value without a colon', () => {
    it('throws ConfigError naming the key', async () => {
      writeConfig({ auths: { 'registry.example': { auth: base64('nocolon') } } });
      const error = await resolveRecorded('registry.example').catch((caught: unknown) => caught);

      expect(error).toBeInstanceOf(ConfigError);
      expect((error as Error).message).toContain('docker config entry "registry.example"');
    });
  });

  describe('when the config is not JSON', () => {
    it('throws ConfigError', async () => {
      writeFileSync(join(configDir, 'config.json'), '{ not json');
      const error = await resolveRecorded('registry.example').catch((caught: unknown) => caught);

      expect(error).toBeInstanceOf(ConfigError);
    });
  });

  describe('when DOCKER_CONFIG names the folder', () => {
    it('reads config.json there', async () => {
      writeConfig({ auths: { 'env.example': { auth: base64('carol:env-secret') } } });
      process.env.DOCKER_CONFIG = configDir;
      const credentials = await resolveCredentials('env.example', {});

      expect(credentials).toEqual({ kind: 'basic', username: 'carol', password: 'env-secret' });
    });
  });

  describe('when credHelpers names a helper for the host', () => {
    it('runs the helper and returns its reply', async () => {
      writeHelper('testhelper', 'helper.example', 'dave', 'helper-secret');
      writeConfig({
        credHelpers: { 'helper.example': 'testhelper' },
        auths: { 'helper.example': { auth: base64('x:auths-secret') } },
      });
      const { credentials, secrets } = await resolveRecorded('helper.example');

      expect(credentials).toEqual({ kind: 'basic', username: 'dave', password: 'helper-secret' });
      expect(secrets).toContain('helper-secret');
      expect(secrets).toContain(base64('dave:helper-secret'));
    });

    it('returns an identity token for the user <token>', async () => {
      writeHelper('tokenhelper', 'helper.example', '<token>', 'helper-refresh-token');
      writeConfig({ credHelpers: { 'helper.example': 'tokenhelper' } });
      const { credentials, secrets } = await resolveRecorded('helper.example');

      expect(credentials).toEqual({ kind: 'identity-token', token: 'helper-refresh-token' });
      expect(secrets).toContain('helper-refresh-token');
    });
  });

  describe('when credsStore holds Docker Hub credentials', () => {
    it('asks the helper for the legacy index URL', async () => {
      writeHelper('storehelper', 'https://index.docker.io/v1/', 'erin', 'hub-secret');
      writeConfig({ credsStore: 'storehelper' });
      const { credentials } = await resolveRecorded('docker.io');

      expect(credentials).toEqual({ kind: 'basic', username: 'erin', password: 'hub-secret' });
    });
  });

  describe('when the helper holds nothing for the host', () => {
    it('falls back to the auths entry', async () => {
      writeHelper('emptyhelper', 'elsewhere.example', 'nobody', 'unused');
      writeConfig({
        credsStore: 'emptyhelper',
        auths: { 'registry.example': { auth: base64('frank:fallback-secret') } },
      });
      const { credentials } = await resolveRecorded('registry.example');

      expect(credentials).toEqual({
        kind: 'basic',
        username: 'frank',
        password: 'fallback-secret',
      });
    });
  });

  describe('when the helper is not installed', () => {
    it('throws ConfigError naming the program', async () => {
      writeConfig({ credHelpers: { 'registry.example': 'absent-helper-xyz' } });
      const error = await resolveRecorded('registry.example').catch((caught: unknown) => caught);

      expect(error).toBeInstanceOf(ConfigError);
      expect((error as Error).message).toContain(
        'docker-credential-absent-helper-xyz is not installed',
      );
    });
  });

  describe('when only the GitHub token is available', () => {
    it('returns it for ghcr.io and masks the derived Basic value', async () => {
      const { credentials, secrets } = await resolveRecorded('ghcr.io', {
        githubToken: 'ghs_token123',
      });

      expect(credentials).toEqual({
        kind: 'basic',
        username: 'github-actions',
        password: 'ghs_token123',
      });
      expect(secrets).toContain('ghs_token123');
      expect(secrets).toContain(base64('github-actions:ghs_token123'));
    });

    it('returns nothing for another registry', async () => {
      const { credentials, secrets } = await resolveRecorded('registry.example', {
        githubToken: 'ghs_token123',
      });

      expect(credentials).toBeUndefined();
      expect(secrets).toEqual([]);
    });
  });

  describe('when the docker config has a ghcr.io entry', () => {
    it('returns it before the GitHub token', async () => {
      writeConfig({ auths: { 'ghcr.io': { auth: base64('gina:pat-secret') } } });
      const { credentials } = await resolveRecorded('ghcr.io', { githubToken: 'ghs_token123' });

      expect(credentials).toEqual({ kind: 'basic', username: 'gina', password: 'pat-secret' });
    });
  });
});

describe('configKeys', () => {
  it('returns the host forms for a registry', () => {
    expect(configKeys('registry.example')).toEqual([
      'registry.example',
      'https://registry.example',
      'http://registry.example',
      'https://registry.example/v1/',
    ]);
  });

  it('adds the legacy index key for Docker Hub', () => {
    expect(configKeys('docker.io')).toContain('https://index.docker.io/v1/');
  });
});
