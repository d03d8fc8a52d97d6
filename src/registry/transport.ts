import { Agent, request, type Dispatcher } from 'undici';
import { RegistryError } from '../errors.js';

/** Largest error body read into memory, for the registry's error message. */
export const MAX_ERROR_BODY_BYTES = 64 * 1024;

/** Receives progress lines for the log. The core never logs directly. */
export interface Logger {
  info(message: string): void;
  debug(message: string): void;
  warning(message: string): void;
}

export const silentLogger: Logger = { info() {}, debug() {}, warning() {} };

export interface TransportOptions {
  /** undici dispatcher, e.g. a MockAgent in tests. A keep-alive Agent is made when absent. */
  dispatcher?: Dispatcher;
  /** Time to connect and to receive response headers, in milliseconds. */
  connectTimeoutMs?: number;
  /** Maximum silence while reading a body, in milliseconds. */
  readTimeoutMs?: number;
  logger?: Logger;
}

export interface HttpRequest {
  method: 'GET' | 'HEAD' | 'POST';
  url: string;
  headers?: Record<string, string>;
  body?: string;
  /** Larger bodies are cut off with a TOO_LARGE error. */
  maxBytes: number;
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
  url: string;
}

/**
 * Sends one HTTP request and reads its body with a size cap. Knows no credentials: the
 * caller passes `Authorization` and decides what to do with the status.
 */
export class Transport {
  private readonly dispatcher: Dispatcher;
  private readonly connectTimeoutMs: number;
  private readonly readTimeoutMs: number;
  readonly logger: Logger;

  constructor(options: TransportOptions = {}) {
    this.connectTimeoutMs = options.connectTimeoutMs ?? 15_000;
    this.readTimeoutMs = options.readTimeoutMs ?? 30_000;
    this.dispatcher =
      options.dispatcher ??
      new Agent({
        connect: { timeout: this.connectTimeoutMs },
        headersTimeout: this.connectTimeoutMs,
        bodyTimeout: this.readTimeoutMs,
      });
    this.logger = options.logger ?? silentLogger;
  }

  async send(req: HttpRequest): Promise<HttpResponse> {
    const target = redactUrl(req.url);
    this.logger.debug(`${req.method} ${target}`);

    let response: Dispatcher.ResponseData;
    try {
      response = await request(req.url, {
        method: req.method,
        headers: req.headers,
        body: req.body,
        dispatcher: this.dispatcher,
        headersTimeout: this.connectTimeoutMs,
        bodyTimeout: this.readTimeoutMs,
      });
    } catch (error) {
      throw networkError(error, req.method, target);
    }

    const headers = flattenHeaders(response.headers);
    const ok = response.statusCode >= 200 && response.statusCode < 300;
    const limit = ok ? req.maxBytes : MAX_ERROR_BODY_BYTES;
    const body = await readCapped(response.body, limit, ok, req.method, target);
    return { status: response.statusCode, headers, body, url: req.url };
  }

  async close(): Promise<void> {
    await this.dispatcher.close();
  }
}

/** Removes credentials and the query string from a URL, for messages and logs. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}${parsed.pathname}`;
  } catch {
    return '<invalid URL>';
  }
}

function flattenHeaders(raw: Record<string, string | string[] | undefined>): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(raw)) {
    if (value === undefined) continue;
    headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return headers;
}

async function readCapped(
  body: Dispatcher.ResponseData['body'],
  maxBytes: number,
  failWhenLarger: boolean,
  method: string,
  url: string,
): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of body) {
      const buffer = chunk as Buffer;
      size += buffer.length;
      if (size > maxBytes) {
        body.destroy();
        if (!failWhenLarger) break;
        throw new RegistryError(
          'TOO_LARGE',
          `${method} ${url}: response body exceeds the ${maxBytes}-byte limit`,
          { method, url },
        );
      }
      chunks.push(buffer);
    }
  } catch (error) {
    if (error instanceof RegistryError) throw error;
    throw networkError(error, method, url);
  }
  return Buffer.concat(chunks).subarray(0, maxBytes);
}

function networkError(error: unknown, method: string, url: string): RegistryError {
  const code = (error as { code?: string }).code ?? '';
  const timedOut = code.includes('TIMEOUT') || code === 'ETIMEDOUT';
  const reason = (error as Error).message || code || 'unknown network error';
  return new RegistryError(
    timedOut ? 'TIMEOUT' : 'NETWORK',
    `${method} ${url} ${timedOut ? 'timed out' : 'failed'}: ${reason}`,
    { method, url, retryable: true, cause: error },
  );
}
