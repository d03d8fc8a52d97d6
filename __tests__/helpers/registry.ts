import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';

/** Path of the distribution registry binary (Debian package docker-registry). */
export const REGISTRY_BINARY = ['/usr/bin/docker-registry', '/usr/local/bin/registry'].find(
  (path) => existsSync(path),
);

/** Reason to skip registry tests, or undefined when the binary is installed. */
export const registrySkipReason = REGISTRY_BINARY
  ? undefined
  : 'the registry binary is not installed (apt-get install docker-registry)';

// vitest prints no reason for a skipped test, so print the reason once.
if (registrySkipReason) console.warn(`skipping registry tests: ${registrySkipReason}`);

export interface RegistryOptions {
  /** Users for an htpasswd file; the registry then requires Basic authentication. */
  users?: Record<string, string>;
  /** Extra YAML under `auth:` (replaces htpasswd), e.g. a token section. */
  authYaml?: string;
}

/** A real registry server on a free 127.0.0.1 port with a temporary storage folder. */
export interface TestRegistry {
  host: string;
  url: string;
  /** Basic credentials used for pushing when the registry has users. */
  pushAuth?: string;
  stop(): Promise<void>;
}

/** Returns a free TCP port on 127.0.0.1. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Starts the registry and waits until `/v2/` responds. */
export async function startRegistry(options: RegistryOptions = {}): Promise<TestRegistry> {
  if (!REGISTRY_BINARY) throw new Error(registrySkipReason);
  const dir = mkdtempSync(join(tmpdir(), 'registry-'));
  const port = await freePort();
  const host = `127.0.0.1:${port}`;

  let auth = options.authYaml ?? '';
  let pushAuth: string | undefined;
  const users = Object.entries(options.users ?? {});
  if (users.length > 0) {
    const lines = users.map(([user, password]) =>
      execFileSync('htpasswd', ['-Bbn', user, password], { encoding: 'utf8' }).trim(),
    );
    writeFileSync(join(dir, 'htpasswd'), lines.join('\n') + '\n');
    auth = `  htpasswd:\n    realm: test-registry\n    path: ${join(dir, 'htpasswd')}\n`;
    const [user, password] = users[0]!;
    pushAuth = `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
  }

  const config = [
    'version: 0.1',
    'log:',
    '  level: error',
    '  accesslog:',
    '    disabled: true',
    'storage:',
    '  filesystem:',
    `    rootdirectory: ${join(dir, 'data')}`,
    '  delete:',
    '    enabled: true',
    'http:',
    `  addr: ${host}`,
    auth ? `auth:\n${auth}` : '',
  ].join('\n');
  writeFileSync(join(dir, 'config.yml'), config);

  const child = spawn(REGISTRY_BINARY, ['serve', join(dir, 'config.yml')], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));

  await waitUntilUp(`http://${host}/v2/`, child, () => stderr);
  return {
    host,
    url: `http://${host}`,
    pushAuth,
    stop: async () => {
      await stopProcess(child);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function waitUntilUp(url: string, child: ChildProcess, stderr: () => string): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`registry exited: ${stderr()}`);
    try {
      const response = await request(url);
      await response.body.dump();
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  child.kill('SIGKILL');
  throw new Error(`registry did not start within 15 s: ${stderr()}`);
}

async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  await new Promise<void>((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/** Returns `sha256:<hex>` of the bytes. */
export function sha256(bytes: Buffer | string): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

/** Uploads a blob (POST then PUT, the registry's two-step upload) and returns its descriptor. */
export async function pushBlob(
  registry: TestRegistry,
  repository: string,
  bytes: Buffer | string,
  mediaType = 'application/octet-stream',
): Promise<{ mediaType: string; digest: string; size: number }> {
  const body = Buffer.from(bytes);
  const digest = sha256(body);
  const headers: Record<string, string> = registry.pushAuth
    ? { authorization: registry.pushAuth }
    : {};

  const start = await request(`${registry.url}/v2/${repository}/blobs/uploads/`, {
    method: 'POST',
    headers,
  });
  await start.body.dump();
  if (start.statusCode !== 202) throw new Error(`blob upload start returned ${start.statusCode}`);
  const location = new URL(String(start.headers.location), registry.url);
  location.searchParams.set('digest', digest);

  const put = await request(location.toString(), {
    method: 'PUT',
    headers: { ...headers, 'content-type': 'application/octet-stream' },
    body,
  });
  await put.body.dump();
  if (put.statusCode !== 201) throw new Error(`blob upload returned ${put.statusCode}`);
  return { mediaType, digest, size: body.length };
}

/** Stores manifest bytes exactly as given under a tag or digest and returns their digest. */
export async function pushManifest(
  registry: TestRegistry,
  repository: string,
  reference: string,
  bytes: Buffer | string,
  mediaType: string,
): Promise<string> {
  const headers: Record<string, string> = { 'content-type': mediaType };
  if (registry.pushAuth) headers.authorization = registry.pushAuth;
  const put = await request(`${registry.url}/v2/${repository}/manifests/${reference}`, {
    method: 'PUT',
    headers,
    body: Buffer.from(bytes),
  });
  const text = await put.body.text();
  if (put.statusCode !== 201)
    throw new Error(`manifest upload returned ${put.statusCode}: ${text}`);
  return sha256(Buffer.from(bytes));
}

/** Pushes a small image (config plus one layer) as a pretty-printed manifest of `mediaType`. */
export async function pushImage(
  registry: TestRegistry,
  repository: string,
  tag: string,
  mediaType: string,
  seed = tag,
): Promise<{ digest: string; bytes: Buffer }> {
  const configType =
    mediaType === 'application/vnd.docker.distribution.manifest.v2+json'
      ? 'application/vnd.docker.container.image.v1+json'
      : 'application/vnd.oci.image.config.v1+json';
  const layerType =
    mediaType === 'application/vnd.docker.distribution.manifest.v2+json'
      ? 'application/vnd.docker.image.rootfs.diff.tar.gzip'
      : 'application/vnd.oci.image.layer.v1.tar+gzip';
  const config = await pushBlob(
    registry,
    repository,
    JSON.stringify({
      architecture: 'amd64',
      os: 'linux',
      rootfs: { type: 'layers', diff_ids: [] },
      seed,
    }),
    configType,
  );
  const layer = await pushBlob(registry, repository, `layer of ${seed}`, layerType);
  // Pretty-printed on purpose: a client that re-serialises the JSON would compute another digest.
  const bytes = Buffer.from(
    JSON.stringify({ schemaVersion: 2, mediaType, config, layers: [layer] }, null, 3) + '\n',
  );
  const digest = await pushManifest(registry, repository, tag, bytes, mediaType);
  return { digest, bytes };
}
