// Benchmarks the bundled CLI (dist/cli/index.js) and action (dist/index.js) against a real
// registry on 127.0.0.1: wall-clock time per run, requests per image, peak memory, and the real
// cert-manager v1.8.0 signature. It also times the sequential CLI of an older commit against the
// current parallel one, with and without added latency per request. Prints Markdown tables and
// writes bench/results/latest.json.
// Run with `npm run bench` after `npm run build`; see bench/RESULTS.md for the last results.
import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { addBaselineWorktree } from './lib/baseline.mjs';
import { startCountingProxy } from './lib/counting-proxy.mjs';
import { describeTools, measureMaxRss, timeCommand } from './lib/measure.mjs';
import {
  OCI_MANIFEST,
  REGISTRY_BINARY,
  pushBlob,
  pushImage,
  pushLegacySignature,
  pushManifest,
  startRegistry,
} from './lib/registry.mjs';
import { startTokenServer } from './lib/token-server.mjs';

const ROOT = resolve(import.meta.dirname, '..');
const CLI = join(ROOT, 'dist', 'cli', 'index.js');
const ACTION = join(ROOT, 'dist', 'index.js');
const NODE = process.execPath;
/** `--quick`: one or two runs per measurement, to check the script itself. It writes quick.json. */
const QUICK = process.argv.includes('--quick');
const RESULTS_FILE = join(import.meta.dirname, 'results', QUICK ? 'quick.json' : 'latest.json');

const SIZES = [1, 10, 50];
/** Timed runs per command for single invocations, after WARMUP untimed ones. */
const RUNS = QUICK ? 2 : 10;
const WARMUP = QUICK ? 0 : 1;
/** Timed runs of the loops of N one-image invocations, which take N times longer each. */
const LOOP_RUNS = QUICK ? 1 : 5;
const RSS_RUNS = QUICK ? 1 : 5;
const REPOSITORY = 'bench/app';
/** Images per repository-layout case on the token registry. */
const TOKEN_IMAGES = 10;
/** The whole benchmark stops with an error past this budget. */
const BUDGET_MS = 340_000;

/** The last commit whose CLI checks images one after another, timed against the current CLI. */
const SEQUENTIAL_COMMIT = 'f43234b';
/** Delay the latency proxy adds before forwarding each request, for a remote registry's round trip. */
const ADDED_LATENCY_MS = 40;
const PARALLEL_SIZES = [10, 50];
/** Timed runs per command through the latency proxy, after WARMUP untimed ones. */
const LATENCY_RUNS = QUICK ? 1 : 5;

const CERT_MANAGER = join(ROOT, 'fixtures', 'cert-manager-v1.8.0');
const CERT_MANAGER_REPOSITORY = 'jetstack/cert-manager-controller';
const CERT_MANAGER_DIGEST =
  'sha256:e1642bf8e93357165c9f0b027397ce79fdbda8cd609ee048c69284da01401c6c';

const started = Date.now();
const cleanups = [];
let workDir;

/** Stops every server and removes every temporary folder, synchronously for exit handlers. */
function cleanUp() {
  while (cleanups.length > 0) {
    try {
      cleanups.pop()();
    } catch (error) {
      console.error(`bench: cleanup failed: ${error.message}`);
    }
  }
}
process.on('exit', cleanUp);
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    cleanUp();
    process.exit(130);
  });
}

function remainingMs() {
  const remaining = BUDGET_MS - (Date.now() - started);
  if (remaining <= 0) throw new Error(`the benchmark exceeded its budget of ${BUDGET_MS / 1000} s`);
  return remaining;
}

function log(message) {
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  process.stderr.write(`[${seconds.padStart(5)} s] ${message}\n`);
}

/** Environment of every measured process: no user Docker config, no proxy variables. */
function childEnv(extra = {}) {
  return { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: workDir, ...extra };
}

function cliArgv(keyPath, images, extra = []) {
  return bundleArgv(CLI, keyPath, images, extra);
}

/** Builds the command line of the CLI bundle `cli`, which may come from another commit. */
function bundleArgv(cli, keyPath, images, extra = []) {
  return [NODE, cli, '--public-key', keyPath, '--json', ...extra, ...images];
}

/**
 * Runs the CLI once and returns its exit status and the result of each image. Asynchronous, so
 * the counting proxy in this process keeps serving while the CLI runs.
 */
function runCliOnce(argv) {
  return new Promise((resolve, reject) => {
    execFile(
      argv[0],
      argv.slice(1),
      { env: childEnv(), encoding: 'utf8', timeout: Math.min(60_000, remainingMs()) },
      (error, stdout, stderr) => {
        const exitCode = error ? (error.code ?? error.signal) : 0;
        let results;
        try {
          results = JSON.parse(stdout);
        } catch {
          reject(new Error(`the CLI printed no JSON (exit ${exitCode}): ${stderr.trim()}`));
          return;
        }
        resolve({ exitCode, statuses: results.map((entry) => entry.status), results });
      },
    );
  });
}

function expectStatuses(label, run, expected) {
  const wrong = run.statuses.filter((status) => status !== expected);
  if (wrong.length > 0 || run.statuses.length === 0) {
    throw new Error(
      `${label}: expected every image to be ${expected}, got ${run.statuses.join(', ')}: ${JSON.stringify(run.results[0])}`,
    );
  }
}

async function timed(label, argv, options = {}) {
  log(`timing ${label}`);
  const summary = await timeCommand(argv, {
    runs: options.runs ?? RUNS,
    warmup: options.warmup ?? WARMUP,
    env: options.env ?? childEnv(),
    exportPath: join(workDir, 'hyperfine.json'),
    timeoutMs: Math.min(150_000, remainingMs()),
  });
  return {
    label,
    command: argv.map((part) => part.replace(workDir, '$WORK')).join(' '),
    ...summary,
  };
}

/** Writes a shell script that runs each command in turn and stops at the first failure. */
function writeLoopScript(name, commands) {
  const path = join(workDir, name);
  writeFileSync(path, ['set -e', ...commands.map((argv) => argv.join(' '))].join('\n') + '\n');
  return path;
}

async function pushFixture(registry) {
  const read = (name) => readFileSync(join(CERT_MANAGER, name));
  await pushBlob(
    registry,
    CERT_MANAGER_REPOSITORY,
    read('config.json'),
    'application/octet-stream',
  );
  await pushBlob(
    registry,
    CERT_MANAGER_REPOSITORY,
    read('payload.json'),
    'application/octet-stream',
  );
  await pushManifest(
    registry,
    CERT_MANAGER_REPOSITORY,
    `${CERT_MANAGER_DIGEST.replace(':', '-')}.sig`,
    read('signature-manifest.json'),
    OCI_MANIFEST,
  );
}

function describeMachine() {
  const free = spawnSync('free', ['-h'], { encoding: 'utf8' });
  const registryVersion = spawnSync(REGISTRY_BINARY, ['--version'], { encoding: 'utf8' });
  const git = (args) => {
    try {
      return execFileSync('git', args, { cwd: ROOT, encoding: 'utf8' }).trim();
    } catch {
      return 'unknown';
    }
  };
  return {
    date: new Date().toISOString(),
    cores: availableParallelism(),
    cpuModel: cpus()[0]?.model ?? 'unknown',
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    freeH: free.status === 0 ? free.stdout.trim() : 'free is not installed',
    node: process.version,
    registry: registryVersion.stdout.trim(),
    gitCommit: git(['rev-parse', 'HEAD']),
    // The last commit that changed dist/, which is the code the bundles contain.
    distCommit: git(['log', '-1', '--format=%H', '--', 'dist/']),
    distChangedSinceCommit: git(['status', '--porcelain', '--', 'dist/']) !== '',
    ...describeTools(),
  };
}

async function main() {
  const nodeMajor = Number(process.versions.node.split('.')[0]);
  if (nodeMajor < 24) {
    throw new Error(
      `this is Node ${process.version}, but the bundles need Node 24 or later: run "npm run bench", which uses the node package from node_modules`,
    );
  }
  if (!existsSync(CLI) || !existsSync(ACTION)) {
    throw new Error(`${CLI} or ${ACTION} is missing: run "npm run build" first`);
  }
  workDir = mkdtempSync(join(tmpdir(), 'bench-work-'));
  cleanups.push(() => rmSync(workDir, { recursive: true, force: true }));

  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const keyPath = join(workDir, 'cosign.pub');
  writeFileSync(keyPath, publicKey.export({ type: 'spki', format: 'pem' }));

  log('starting the anonymous registry and pushing images');
  const registry = await startRegistry();
  cleanups.push(registry.stopNow);
  const maxImages = Math.max(...SIZES);
  const digests = [];
  for (let i = 1; i <= maxImages; i++) {
    const digest = await pushImage(registry, REPOSITORY, `img-${i}`);
    await pushLegacySignature(registry, REPOSITORY, digest, privateKey);
    digests.push(digest);
  }
  const unsignedDigest = await pushImage(registry, REPOSITORY, 'unsigned');
  await pushFixture(registry);

  const byTag = (host, count) =>
    Array.from({ length: count }, (_, i) => `${host}/${REPOSITORY}:img-${i + 1}`);
  const signedByDigest = (host) => `${host}/${REPOSITORY}@${digests[0]}`;
  const certManagerImage = (host) => `${host}/${CERT_MANAGER_REPOSITORY}@${CERT_MANAGER_DIGEST}`;
  const certManagerKey = join(CERT_MANAGER, 'cert-manager-pubkey-2021-09-20.pem');
  const certManagerArgv = (host) => [
    NODE,
    CLI,
    '--public-key',
    certManagerKey,
    '--signature-digest-algorithm',
    'sha512',
    '--json',
    certManagerImage(host),
  ];

  // Checks that every timed command verifies, since a failing run would time an error path.
  for (const size of SIZES) {
    expectStatuses(
      `N=${size} by tag`,
      await runCliOnce(cliArgv(keyPath, byTag(registry.host, size))),
      'verified',
    );
  }
  expectStatuses('cert-manager', await runCliOnce(certManagerArgv(registry.host)), 'verified');

  const results = {
    machine: describeMachine(),
    settings: {
      RUNS,
      WARMUP,
      LOOP_RUNS,
      RSS_RUNS,
      SIZES,
      SEQUENTIAL_COMMIT,
      ADDED_LATENCY_MS,
      PARALLEL_SIZES,
      LATENCY_RUNS,
    },
  };

  // 1. Start-up alone, then N images by tag in one process each.
  results.startup = [
    await timed('node -e 0 (Node start-up only)', [NODE, '-e', '0']),
    await timed('cosign-gate --help (start-up and bundle load)', [NODE, CLI, '--help']),
  ];
  results.endToEnd = [];
  for (const size of SIZES) {
    const argv = cliArgv(keyPath, byTag(registry.host, size));
    results.endToEnd.push({
      images: size,
      ...(await timed(`N=${size} by tag, one process`, argv)),
    });
  }

  // 2. N images in one invocation against N invocations of one image each.
  results.oneVersusMany = [];
  for (const size of SIZES.filter((value) => value > 1)) {
    const script = writeLoopScript(
      `loop-${size}.sh`,
      byTag(registry.host, size).map((image) => cliArgv(keyPath, [image])),
    );
    const loop = await timed(`N=${size} by tag, ${size} processes in turn`, ['sh', script], {
      runs: LOOP_RUNS,
      warmup: 0,
    });
    const one = results.endToEnd.find((entry) => entry.images === size);
    results.oneVersusMany.push({ images: size, oneProcess: one, processPerImage: loop });
  }

  // 3. Requests per image, counted by a proxy in front of the registry.
  log('counting requests');
  const proxy = await startCountingProxy(registry.host);
  cleanups.push(proxy.stopNow);
  const count = async (label, argv, expected, images = 1) => {
    proxy.reset();
    const run = await runCliOnce(argv);
    expectStatuses(label, run, expected);
    return { label, images, status: expected, ...proxy.snapshot() };
  };
  results.requests = [
    await count('signed, by tag', cliArgv(keyPath, byTag(proxy.host, 1)), 'verified'),
    await count('signed, by digest', cliArgv(keyPath, [signedByDigest(proxy.host)]), 'verified'),
    await count(
      'unsigned, by tag, auto (legacy tag, then referrers)',
      cliArgv(keyPath, [`${proxy.host}/${REPOSITORY}:unsigned`]),
      'missing',
    ),
    await count(
      'unsigned, by digest, auto (legacy tag, then referrers)',
      cliArgv(keyPath, [`${proxy.host}/${REPOSITORY}@${unsignedDigest}`]),
      'missing',
    ),
    await count(
      'unsigned, by tag, --signature-format legacy',
      cliArgv(keyPath, [`${proxy.host}/${REPOSITORY}:unsigned`], ['--signature-format', 'legacy']),
      'missing',
    ),
    await count(
      'signed, by tag, 10 images in one process',
      cliArgv(keyPath, byTag(proxy.host, 10)),
      'verified',
      10,
    ),
    await count('cert-manager v1.8.0, by digest, sha512', certManagerArgv(proxy.host), 'verified'),
  ];

  // The same with token authentication, as on public registries that issue anonymous pull tokens.
  log('starting the token registry and counting requests with tokens');
  const tokens = await startTokenServer();
  cleanups.push(tokens.stopNow);
  const tokenRegistry = await startRegistry({ authYaml: tokens.authYaml });
  cleanups.push(tokenRegistry.stopNow);
  const tokenRepositories = [
    REPOSITORY,
    ...Array.from({ length: TOKEN_IMAGES }, (_, i) => `${REPOSITORY}-${i + 1}`),
  ];
  const pushToken = `Bearer ${tokens.mint(
    'bench-pusher',
    tokenRepositories.map((name) => ({ type: 'repository', name, actions: ['pull', 'push'] })),
  )}`;
  for (let i = 1; i <= TOKEN_IMAGES; i++) {
    const shared = await pushImage(tokenRegistry, REPOSITORY, `img-${i}`, pushToken);
    await pushLegacySignature(tokenRegistry, REPOSITORY, shared, privateKey, pushToken);
    const own = await pushImage(tokenRegistry, `${REPOSITORY}-${i}`, 'v1', pushToken);
    await pushLegacySignature(tokenRegistry, `${REPOSITORY}-${i}`, own, privateKey, pushToken);
  }
  const tokenProxy = await startCountingProxy(tokenRegistry.host);
  cleanups.push(tokenProxy.stopNow);
  const countWithTokens = async (label, images) => {
    tokenProxy.reset();
    tokens.resetCount();
    const run = await runCliOnce(cliArgv(keyPath, images));
    expectStatuses(label, run, 'verified');
    return {
      label,
      images: images.length,
      status: 'verified',
      tokens: tokens.issued,
      ...tokenProxy.snapshot(),
    };
  };
  results.requestsWithTokens = [
    await countWithTokens('signed, by tag, token auth', byTag(tokenProxy.host, 1)),
    await countWithTokens(
      `signed, by tag, token auth, ${TOKEN_IMAGES} images in one repository`,
      byTag(tokenProxy.host, TOKEN_IMAGES),
    ),
    await countWithTokens(
      `signed, by tag, token auth, ${TOKEN_IMAGES} images in ${TOKEN_IMAGES} repositories`,
      Array.from(
        { length: TOKEN_IMAGES },
        (_, i) => `${tokenProxy.host}/${REPOSITORY}-${i + 1}:v1`,
      ),
    ),
  ];

  // 4. Peak memory.
  log('measuring peak memory');
  const rssOptions = { runs: RSS_RUNS, env: childEnv(), timeoutMs: 60_000 };
  results.maxRss = [
    {
      label: 'cosign-gate --help',
      images: 0,
      ...(await measureMaxRss([NODE, CLI, '--help'], rssOptions)),
    },
  ];
  for (const size of [1, maxImages]) {
    const argv = cliArgv(keyPath, byTag(registry.host, size));
    results.maxRss.push({
      label: `N=${size} by tag`,
      images: size,
      ...(await measureMaxRss(argv, rssOptions)),
    });
  }

  // 5. The real cert-manager signature, through the CLI and through the bundled action.
  const actionDir = join(workDir, 'action');
  mkdirSync(actionDir);
  writeFileSync(join(actionDir, 'output'), '');
  writeFileSync(join(actionDir, 'summary'), '');
  const actionEnv = childEnv({
    GITHUB_OUTPUT: join(actionDir, 'output'),
    GITHUB_STEP_SUMMARY: join(actionDir, 'summary'),
    RUNNER_TEMP: actionDir,
    INPUT_IMAGES: certManagerImage(registry.host),
    'INPUT_PUBLIC-KEY': certManagerKey,
    'INPUT_SIGNATURE-DIGEST-ALGORITHM': 'sha512',
  });
  const actionCheck = spawnSync(NODE, [ACTION], {
    env: actionEnv,
    encoding: 'utf8',
    timeout: 60_000,
  });
  if (actionCheck.status !== 0) {
    throw new Error(
      `the action failed on cert-manager (exit ${actionCheck.status}): ${actionCheck.stdout}`,
    );
  }
  results.certManager = [
    await timed('cert-manager v1.8.0 by digest, CLI', certManagerArgv(registry.host)),
    await timed('cert-manager v1.8.0 by digest, action (dist/index.js)', [NODE, ACTION], {
      env: actionEnv,
    }),
  ];

  // 6. The sequential CLI of SEQUENTIAL_COMMIT against the current one, which checks in parallel.
  results.parallel = await compareParallel({
    registry,
    tokenRegistry,
    tokens,
    keyPath,
    byTag,
    currentCommit: results.machine.distCommit,
  });

  results.elapsedSeconds = Math.round((Date.now() - started) / 100) / 10;
  mkdirSync(join(import.meta.dirname, 'results'), { recursive: true });
  writeFileSync(RESULTS_FILE, JSON.stringify(results, null, 2) + '\n');
  process.stdout.write(renderMarkdown(results));
  log(`done; raw numbers in ${RESULTS_FILE}`);
}

/**
 * Times the committed CLI bundle of SEQUENTIAL_COMMIT, which checks images one after another,
 * against the current one on the same images: straight to the registry and through a proxy that
 * delays each request by ADDED_LATENCY_MS. Counts requests, tokens and TCP connections per run
 * through such a proxy too, to show whether the images in flight at once share one ping and one
 * token request.
 */
async function compareParallel({ registry, tokenRegistry, tokens, keyPath, byTag, currentCommit }) {
  log(`checking out ${SEQUENTIAL_COMMIT} in a temporary git worktree`);
  const baseline = addBaselineWorktree(ROOT, SEQUENTIAL_COMMIT);
  cleanups.push(baseline.remove);
  const bundles = [
    { name: 'sequential', commit: baseline.commit, cli: baseline.cli },
    { name: 'parallel', commit: currentCommit, cli: CLI },
  ];

  const latencyProxy = await startCountingProxy(registry.host, { delayMs: ADDED_LATENCY_MS });
  cleanups.push(latencyProxy.stopNow);
  const tokenLatencyProxy = await startCountingProxy(tokenRegistry.host, {
    delayMs: ADDED_LATENCY_MS,
  });
  cleanups.push(tokenLatencyProxy.stopNow);
  const routes = [
    { addedLatencyMs: 0, host: registry.host },
    { addedLatencyMs: ADDED_LATENCY_MS, host: latencyProxy.host },
  ];
  const maxSize = Math.max(...PARALLEL_SIZES);

  for (const bundle of bundles) {
    for (const route of routes) {
      expectStatuses(
        `${bundle.name} CLI, N=${maxSize}, ${route.addedLatencyMs} ms added`,
        await runCliOnce(bundleArgv(bundle.cli, keyPath, byTag(route.host, maxSize))),
        'verified',
      );
    }
  }

  const timings = [];
  for (const route of routes) {
    for (const size of PARALLEL_SIZES) {
      for (const bundle of bundles) {
        const argv = bundleArgv(bundle.cli, keyPath, byTag(route.host, size));
        const label = `${bundle.name} CLI, N=${size} by tag, ${route.addedLatencyMs} ms added per request`;
        const runs = route.addedLatencyMs === 0 ? RUNS : LATENCY_RUNS;
        timings.push({
          bundle: bundle.name,
          images: size,
          addedLatencyMs: route.addedLatencyMs,
          ...(await timed(label, argv, { runs })),
        });
      }
    }
  }

  log('counting requests of both bundles');
  const requests = [];
  for (const [proxy, route] of [
    [latencyProxy, routes[1]],
    [undefined, routes[0]],
  ]) {
    // The route without added latency is counted by a proxy with no delay.
    const counter = proxy ?? (await startCountingProxy(registry.host));
    if (!proxy) cleanups.push(counter.stopNow);
    for (const size of PARALLEL_SIZES) {
      for (const bundle of bundles) {
        counter.reset();
        const run = await runCliOnce(bundleArgv(bundle.cli, keyPath, byTag(counter.host, size)));
        expectStatuses(`${bundle.name} CLI, N=${size}, counted`, run, 'verified');
        requests.push({
          bundle: bundle.name,
          images: size,
          addedLatencyMs: route.addedLatencyMs,
          ...counter.snapshot(),
        });
      }
    }
  }

  const tokenCases = [
    ['one repository', byTag(tokenLatencyProxy.host, TOKEN_IMAGES)],
    [
      `${TOKEN_IMAGES} repositories`,
      Array.from(
        { length: TOKEN_IMAGES },
        (_, i) => `${tokenLatencyProxy.host}/${REPOSITORY}-${i + 1}:v1`,
      ),
    ],
  ];
  for (const [layout, images] of tokenCases) {
    for (const bundle of bundles) {
      tokenLatencyProxy.reset();
      tokens.resetCount();
      const run = await runCliOnce(bundleArgv(bundle.cli, keyPath, images));
      expectStatuses(`${bundle.name} CLI, token auth, ${layout}`, run, 'verified');
      requests.push({
        bundle: bundle.name,
        images: images.length,
        addedLatencyMs: ADDED_LATENCY_MS,
        tokenAuth: layout,
        tokens: tokens.issued,
        ...tokenLatencyProxy.snapshot(),
      });
    }
  }

  log('measuring peak memory of both bundles');
  const maxRss = [];
  for (const bundle of bundles) {
    const argv = bundleArgv(bundle.cli, keyPath, byTag(registry.host, maxSize));
    maxRss.push({
      bundle: bundle.name,
      images: maxSize,
      ...(await measureMaxRss(argv, { runs: RSS_RUNS, env: childEnv(), timeoutMs: 60_000 })),
    });
  }

  return {
    bundles: bundles.map(({ name, commit, cli }) => ({
      name,
      commit,
      cli: cli.startsWith(baseline.dir)
        ? `dist/cli/index.js in a temporary worktree of ${SEQUENTIAL_COMMIT}`
        : 'dist/cli/index.js in this checkout',
    })),
    timings,
    requests,
    maxRss,
  };
}

const ms = (value) => value.toFixed(0);
const mib = (value) => value.toFixed(1);

function renderMarkdown(results) {
  const lines = [];
  const m = results.machine;
  lines.push(
    `Machine: ${m.cores} cores (${m.cpuModel}), ${m.memoryGiB} GiB, Node ${m.node}, ${m.registry}`,
    `Timing: ${m.hyperfine}; memory: ${m.time}; commit ${m.gitCommit.slice(0, 7)}${m.distChangedSinceCommit ? ' (dist/ differs from the commit)' : ''}`,
    '',
    '### Wall-clock time per process run (ms)',
    '',
    '| command | runs | median | min | max | median per image |',
    '| --- | ---: | ---: | ---: | ---: | ---: |',
  );
  for (const entry of results.startup) {
    lines.push(
      `| ${entry.label} | ${entry.runs} | ${ms(entry.median)} | ${ms(entry.min)} | ${ms(entry.max)} | |`,
    );
  }
  for (const entry of results.endToEnd) {
    lines.push(
      `| ${entry.label} | ${entry.runs} | ${ms(entry.median)} | ${ms(entry.min)} | ${ms(entry.max)} | ${ms(entry.median / entry.images)} |`,
    );
  }
  const first = results.endToEnd[0];
  const last = results.endToEnd.at(-1);
  const marginal = (last.median - first.median) / (last.images - first.images);
  lines.push(
    '',
    `Estimated cost of one more image inside a running process: (median N=${last.images} − median N=${first.images}) / ${last.images - first.images} = ${marginal.toFixed(1)} ms.`,
    '',
    '### One process for N images against N processes of one image (ms)',
    '',
    '| N | one process: median (min–max) | N processes in turn: median (min–max), runs | ratio of medians |',
    '| ---: | --- | --- | ---: |',
  );
  for (const entry of results.oneVersusMany) {
    const { oneProcess: one, processPerImage: many } = entry;
    lines.push(
      `| ${entry.images} | ${ms(one.median)} (${ms(one.min)}–${ms(one.max)}) | ${ms(many.median)} (${ms(many.min)}–${ms(many.max)}), ${many.runs} | ${(many.median / one.median).toFixed(1)} |`,
    );
  }

  lines.push(
    '',
    '### Registry requests per CLI run (anonymous registry, counted by a proxy)',
    '',
    '| case | images | status | requests | per image | TCP connections | requests by kind -> registry status |',
    '| --- | ---: | --- | ---: | ---: | ---: | --- |',
  );
  for (const entry of [...results.requests, ...results.requestsWithTokens]) {
    const kinds = Object.entries(entry.byKind)
      .map(([kind, value]) => `${value}× ${kind}`)
      .join('; ');
    const tokenNote = entry.tokens === undefined ? '' : `; ${entry.tokens}× token request`;
    lines.push(
      `| ${entry.label} | ${entry.images} | ${entry.status} | ${entry.total} | ${(entry.total / entry.images).toFixed(1)} | ${entry.connections} | ${kinds}${tokenNote} |`,
    );
  }

  lines.push(
    '',
    '### Peak resident memory of the CLI process (MiB)',
    '',
    '| command | runs | median | min | max |',
    '| --- | ---: | ---: | ---: | ---: |',
  );
  for (const entry of results.maxRss) {
    lines.push(
      `| ${entry.label} | ${entry.runs} | ${mib(entry.median)} | ${mib(entry.min)} | ${mib(entry.max)} |`,
    );
  }

  lines.push(
    '',
    '### Real signature: cert-manager v1.8.0 (RSA 4096, sha512), served locally (ms)',
    '',
    '| command | runs | median | min | max |',
    '| --- | ---: | ---: | ---: | ---: |',
  );
  for (const entry of results.certManager) {
    lines.push(
      `| ${entry.label} | ${entry.runs} | ${ms(entry.median)} | ${ms(entry.min)} | ${ms(entry.max)} |`,
    );
  }
  lines.push(...renderParallel(results.parallel));
  lines.push('', `Total benchmark time: ${results.elapsedSeconds} s`, '');
  return lines.join('\n');
}

function renderParallel(parallel) {
  const lines = [
    '',
    '### Sequential against parallel image checks (ms)',
    '',
    ...parallel.bundles.map(
      (bundle) => `- ${bundle.name}: ${bundle.cli}, commit ${bundle.commit.slice(0, 7)}`,
    ),
    '',
    '| added latency per request | N | sequential: median (min–max) | parallel: median (min–max) | ratio of medians |',
    '| ---: | ---: | --- | --- | ---: |',
  ];
  const find = (list, bundle, images, addedLatencyMs) =>
    list.find(
      (entry) =>
        entry.bundle === bundle &&
        entry.images === images &&
        entry.addedLatencyMs === addedLatencyMs &&
        entry.tokenAuth === undefined,
    );
  const latencies = [...new Set(parallel.timings.map((entry) => entry.addedLatencyMs))];
  const sizes = [...new Set(parallel.timings.map((entry) => entry.images))];
  for (const latency of latencies) {
    for (const size of sizes) {
      const sequential = find(parallel.timings, 'sequential', size, latency);
      const concurrent = find(parallel.timings, 'parallel', size, latency);
      lines.push(
        `| ${latency} | ${size} | ${ms(sequential.median)} (${ms(sequential.min)}–${ms(sequential.max)}), ${sequential.runs} runs | ${ms(concurrent.median)} (${ms(concurrent.min)}–${ms(concurrent.max)}), ${concurrent.runs} runs | ${(sequential.median / concurrent.median).toFixed(1)} |`,
      );
    }
  }

  lines.push(
    '',
    '| bundle | added latency | images | token auth | requests | per image | tokens | TCP connections | requests by kind -> registry status |',
    '| --- | ---: | ---: | --- | ---: | ---: | ---: | ---: | --- |',
  );
  for (const entry of parallel.requests) {
    const kinds = Object.entries(entry.byKind)
      .map(([kind, value]) => `${value}× ${kind}`)
      .join('; ');
    lines.push(
      `| ${entry.bundle} | ${entry.addedLatencyMs} | ${entry.images} | ${entry.tokenAuth ?? ''} | ${entry.total} | ${(entry.total / entry.images).toFixed(2)} | ${entry.tokens ?? ''} | ${entry.connections} | ${kinds} |`,
    );
  }

  lines.push(
    '',
    '| bundle | images | runs | peak RSS median (MiB) | min | max |',
    '| --- | ---: | ---: | ---: | ---: | ---: |',
  );
  for (const entry of parallel.maxRss) {
    lines.push(
      `| ${entry.bundle} | ${entry.images} | ${entry.runs} | ${mib(entry.median)} | ${mib(entry.min)} | ${mib(entry.max)} |`,
    );
  }
  return lines;
}

try {
  await main();
} catch (error) {
  console.error(`bench: ${error.message}`);
  process.exitCode = 1;
} finally {
  cleanUp();
}
