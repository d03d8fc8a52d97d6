// Verifies the real cert-manager v1.8.0 signature with the bundled action, against a
// registry started on a free loopback port, then stops the registry.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const fixture = join(root, 'fixtures', 'cert-manager-v1.8.0');
const digest = 'sha256:e1642bf8e93357165c9f0b027397ce79fdbda8cd609ee048c69284da01401c6c';
const repository = 'jetstack/cert-manager-controller';

const binary = ['/usr/bin/docker-registry', '/usr/local/bin/registry'].find((path) =>
  existsSync(path),
);
if (!binary) {
  console.error(
    'demo: the registry server is not installed. Install it with "sudo apt-get install docker-registry" (Debian, Ubuntu) and run "npm run demo" again.',
  );
  process.exit(2);
}

const port = await freePort();
const host = `127.0.0.1:${port}`;
const dir = mkdtempSync(join(tmpdir(), 'cosign-gate-demo-'));
writeFileSync(
  join(dir, 'config.yml'),
  `version: 0.1\nlog:\n  level: error\n  accesslog:\n    disabled: true\nstorage:\n  filesystem:\n    rootdirectory: ${join(dir, 'data')}\nhttp:\n  addr: ${host}\n`,
);
const registry = spawn(binary, ['serve', join(dir, 'config.yml')], { stdio: 'ignore' });

let exitCode;
try {
  await waitForRegistry(`http://${host}/v2/`);
  console.log(`Started the registry on ${host}; loading the cert-manager v1.8.0 signature.`);
  await uploadBlob(readFileSync(join(fixture, 'config.json')));
  await uploadBlob(readFileSync(join(fixture, 'payload.json')));
  await putManifest(
    `${digest.replace(':', '-')}.sig`,
    readFileSync(join(fixture, 'signature-manifest.json')),
  );

  const image = `${host}/${repository}@${digest}`;
  console.log(`Running dist/index.js on ${image} with the published key and sha512.\n`);
  exitCode = runAction(image);
} finally {
  registry.kill('SIGTERM');
  rmSync(dir, { recursive: true, force: true });
}
process.exit(exitCode);

function runAction(image) {
  const summary = join(dir, 'summary.md');
  const output = join(dir, 'output');
  writeFileSync(summary, '');
  writeFileSync(output, '');
  const env = {
    PATH: process.env.PATH,
    HOME: dir,
    GITHUB_STEP_SUMMARY: summary,
    GITHUB_OUTPUT: output,
    INPUT_IMAGES: image,
    'INPUT_PUBLIC-KEY': join(fixture, 'cert-manager-pubkey-2021-09-20.pem'),
    'INPUT_SIGNATURE-DIGEST-ALGORITHM': 'sha512',
  };
  let status = 0;
  try {
    execFileSync(process.execPath, [join(root, 'dist', 'index.js')], { env, stdio: 'inherit' });
  } catch (error) {
    status = error.status ?? 1;
  }
  console.log('\nJob summary:\n');
  console.log(readFileSync(summary, 'utf8'));
  return status;
}

async function uploadBlob(bytes) {
  const { createHash } = await import('node:crypto');
  const blobDigest = `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
  const start = await fetch(`http://${host}/v2/${repository}/blobs/uploads/`, { method: 'POST' });
  const location = new URL(start.headers.get('location'), `http://${host}`);
  location.searchParams.set('digest', blobDigest);
  const put = await fetch(location, {
    method: 'PUT',
    body: bytes,
    headers: { 'content-type': 'application/octet-stream' },
  });
  if (put.status !== 201) throw new Error(`blob upload returned ${put.status}`);
}

async function putManifest(tag, bytes) {
  const put = await fetch(`http://${host}/v2/${repository}/manifests/${tag}`, {
    method: 'PUT',
    body: bytes,
    headers: { 'content-type': 'application/vnd.oci.image.manifest.v1+json' },
  });
  if (put.status !== 201)
    throw new Error(`manifest upload returned ${put.status}: ${await put.text()}`);
}

async function waitForRegistry(url) {
  for (let attempt = 0; attempt < 300; attempt++) {
    try {
      await fetch(url);
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  throw new Error(`the registry did not respond at ${url} within 15 s`);
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}
