// A real distribution registry on a free 127.0.0.1 port, and the uploads the benchmark needs:
// small images and cosign-style `.sig` signature manifests. Plain JavaScript counterparts of
// __tests__/helpers/registry.ts and cosign.ts, since a .mjs script cannot import TypeScript.
import { Buffer } from 'node:buffer';
import { spawn } from 'node:child_process';
import { createHash, sign } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { clearTimeout } from 'node:timers';

export const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
export const SIMPLE_SIGNING = 'application/vnd.dev.cosign.simplesigning.v1+json';

/** Path of the registry server (Debian package docker-registry), or undefined when absent. */
export const REGISTRY_BINARY = ['/usr/bin/docker-registry', '/usr/local/bin/registry'].find(
  (path) => existsSync(path),
);

/** Returns a free TCP port on 127.0.0.1. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/**
 * Starts the registry with filesystem storage in a new temporary folder and waits until `/v2/`
 * responds. `authYaml` is the text under `auth:` (for example a token section); without it the
 * registry allows anonymous pull and push. `stopNow` is synchronous, for exit handlers.
 */
export async function startRegistry({ authYaml = '' } = {}) {
  if (!REGISTRY_BINARY) {
    throw new Error(
      'the registry server is not installed: run "apt-get install docker-registry" and try again',
    );
  }
  const dir = mkdtempSync(join(tmpdir(), 'bench-registry-'));
  const host = `127.0.0.1:${await freePort()}`;
  const config = [
    'version: 0.1',
    'log:',
    '  level: error',
    '  accesslog:',
    '    disabled: true',
    'storage:',
    '  filesystem:',
    `    rootdirectory: ${join(dir, 'data')}`,
    'http:',
    `  addr: ${host}`,
    authYaml ? `auth:\n${authYaml}` : '',
  ].join('\n');
  writeFileSync(join(dir, 'config.yml'), config);

  const child = spawn(REGISTRY_BINARY, ['serve', join(dir, 'config.yml')], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk) => (stderr += chunk.toString()));

  const stopNow = () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitUntilUp(`http://${host}/v2/`, child, () => stderr);
  } catch (error) {
    stopNow();
    throw error;
  }

  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      await new Promise((resolve) => {
        const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
        child.once('exit', () => {
          clearTimeout(timer);
          resolve();
        });
        child.kill('SIGTERM');
      });
    }
    rmSync(dir, { recursive: true, force: true });
  };
  return { host, url: `http://${host}`, stop, stopNow };
}

async function waitUntilUp(url, child, stderr) {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the registry exited at start-up: ${stderr()}`);
    try {
      const response = await fetch(url);
      await response.arrayBuffer();
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  throw new Error(`the registry did not respond within 15 s: ${stderr()}`);
}

/** Returns `sha256:<hex>` of the bytes. */
export function sha256(bytes) {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

/**
 * Uploads a blob with the registry's two-step upload (POST, then PUT with the digest) and
 * returns its descriptor. `authorization` is sent with both requests when given.
 */
export async function pushBlob(registry, repository, bytes, mediaType, authorization) {
  const body = Buffer.from(bytes);
  const digest = sha256(body);
  const headers = authorization ? { authorization } : {};

  const start = await fetch(`${registry.url}/v2/${repository}/blobs/uploads/`, {
    method: 'POST',
    headers,
  });
  await start.arrayBuffer();
  if (start.status !== 202) {
    throw new Error(`starting a blob upload to ${repository} returned ${start.status}`);
  }
  const location = new URL(start.headers.get('location'), registry.url);
  location.searchParams.set('digest', digest);

  const put = await fetch(location, {
    method: 'PUT',
    headers: { ...headers, 'content-type': 'application/octet-stream' },
    body,
  });
  await put.arrayBuffer();
  if (put.status !== 201) throw new Error(`a blob upload to ${repository} returned ${put.status}`);
  return { mediaType, digest, size: body.length };
}

/** Stores manifest bytes under a tag or digest and returns their digest. */
export async function pushManifest(
  registry,
  repository,
  reference,
  bytes,
  mediaType,
  authorization,
) {
  const headers = { 'content-type': mediaType };
  if (authorization) headers.authorization = authorization;
  const put = await fetch(`${registry.url}/v2/${repository}/manifests/${reference}`, {
    method: 'PUT',
    headers,
    body: Buffer.from(bytes),
  });
  const text = await put.text();
  if (put.status !== 201) {
    throw new Error(`storing manifest ${repository}:${reference} returned ${put.status}: ${text}`);
  }
  return sha256(Buffer.from(bytes));
}

/** Pushes a small OCI image (config and one layer) under `tag` and returns its digest. */
export async function pushImage(registry, repository, tag, authorization) {
  const config = await pushBlob(
    registry,
    repository,
    JSON.stringify({
      architecture: 'amd64',
      os: 'linux',
      rootfs: { type: 'layers', diff_ids: [] },
      tag,
    }),
    'application/vnd.oci.image.config.v1+json',
    authorization,
  );
  const layer = await pushBlob(
    registry,
    repository,
    `layer of ${repository}:${tag}`,
    'application/vnd.oci.image.layer.v1.tar+gzip',
    authorization,
  );
  const manifest = JSON.stringify({
    schemaVersion: 2,
    mediaType: OCI_MANIFEST,
    config,
    layers: [layer],
  });
  return pushManifest(registry, repository, tag, manifest, OCI_MANIFEST, authorization);
}

/** Builds the simple-signing payload that `cosign sign` writes for an image digest. */
export function simpleSigningPayload(digest, reference) {
  return Buffer.from(
    JSON.stringify({
      critical: {
        identity: { 'docker-reference': reference },
        image: { 'docker-manifest-digest': digest },
        type: 'cosign container image signature',
      },
      optional: null,
    }),
  );
}

/**
 * Signs the image digest like `cosign sign --key` (ECDSA over the payload's SHA-256, base64 DER in
 * the layer annotation) and pushes the signature manifest under `sha256-<hex>.sig`.
 */
export async function pushLegacySignature(
  registry,
  repository,
  imageDigest,
  privateKey,
  authorization,
) {
  const payload = simpleSigningPayload(imageDigest, `${registry.host}/${repository}`);
  const signature = sign('sha256', payload, privateKey).toString('base64');
  const layer = await pushBlob(registry, repository, payload, SIMPLE_SIGNING, authorization);
  const config = await pushBlob(
    registry,
    repository,
    JSON.stringify({
      architecture: '',
      config: {},
      created: '0001-01-01T00:00:00Z',
      history: [{ created: '0001-01-01T00:00:00Z' }],
      os: '',
      rootfs: { type: 'layers', diff_ids: [layer.digest] },
    }),
    'application/vnd.oci.image.config.v1+json',
    authorization,
  );
  const manifest = JSON.stringify({
    schemaVersion: 2,
    mediaType: OCI_MANIFEST,
    config,
    layers: [{ ...layer, annotations: { 'dev.cosignproject.cosign/signature': signature } }],
  });
  const tag = `${imageDigest.replace(':', '-')}.sig`;
  await pushManifest(registry, repository, tag, manifest, OCI_MANIFEST, authorization);
  return tag;
}
