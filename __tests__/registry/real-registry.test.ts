import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RegistryError } from '../../src/errors.js';
import { RegistryClient, type RepositoryRef } from '../../src/registry/client.js';
import { resolveCredentials, type CredentialOptions } from '../../src/registry/credentials.js';
import { MediaType, parseManifest } from '../../src/registry/manifest.js';
import {
  pushBlob,
  pushImage,
  registrySkipReason,
  startRegistry,
  type TestRegistry,
} from '../helpers/registry.js';
import {
  startTokenServer,
  tokenServerSkipReason,
  type TokenServer,
} from '../helpers/token-server.js';
import {
  captureLogger,
  expectCleanMessage,
  expectNoSecretsLogged,
  failureOf,
  instantRetry,
} from './support.js';

const PASSWORD = 'pa55-word-for-tests';

function repoOn(registry: TestRegistry, repository: string): RepositoryRef {
  return { registry: registry.host, apiHost: registry.host, repository };
}

function clientFor(options: CredentialOptions, logger = captureLogger()): RegistryClient {
  return new RegistryClient({
    // The inputs are for whichever registry the test started.
    credentials: (registry) =>
      resolveCredentials(registry, { usernameRegistry: registry, ...options }),
    onSecret: options.onSecret,
    logger,
    retry: instantRetry(),
  });
}

describe.skipIf(registrySkipReason)(
  `RegistryClient against distribution with htpasswd (${registrySkipReason ?? 'docker-registry installed'})`,
  () => {
    let registry: TestRegistry;
    let image: { digest: string; bytes: Buffer };
    let configDir: string;

    beforeAll(async () => {
      registry = await startRegistry({ users: { alice: PASSWORD } });
      image = await pushImage(registry, 'team/app', 'v1', MediaType.OCI_MANIFEST);
      configDir = mkdtempSync(join(tmpdir(), 'docker-config-'));
    });

    afterAll(async () => {
      await registry.stop();
      rmSync(configDir, { recursive: true, force: true });
    });

    describe('when the inputs hold the right password', () => {
      it('returns the pretty-printed manifest with its digest', async () => {
        const client = clientFor({ username: 'alice', password: PASSWORD });
        const manifest = await client.getManifest(repoOn(registry, 'team/app'), 'v1');
        await client.close();

        expect(manifest.digest).toBe(image.digest);
        expect(manifest.bytes.equals(image.bytes)).toBe(true);
      });

      it('returns a blob named by the manifest', async () => {
        const client = clientFor({ username: 'alice', password: PASSWORD });
        const repo = repoOn(registry, 'team/app');
        const parsed = parseManifest(image.bytes);
        const layer = parsed.layers[0]!;
        const bytes = await client.getBlob(repo, layer, 1024);
        await client.close();

        expect(bytes.toString()).toBe('layer of v1');
      });
    });

    describe('when the docker config holds the credentials', () => {
      it('returns the manifest by digest', async () => {
        const auth = Buffer.from(`alice:${PASSWORD}`).toString('base64');
        writeFileSync(
          join(configDir, 'config.json'),
          JSON.stringify({ auths: { [`http://${registry.host}`]: { auth } } }),
        );
        const secrets: string[] = [];
        const client = clientFor({
          dockerConfigDir: configDir,
          onSecret: (secret) => secrets.push(secret),
        });
        const manifest = await client.getManifest(repoOn(registry, 'team/app'), image.digest);
        await client.close();

        expect(manifest.digest).toBe(image.digest);
        expect(secrets).toContain(PASSWORD);
        expect(secrets).toContain(auth);
      });
    });

    describe('when the password is wrong', () => {
      it('throws UNAUTHORIZED, not NOT_FOUND', async () => {
        const logger = captureLogger();
        const client = clientFor({ username: 'alice', password: 'wrong-secret-123' }, logger);
        const error = await failureOf(() => client.getManifest(repoOn(registry, 'team/app'), 'v1'));
        await client.close();

        expect(error).toBeInstanceOf(RegistryError);
        expect((error as RegistryError).code).toBe('UNAUTHORIZED');
        expect((error as RegistryError).status).toBe(401);
        expectCleanMessage(error.message, ['wrong-secret-123']);
        expectNoSecretsLogged(logger, [
          'wrong-secret-123',
          Buffer.from('alice:wrong-secret-123').toString('base64'),
        ]);
      });

      it('throws UNAUTHORIZED for a repository that does not exist', async () => {
        const client = clientFor({ username: 'alice', password: 'wrong-secret-123' });
        const error = await failureOf(() =>
          client.getManifest(repoOn(registry, 'team/missing'), 'v1'),
        );
        await client.close();

        expect((error as RegistryError).code).toBe('UNAUTHORIZED');
      });
    });

    describe('when no credentials are given', () => {
      it('throws UNAUTHORIZED', async () => {
        const client = clientFor({ dockerConfigDir: join(configDir, 'absent') });
        const error = await failureOf(() => client.getManifest(repoOn(registry, 'team/app'), 'v1'));
        await client.close();

        expect((error as RegistryError).code).toBe('UNAUTHORIZED');
      });
    });
  },
);

const tokenSkipReason = registrySkipReason ?? tokenServerSkipReason;

describe.skipIf(tokenSkipReason)(
  `RegistryClient against distribution with token auth (${tokenSkipReason ?? 'docker-registry and openssl installed'})`,
  () => {
    let tokens: TokenServer;
    let registry: TestRegistry;
    let image: { digest: string; bytes: Buffer };

    beforeAll(async () => {
      tokens = await startTokenServer({
        users: { bob: PASSWORD },
        pullGrants: { bob: ['team/app'], '': ['public/base'] },
        expiresIn: 120,
      });
      const started = await startRegistry({ authYaml: tokens.authYaml });
      const pushAccess = ['team/app', 'team/other', 'public/base'].map((name) => ({
        type: 'repository',
        name,
        actions: ['pull', 'push'],
      }));
      registry = { ...started, pushAuth: `Bearer ${tokens.mint('pusher', pushAccess)}` };
      image = await pushImage(registry, 'team/app', 'v1', MediaType.OCI_MANIFEST);
      await pushImage(registry, 'team/other', 'v1', MediaType.DOCKER_MANIFEST);
      await pushImage(registry, 'public/base', 'v1', MediaType.OCI_MANIFEST);
      await pushBlob(registry, 'team/app', 'extra');
    });

    afterAll(async () => {
      await registry?.stop();
      await tokens?.stop();
    });

    describe('when the user has pull access', () => {
      it('returns the manifest with a token from the realm', async () => {
        const secrets: string[] = [];
        const logger = captureLogger();
        const client = clientFor(
          { username: 'bob', password: PASSWORD, onSecret: (secret) => secrets.push(secret) },
          logger,
        );
        const before = tokens.issued;
        const manifest = await client.getManifest(repoOn(registry, 'team/app'), 'v1');
        const again = await client.getManifest(repoOn(registry, 'team/app'), image.digest);
        await client.close();

        expect(manifest.digest).toBe(image.digest);
        expect(again.digest).toBe(image.digest);
        expect(tokens.issued - before).toBe(1);
        expect(secrets.length).toBeGreaterThanOrEqual(3);
        expectNoSecretsLogged(logger, secrets);
      });
    });

    describe('when the client is anonymous', () => {
      it('throws UNAUTHORIZED for a private repository', async () => {
        const client = clientFor({});
        const error = await failureOf(() => client.getManifest(repoOn(registry, 'team/app'), 'v1'));
        await client.close();

        expect((error as RegistryError).code).toBe('UNAUTHORIZED');
        expectCleanMessage(error.message);
      });

      it('returns the manifest of a repository open to anonymous pulls', async () => {
        const client = clientFor({});
        const manifest = await client.getManifest(repoOn(registry, 'public/base'), 'v1');
        await client.close();

        expect(manifest.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
      });
    });

    describe('when the user may pull only another repository', () => {
      it('throws UNAUTHORIZED naming the missing access', async () => {
        const client = clientFor({ username: 'bob', password: PASSWORD });
        const error = await failureOf(() =>
          client.getManifest(repoOn(registry, 'team/other'), 'v1'),
        );
        await client.close();

        expect((error as RegistryError).code).toBe('UNAUTHORIZED');
        expect(error.message).toContain('the account can read the repository');
      });
    });

    describe('when the password is wrong', () => {
      it('throws UNAUTHORIZED from the token endpoint', async () => {
        const logger = captureLogger();
        const client = clientFor({ username: 'bob', password: 'not-the-password-42' }, logger);
        const error = await failureOf(() => client.getManifest(repoOn(registry, 'team/app'), 'v1'));
        await client.close();

        expect((error as RegistryError).code).toBe('UNAUTHORIZED');
        expect(error.message).toContain('token endpoint');
        expectCleanMessage(error.message, ['not-the-password-42']);
        expectNoSecretsLogged(logger, ['not-the-password-42']);
      });
    });
  },
);
