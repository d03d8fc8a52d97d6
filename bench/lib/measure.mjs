// Wall-clock time and peak memory of child processes: hyperfine and GNU time when installed,
// otherwise a Node loop with process.hrtime and a preloaded module that reports maxRSS.
import { execFile, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const HYPERFINE = ['/usr/bin/hyperfine', '/usr/local/bin/hyperfine'].find((path) =>
  existsSync(path),
);
const GNU_TIME = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;
const RSS_REPORTER = join(import.meta.dirname, 'report-max-rss.mjs');

/** Names the timing and memory tools this run uses, with their versions. */
export function describeTools() {
  const hyperfine = HYPERFINE
    ? spawnSync(HYPERFINE, ['--version'], { encoding: 'utf8' }).stdout.trim()
    : 'not installed: Node loop with process.hrtime';
  // Debian's GNU time prints "UNKNOWN" as its version, so ask the package manager instead.
  const timePackage = spawnSync('dpkg-query', ['-W', '-f', '${Version}', 'time'], {
    encoding: 'utf8',
  });
  const time = GNU_TIME
    ? `GNU time -v (Debian package time ${timePackage.status === 0 ? timePackage.stdout : 'of unknown version'})`
    : 'not installed: process.resourceUsage().maxRSS from a preloaded module';
  return { hyperfine, time };
}

/** Summarises samples (milliseconds or MiB): median, min, max, mean and the count. */
export function summarise(samples) {
  const sorted = [...samples].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const median =
    sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
  const mean = sorted.reduce((sum, value) => sum + value, 0) / sorted.length;
  return { runs: sorted.length, median, min: sorted[0], max: sorted.at(-1), mean, samples };
}

/**
 * Runs a program and resolves with its exit status, signal and output. It is asynchronous so that
 * the benchmark's signal handlers can stop the registry while a measurement runs.
 */
function runProcess(file, args, { env, timeoutMs }) {
  return new Promise((resolve) => {
    execFile(
      file,
      args,
      { env, encoding: 'utf8', timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (!error) {
          resolve({ status: 0, signal: null, stdout, stderr });
          return;
        }
        // execFile sets `code` to the exit status, or to a string such as ENOENT when the
        // program did not start.
        const status = typeof error.code === 'number' ? error.code : null;
        resolve({ status, signal: error.signal ?? null, stdout, stderr: stderr || error.message });
      },
    );
  });
}

function quote(argument) {
  return /^[\w@%+=:,./-]+$/.test(argument) ? argument : `'${argument.replaceAll("'", `'\\''`)}'`;
}

/**
 * Times `argv` as a separate process `runs` times after `warmup` untimed runs, with `env` as its
 * environment. Every run must exit 0. Returns the summary of the wall-clock times in ms.
 */
export async function timeCommand(argv, { runs, warmup, env, exportPath, timeoutMs }) {
  if (HYPERFINE) {
    const args = ['--shell=none', '--runs', String(runs), '--warmup', String(warmup)];
    args.push('--style', 'none', '--export-json', exportPath, argv.map(quote).join(' '));
    const result = await runProcess(HYPERFINE, args, { env, timeoutMs });
    if (result.status !== 0) {
      throw new Error(
        `hyperfine failed (exit ${result.status ?? result.signal}) on ${argv.join(' ')}: ${result.stderr.trim()}`,
      );
    }
    const report = JSON.parse(readFileSync(exportPath, 'utf8'));
    return { tool: 'hyperfine', ...summarise(report.results[0].times.map((s) => s * 1000)) };
  }

  const samples = [];
  const deadline = Date.now() + timeoutMs;
  for (let i = 0; i < warmup + runs; i++) {
    if (Date.now() > deadline) throw new Error(`timing ${argv.join(' ')} exceeded ${timeoutMs} ms`);
    const started = process.hrtime.bigint();
    const result = await runProcess(argv[0], argv.slice(1), { env, timeoutMs });
    const elapsed = Number(process.hrtime.bigint() - started) / 1e6;
    if (result.status !== 0) {
      throw new Error(`${argv.join(' ')} exited with ${result.status ?? result.signal}`);
    }
    if (i >= warmup) samples.push(elapsed);
  }
  return { tool: 'node hrtime loop', ...summarise(samples) };
}

/**
 * Runs the Node command `argv` (argv[0] is the node binary) `runs` times and returns the peak
 * resident set size of each run in MiB, from GNU time or else from the preloaded reporter.
 */
export async function measureMaxRss(argv, { runs, env, timeoutMs }) {
  const samples = [];
  for (let i = 0; i < runs; i++) {
    if (GNU_TIME) {
      const result = await runProcess(GNU_TIME, ['-v', ...argv], { env, timeoutMs });
      if (result.status !== 0) {
        throw new Error(
          `${argv.join(' ')} exited with ${result.status ?? result.signal} under GNU time`,
        );
      }
      const match = result.stderr.match(/Maximum resident set size \(kbytes\): (\d+)/);
      if (!match)
        throw new Error(`GNU time printed no maximum resident set size: ${result.stderr}`);
      samples.push(Number(match[1]) / 1024);
    } else {
      const withReporter = [argv[0], '--import', RSS_REPORTER, ...argv.slice(1)];
      const result = await runProcess(withReporter[0], withReporter.slice(1), { env, timeoutMs });
      if (result.status !== 0) {
        throw new Error(`${argv.join(' ')} exited with ${result.status ?? result.signal}`);
      }
      const match = result.stderr.match(/bench-max-rss-kib: (\d+)/);
      if (!match) throw new Error(`the maxRSS reporter printed nothing: ${result.stderr}`);
      samples.push(Number(match[1]) / 1024);
    }
  }
  return { tool: GNU_TIME ? 'GNU time -v' : 'process.resourceUsage', ...summarise(samples) };
}
