import { RegistryError } from '../errors.js';
import {
  redactUrl,
  type HttpRequest,
  type HttpResponse,
  type HttpSender,
  type Logger,
} from './transport.js';

/** Statuses that mean "try again later" rather than "this request is wrong". */
export const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([408, 429, 500, 502, 503, 504]);

/** How often and how long to wait before sending a failed request again. */
export interface RetryOptions {
  /** Attempts per request, the first one included. */
  maxAttempts: number;
  /** Backoff before the second attempt, in milliseconds; it doubles for each further attempt. */
  baseDelayMs: number;
  /** Upper bound of one backoff, in milliseconds. */
  maxDelayMs: number;
  /** Longest `Retry-After` wait honoured, in milliseconds; longer requests wait this long. */
  maxRetryAfterMs: number;
  /** Waits between attempts; tests replace it to avoid real sleeps. */
  sleep: (ms: number) => Promise<void>;
  /** Returns a number in [0, 1) for jitter; tests replace it for fixed delays. */
  random: () => number;
}

export const DEFAULT_RETRY_OPTIONS: RetryOptions = {
  maxAttempts: 4,
  baseDelayMs: 500,
  maxDelayMs: 8_000,
  maxRetryAfterMs: 60_000,
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  random: Math.random,
};

/**
 * Returns the backoff before attempt `attempt + 1`: "full jitter", a random time between zero and
 * the doubled base delay, so that many clients hit by the same outage do not retry in step.
 */
export function backoffDelay(attempt: number, options: RetryOptions): number {
  const ceiling = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** (attempt - 1));
  return Math.floor(options.random() * ceiling);
}

/** Reads `Retry-After` (delay seconds or an HTTP date) as milliseconds from `now`. */
export function parseRetryAfter(value: string | undefined, now = Date.now()): number | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;

  // An HTTP date always names a day and month; without letters, Date.parse would read "-5" or
  // "1.5" as a year.
  if (!/[a-z]/i.test(text)) return undefined;
  const date = Date.parse(text);
  if (Number.isNaN(date)) return undefined;
  return Math.max(date - now, 0);
}

/**
 * Sends requests through `inner` and retries 408, 429 and 5xx gateway statuses and retryable
 * network errors with backoff, within `maxAttempts` and the request's deadline. After the last
 * attempt it returns the last response, or throws the last error with the attempt count added.
 */
export class RetryingSender implements HttpSender {
  constructor(
    private readonly inner: HttpSender,
    private readonly options: RetryOptions,
    private readonly logger: Logger,
  ) {}

  async send(req: HttpRequest): Promise<HttpResponse> {
    for (let attempt = 1; ; attempt++) {
      let outcome: { response: HttpResponse } | { error: RegistryError };
      try {
        outcome = { response: await this.inner.send(req) };
      } catch (error) {
        if (!(error instanceof RegistryError)) throw error;
        outcome = { error };
      }

      const delay = this.nextDelay(req, attempt, outcome);
      if (delay === undefined) {
        if ('error' in outcome) throw withAttempts(outcome.error, attempt);
        return { ...outcome.response, attempts: attempt };
      }

      this.logger.debug(
        `retrying ${req.method} ${redactUrl(req.url)} in ${delay} ms (attempt ${attempt + 1} of ${this.options.maxAttempts}): ${reason(outcome)}`,
      );
      await this.options.sleep(delay);
    }
  }

  /** Returns the wait before the next attempt, or undefined when this outcome is final. */
  private nextDelay(
    req: HttpRequest,
    attempt: number,
    outcome: { response: HttpResponse } | { error: RegistryError },
  ): number | undefined {
    const retryable =
      'error' in outcome
        ? outcome.error.retryable
        : RETRYABLE_STATUSES.has(outcome.response.status);
    if (!retryable || attempt >= this.options.maxAttempts) return undefined;

    const requested =
      'response' in outcome ? parseRetryAfter(outcome.response.headers['retry-after']) : undefined;
    const delay =
      requested === undefined
        ? backoffDelay(attempt, this.options)
        : Math.min(requested, this.options.maxRetryAfterMs);

    if (req.deadline !== undefined && Date.now() + delay >= req.deadline) {
      this.logger.debug(
        `not retrying ${req.method} ${redactUrl(req.url)}: waiting ${delay} ms would pass the time limit`,
      );
      return undefined;
    }
    return delay;
  }
}

function reason(outcome: { response: HttpResponse } | { error: RegistryError }): string {
  if ('error' in outcome) return outcome.error.message;
  const retryAfter = outcome.response.headers['retry-after'];
  return `status ${outcome.response.status}${retryAfter === undefined ? '' : `, Retry-After ${retryAfter}`}`;
}

/** Returns a copy of `error` whose message ends with the number of attempts made. */
function withAttempts(error: RegistryError, attempts: number): RegistryError {
  if (!error.retryable && attempts === 1) return error;
  return new RegistryError(error.code, `${error.message} (${attemptsText(attempts)})`, {
    ...error.details,
    cause: error.details.cause,
  });
}

/** Returns "after 1 attempt" or "after N attempts". */
export function attemptsText(attempts: number): string {
  return `after ${attempts} attempt${attempts === 1 ? '' : 's'}`;
}
