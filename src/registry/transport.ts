import { Agent, request, type Dispatcher } from 'undici';
import { RegistryError } from '../errors.js';

/** Largest error body read into memory, for the registry's error message. */
export const MAX_ERROR_BODY_BYTES = 64 * 1024;

/** Default time to connect and to receive response headers, in milliseconds. */
export const DEFAULT_CONNECT_TIMEOUT_MS = 15_000;

/** Default maximum silence while reading a body, in milliseconds. */
export const DEFAULT_READ_TIMEOUT_MS = 30_000;

/** Maximum characters of server text (error messages, reasons) quoted in one of our messages. */
const MAX_QUOTED_CHARS = 300;

// Socket-level failures that another attempt can cure. DNS failures, TLS certificate errors and
// refused connections are left out because they repeat on every attempt.
const RETRYABLE_NETWORK_CODES = new Set([
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EAI_AGAIN',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
]);

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
  /** Epoch milliseconds after which the request is aborted with a TIMEOUT error. */
  deadline?: number;
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
  /** URL that produced this response; after redirects, the last one. */
  url: string;
  /** Attempts made for this response, when the retry layer sent it. */
  attempts?: number;
}

/** Anything that sends one request and returns its response; the Transport, or a retrying wrapper. */
export interface HttpSender {
  send(req: HttpRequest): Promise<HttpResponse>;
}

/**
 * Sends one HTTP request and reads its body with a size cap. Knows no credentials: the
 * caller passes `Authorization` and decides what to do with the status.
 */
export class Transport implements HttpSender {
  private readonly dispatcher: Dispatcher;
  /** Whether `close` may close the dispatcher: not when the caller passed its own. */
  private readonly ownsDispatcher: boolean;
  private readonly connectTimeoutMs: number;
  private readonly readTimeoutMs: number;
  readonly logger: Logger;

  constructor(options: TransportOptions = {}) {
    this.connectTimeoutMs = options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
    this.readTimeoutMs = options.readTimeoutMs ?? DEFAULT_READ_TIMEOUT_MS;
    this.ownsDispatcher = options.dispatcher === undefined;
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
    const signal = deadlineSignal(req.deadline);

    let response: Dispatcher.ResponseData;
    try {
      response = await request(req.url, {
        method: req.method,
        headers: req.headers,
        body: req.body,
        dispatcher: this.dispatcher,
        headersTimeout: this.connectTimeoutMs,
        bodyTimeout: this.readTimeoutMs,
        signal,
      });
    } catch (error) {
      throw networkError(error, req.method, target, signal);
    }

    const headers = flattenHeaders(response.headers);
    const ok = response.statusCode >= 200 && response.statusCode < 300;
    const limit = ok ? req.maxBytes : MAX_ERROR_BODY_BYTES;
    const read = { maxBytes: limit, failWhenLarger: ok, method: req.method, url: target, signal };
    checkDeclaredLength(response, headers, read);
    const body = await readCapped(response.body, read);
    return { status: response.statusCode, headers, body, url: req.url };
  }

  async close(): Promise<void> {
    if (this.ownsDispatcher) await this.dispatcher.close();
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

function flattenHeaders(
  raw: Record<string, string | string[] | undefined>,
): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(raw)) {
    if (value === undefined) continue;
    headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return headers;
}

/** Shortens untrusted text to one line of at most 300 characters, for messages. */
export function oneLine(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > MAX_QUOTED_CHARS ? `${flat.slice(0, MAX_QUOTED_CHARS)}…` : flat;
}

interface ReadLimits {
  maxBytes: number;
  /** False for error bodies, which are cut short silently because only their start is shown. */
  failWhenLarger: boolean;
  method: string;
  url: string;
  signal: AbortSignal | undefined;
}

function deadlineSignal(deadline: number | undefined): AbortSignal | undefined {
  if (deadline === undefined) return undefined;
  return AbortSignal.timeout(Math.max(deadline - Date.now(), 0));
}

/** Rejects a body whose Content-Length is over the cap before reading any of it. */
function checkDeclaredLength(
  response: Dispatcher.ResponseData,
  headers: Record<string, string>,
  limits: ReadLimits,
): void {
  const declared = Number(headers['content-length']);
  if (!limits.failWhenLarger || !Number.isFinite(declared) || declared <= limits.maxBytes) return;
  response.body.destroy();
  throw tooLarge(limits, `declares ${declared} bytes`);
}

async function readCapped(
  body: Dispatcher.ResponseData['body'],
  limits: ReadLimits,
): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of body) {
      const buffer = chunk as Buffer;
      size += buffer.length;
      if (size > limits.maxBytes) {
        body.destroy();
        if (!limits.failWhenLarger) break;
        throw tooLarge(limits, 'is longer');
      }
      chunks.push(buffer);
    }
  } catch (error) {
    if (error instanceof RegistryError) throw error;
    throw networkError(error, limits.method, limits.url, limits.signal);
  }
  return Buffer.concat(chunks).subarray(0, limits.maxBytes);
}

function tooLarge(limits: ReadLimits, detail: string): RegistryError {
  return new RegistryError(
    'TOO_LARGE',
    `${limits.method} ${limits.url}: the response body ${detail} than the ${limits.maxBytes}-byte limit; the registry sent something other than the expected document`,
    { method: limits.method, url: limits.url },
  );
}

function networkError(
  error: unknown,
  method: string,
  url: string,
  signal: AbortSignal | undefined,
): RegistryError {
  if (signal?.aborted) {
    return new RegistryError(
      'TIMEOUT',
      `${method} ${url} was stopped because the time limit for this image ran out; raise the timeout or retry later`,
      { method, url, retryable: false, cause: error },
    );
  }

  const code = (error as { code?: unknown }).code;
  const codeText = typeof code === 'string' ? code : '';
  const timedOut = codeText.includes('TIMEOUT') || codeText === 'ETIMEDOUT';
  const reason = oneLine((error as Error).message || codeText || 'unknown network error');
  const suffix = codeText && !reason.includes(codeText) ? ` (${codeText})` : '';
  return new RegistryError(
    timedOut ? 'TIMEOUT' : 'NETWORK',
    `${method} ${url} ${timedOut ? 'timed out' : 'failed'}: ${reason}${suffix}`,
    { method, url, retryable: RETRYABLE_NETWORK_CODES.has(codeText), cause: error },
  );
}
