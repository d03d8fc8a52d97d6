import { expect } from 'vitest';
import type { Logger } from '../../src/registry/transport.js';
import type { RetryOptions } from '../../src/registry/retry.js';

/** A logger that keeps every line, to check what was logged and that no secret was. */
export interface CapturingLogger extends Logger {
  lines: string[];
}

export function captureLogger(): CapturingLogger {
  const lines: string[] = [];
  return {
    lines,
    info: (message) => lines.push(`info: ${message}`),
    debug: (message) => lines.push(`debug: ${message}`),
    warning: (message) => lines.push(`warning: ${message}`),
  };
}

/** Retry settings that never sleep and record the delays asked for. */
export function instantRetry(
  delays: number[] = [],
  overrides: Partial<RetryOptions> = {},
): Partial<RetryOptions> {
  return {
    sleep: (ms) => {
      delays.push(ms);
      return Promise.resolve();
    },
    random: () => 0.5,
    ...overrides,
  };
}

/** Runs `action`, expects it to reject, and returns the rejection for further checks. */
export async function failureOf(action: () => Promise<unknown>): Promise<Error> {
  try {
    await action();
  } catch (error) {
    expect(error).toBeInstanceOf(Error);
    return error as Error;
  }
  throw new Error('expected the call to fail, but it succeeded');
}

/** Checks that a message is one line, has no stack lines and contains none of the secrets. */
export function expectCleanMessage(message: string, secrets: string[] = []): void {
  expect(message).not.toContain('\n');
  expect(message).not.toMatch(/\bat \S+ \(/);
  for (const secret of secrets) expect(message).not.toContain(secret);
}

/** Checks that no captured log line contains any of the secrets. */
export function expectNoSecretsLogged(logger: CapturingLogger, secrets: string[]): void {
  for (const line of logger.lines) {
    for (const secret of secrets) expect(line).not.toContain(secret);
  }
}
