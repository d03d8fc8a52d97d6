import * as core from '@actions/core';
import { errorMessage } from './errors.js';
import { readInputs } from './inputs.js';
import { allPassed, buildAnnotation, buildOutputs, buildSummary, oneLine } from './report.js';
import { run } from './run.js';

/** Runs the action: reads inputs, checks every image, writes outputs, summary and annotations. */
async function main(): Promise<void> {
  try {
    const { settings, warnOnly } = readInputs();
    const results = await run(settings, {
      logger: singleLineLogger,
      onSecret: (secret) => core.setSecret(secret),
      group: (name, work) => core.group(name, work),
    });

    // Outputs first, so a failed summary write cannot lose them.
    for (const [name, value] of Object.entries(buildOutputs(results))) core.setOutput(name, value);
    for (const result of results) {
      core.info(`${result.image}: ${result.status}${result.digest ? ` (${result.digest})` : ''}`);
      const annotation = buildAnnotation(result, warnOnly);
      if (annotation) core[annotation.level](annotation.message, { title: annotation.title });
    }
    await writeSummary(
      buildSummary(results, {
        warnOnly,
        ignoreTlog: settings.ignoreTlog,
        ignoreSct: settings.ignoreSct,
      }),
    );

    if (!allPassed(results) && !warnOnly) {
      core.setFailed('one or more images failed the signature check; see the job summary');
    }
  } catch (error) {
    core.setFailed(errorMessage(error));
  }
}

/**
 * Logger over @actions/core that writes every message on one line, because registry-supplied text
 * must not start a line of its own, where the runner would read it as a workflow command.
 */
const singleLineLogger = {
  info: (message: string) => core.info(oneLine(message)),
  debug: (message: string) => core.debug(oneLine(message)),
  warning: (message: string) => core.warning(oneLine(message)),
};

async function writeSummary(markdown: string): Promise<void> {
  try {
    await core.summary.addRaw(markdown).write();
  } catch (error) {
    // Outside a runner there is no summary file; the results are in the outputs and the log.
    core.warning(`could not write the job summary: ${errorMessage(error)}`);
  }
}

await main();
