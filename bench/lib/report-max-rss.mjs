// Preloaded with `node --import` when GNU time is missing: prints the process's peak resident
// set size, in KiB as process.resourceUsage() reports it, to stderr on exit.
process.on('exit', () => {
  process.stderr.write(`bench-max-rss-kib: ${process.resourceUsage().maxRSS}\n`);
});
