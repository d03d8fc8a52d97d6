// Entry point of the CLI. It checks the Node.js version before loading anything else, because
// an older Node.js fails while importing undici, with a stack trace instead of a message.

// undici 8 declares Node.js 22.19.0 as its minimum; earlier releases lack zlib APIs it uses.
const MIN_NODE_VERSION = [22, 19, 0];

/** Returns true when `version` ("major.minor.patch") is at least `minimum`. */
function isAtLeast(version: string, minimum: number[]): boolean {
  const parts = version.split('.').map(Number);
  for (const [index, required] of minimum.entries()) {
    const part = parts[index] ?? 0;
    if (part !== required) return part > required;
  }
  return true;
}

if (isAtLeast(process.versions.node, MIN_NODE_VERSION)) {
  await import('./command.js');
} else {
  process.stderr.write(
    `cosign-gate: Node.js ${process.versions.node} is too old: use Node.js ${MIN_NODE_VERSION.join('.')} or newer, e.g. "npx node dist/cli/index.js" in this repository, which runs the pinned Node.js 24\n`,
  );
  process.exitCode = 2;
}
