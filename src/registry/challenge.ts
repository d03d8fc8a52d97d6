/** One challenge of a `WWW-Authenticate` header. Scheme and parameter names are lowercase. */
export interface Challenge {
  scheme: string;
  params: Record<string, string>;
}

const TOKEN_CHAR = /[!#$%&'*+\-.^_`|~0-9A-Za-z]/;

/**
 * Parses a `WWW-Authenticate` header value into its challenges (RFC 7235 section 4.1):
 * case-insensitive schemes and parameter names, quoted values with escapes and commas.
 * Returns an empty list for a value it cannot read.
 */
export function parseWwwAuthenticate(header: string): Challenge[] {
  const challenges: Challenge[] = [];
  const scanner = new Scanner(header);

  while (!scanner.done()) {
    scanner.skip(/[\s,]/);
    const scheme = scanner.token();
    if (scheme === '') break;
    // A null prototype keeps a parameter named "__proto__" or "constructor" an ordinary key.
    const params = Object.create(null) as Record<string, string>;
    const challenge: Challenge = { scheme: scheme.toLowerCase(), params };
    challenges.push(challenge);

    // Parameters follow until the next scheme, which is a token not followed by "=".
    for (;;) {
      scanner.skip(/[\s,]/);
      const mark = scanner.position;
      const name = scanner.token();
      if (name === '') break;
      scanner.skip(/\s/);
      if (!scanner.consume('=')) {
        scanner.position = mark;
        break;
      }
      scanner.skip(/\s/);
      // Unquoted values are read up to the next separator, not only token characters, so that
      // an unquoted realm URL (invalid, but sent by some servers) stays whole.
      const value = scanner.peek() === '"' ? scanner.quoted() : scanner.until(/[\s,]/);
      challenge.params[name.toLowerCase()] = value;
    }
  }
  return challenges;
}

class Scanner {
  position = 0;

  constructor(private readonly text: string) {}

  done(): boolean {
    return this.position >= this.text.length;
  }

  peek(): string {
    return this.text.charAt(this.position);
  }

  skip(pattern: RegExp): void {
    while (!this.done() && pattern.test(this.peek())) this.position++;
  }

  consume(char: string): boolean {
    if (this.peek() !== char) return false;
    this.position++;
    return true;
  }

  token(): string {
    const start = this.position;
    this.skip(TOKEN_CHAR);
    return this.text.slice(start, this.position);
  }

  until(stop: RegExp): string {
    const start = this.position;
    while (!this.done() && !stop.test(this.peek())) this.position++;
    return this.text.slice(start, this.position);
  }

  quoted(): string {
    this.position++; // opening quote
    let value = '';
    while (!this.done()) {
      const char = this.peek();
      this.position++;
      if (char === '"') return value;
      if (char === '\\' && !this.done()) {
        value += this.peek();
        this.position++;
      } else {
        value += char;
      }
    }
    return value;
  }
}
