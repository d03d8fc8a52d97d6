// Entry point of the CLI. It checks the Node.js version before loading anything else, because
// undici 8 and sigstore-js fail at import time on Node.js before 22 with a stack trace.
const MIN_NODE_MAJOR = 22;

const major = Number(process.versions.node.split('.')[0]);
if (major < MIN_NODE_MAJOR) {
  process.stderr.write(
    `cosign-gate: Node.js ${process.versions.node} is too old: use Node.js ${MIN_NODE_MAJOR} or newer, e.g. "npx node dist/cli/index.js" in this repository, which runs the pinned Node.js 24\n`,
  );
  process.exitCode = 2;
} else {
  await import('./command.js');
}
