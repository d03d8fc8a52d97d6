import type { AsyncLocalStorage } from 'node:async_hooks';
import { checkImage, type ImageResult, type SignatureFormat } from './check.js';
import type { VerificationPolicy } from './cosign/policy.js';
import { errorMessage } from './errors.js';
import type { RegistryClient, RepositoryRef } from './registry/client.js';
import type { Logger } from './registry/transport.js';

/** Wraps the log lines of one image, e.g. in a collapsible group of the runner's log. */
export type LogGroup = <T>(name: string, work: () => Promise<T>) => Promise<T>;

/** The settings that checking a batch of images needs. */
export interface BatchSettings {
  images: string[];
  signatureFormat: SignatureFormat;
  /** Time allowed per image, in seconds. */
  timeoutSeconds: number;
}

/** Images checked at the same time. Registries rate-limit per client, so this stays small. */
export const MAX_PARALLEL_IMAGES = 4;

/** Values that the checks of all images in a run share. */
export interface SharedCheck {
  client: RegistryClient;
  policy: VerificationPolicy;
  signatureRepository: RepositoryRef | undefined;
  logger: Logger;
  imageLogs: AsyncLocalStorage<BufferedLogger>;
}

/**
 * Checks up to MAX_PARALLEL_IMAGES images at a time. Each image logs into its own buffer, which
 * is written out as one group in input order, so parallel work never interleaves in the log.
 */
export async function checkAll(
  settings: BatchSettings,
  shared: SharedCheck,
  group: LogGroup = (_name, work) => work(),
): Promise<ImageResult[]> {
  const checks = settings.images.map((image) => ({
    image,
    log: new BufferedLogger(),
    done: deferred<ImageResult>(),
  }));

  let next = 0;
  const worker = async () => {
    for (let index = next++; index < checks.length; index = next++) {
      const check = checks[index]!;
      // The time limit starts when the image's own work starts, not when the run does.
      const client = shared.client.withDeadline(Date.now() + settings.timeoutSeconds * 1000);
      const options = {
        client,
        policy: shared.policy,
        signatureRepository: shared.signatureRepository,
        signatureFormat: settings.signatureFormat,
        logger: check.log,
      };
      // checkImage turns every failure into a result; the catch keeps a bug from losing a row.
      const result = await shared.imageLogs
        .run(check.log, () => checkImage(check.image, options))
        .catch((error: unknown) => unexpectedFailure(check.image, error));
      check.log.info(`Status ${result.status}: ${result.message}`);
      check.done.resolve(result);
    }
  };
  const workers = Array.from({ length: Math.min(MAX_PARALLEL_IMAGES, checks.length) }, worker);

  const results: ImageResult[] = [];
  for (const check of checks) {
    const result = await check.done.promise;
    await group(check.image, () => Promise.resolve(check.log.replay(shared.logger)));
    results.push(result);
  }
  await Promise.all(workers);
  return results;
}

function unexpectedFailure(image: string, error: unknown): ImageResult {
  return {
    image,
    digest: '',
    signatureTag: '',
    signature: '',
    status: 'error',
    message: `the check failed unexpectedly: ${errorMessage(error)}`,
  };
}

/** Log lines of one image, kept until its group can be written. */
export class BufferedLogger implements Logger {
  private readonly lines: [keyof Logger, string][] = [];

  info(message: string): void {
    this.lines.push(['info', message]);
  }

  debug(message: string): void {
    this.lines.push(['debug', message]);
  }

  warning(message: string): void {
    this.lines.push(['warning', message]);
  }

  replay(logger: Logger): void {
    for (const [level, message] of this.lines) logger[level](message);
  }
}

function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((done) => (resolve = done));
  return { promise, resolve };
}
