/**
 * Strict JSON reading for documents whose digest is checked. `JSON.parse` keeps the last of two
 * equal keys while other parsers keep the first, so a registry and a verifier could read different
 * values from the same signed bytes. This module rejects such documents instead.
 */

/** Deepest nesting of arrays and objects accepted. Manifests nest three or four levels. */
export const MAX_JSON_DEPTH = 64;

/** A document that is not strict JSON (RFC 8259 with unique object keys). */
export class JsonFormatError extends Error {
  override name = 'JsonFormatError';

  constructor(
    reason: string,
    readonly offset: number,
  ) {
    super(`${reason} at offset ${offset}`);
  }
}

/**
 * Parses JSON text after checking its grammar and that no object repeats a key (compared after
 * unescaping, so `"a"` and `"\u0061"` are the same key). Throws JsonFormatError.
 */
export function parseStrictJson(text: string): unknown {
  const checker = new StrictJsonChecker(text);
  checker.checkDocument();
  return JSON.parse(text) as unknown;
}

/** Decodes UTF-8 bytes, rejecting invalid sequences rather than replacing them. */
export function decodeUtf8Strict(bytes: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    throw new JsonFormatError('the body is not valid UTF-8', 0);
  }
}

const WHITESPACE = new Set([' ', '\t', '\n', '\r']);
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const SIMPLE_ESCAPES = new Set(['"', '\\', '/', 'b', 'f', 'n', 'r', 't']);
const HEX4 = /^[0-9a-fA-F]{4}$/;

class StrictJsonChecker {
  private position = 0;

  constructor(private readonly text: string) {}

  checkDocument(): void {
    this.value(0);
    this.skipWhitespace();
    if (this.position < this.text.length) this.fail('unexpected text after the JSON value');
  }

  private value(depth: number): void {
    this.skipWhitespace();
    const char = this.text.charAt(this.position);
    if (char === '{') return this.object(depth + 1);
    if (char === '[') return this.array(depth + 1);
    if (char === '"') {
      this.string();
      return;
    }
    for (const literal of ['true', 'false', 'null']) {
      if (this.text.startsWith(literal, this.position)) {
        this.position += literal.length;
        return;
      }
    }
    this.number();
  }

  private object(depth: number): void {
    if (depth > MAX_JSON_DEPTH) this.fail(`nesting deeper than ${MAX_JSON_DEPTH} levels`);
    this.position++;
    const keys = new Set<string>();
    this.skipWhitespace();
    if (this.consume('}')) return;

    for (;;) {
      this.skipWhitespace();
      const keyStart = this.position;
      if (this.text.charAt(this.position) !== '"') this.fail('expected a string key');
      const key = this.string();
      if (keys.has(key)) this.fail(`duplicate key ${JSON.stringify(key).slice(0, 80)}`, keyStart);
      keys.add(key);

      this.skipWhitespace();
      if (!this.consume(':')) this.fail('expected ":"');
      this.value(depth);
      this.skipWhitespace();
      if (this.consume('}')) return;
      if (!this.consume(',')) this.fail('expected "," or "}"');
    }
  }

  private array(depth: number): void {
    if (depth > MAX_JSON_DEPTH) this.fail(`nesting deeper than ${MAX_JSON_DEPTH} levels`);
    this.position++;
    this.skipWhitespace();
    if (this.consume(']')) return;

    for (;;) {
      this.value(depth);
      this.skipWhitespace();
      if (this.consume(']')) return;
      if (!this.consume(',')) this.fail('expected "," or "]"');
    }
  }

  /** Checks a string literal and returns its unescaped value. */
  private string(): string {
    const start = this.position;
    this.position++;
    for (;;) {
      const char = this.text.charAt(this.position);
      if (char === '"') break;
      if (char === '' || char < ' ') this.fail('invalid or unterminated string');
      this.position += char === '\\' ? this.escapeLength() : 1;
    }
    this.position++;
    return JSON.parse(this.text.slice(start, this.position)) as string;
  }

  private escapeLength(): number {
    const next = this.text.charAt(this.position + 1);
    if (SIMPLE_ESCAPES.has(next)) return 2;
    if (next === 'u' && HEX4.test(this.text.slice(this.position + 2, this.position + 6))) return 6;
    return this.fail('invalid escape in string');
  }

  private number(): void {
    NUMBER.lastIndex = this.position;
    const match = NUMBER.exec(this.text);
    if (!match || match[0] === '') this.fail('expected a JSON value');
    this.position = NUMBER.lastIndex;
  }

  private skipWhitespace(): void {
    while (WHITESPACE.has(this.text.charAt(this.position))) this.position++;
  }

  private consume(char: string): boolean {
    if (this.text.charAt(this.position) !== char) return false;
    this.position++;
    return true;
  }

  private fail(reason: string, offset = this.position): never {
    throw new JsonFormatError(reason, offset);
  }
}
