import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidReferenceError } from '../../src/errors.js';
import { parseReference } from '../../src/reference.js';
import { parseWwwAuthenticate } from '../../src/registry/challenge.js';
import { JsonFormatError, MAX_JSON_DEPTH, parseStrictJson } from '../../src/registry/json.js';
import { ManifestFormatError, parseManifest } from '../../src/registry/manifest.js';

/** Property runs per parser; fixed so that the count can be reported. */
const FUZZ_RUNS = 2000;
const SEED = 20240601;

const DIGEST = `sha256:${'ab'.repeat(32)}`;
const OCI = 'application/vnd.oci.image.manifest.v1+json';

/** Runs `parse` and returns the error it threw, or undefined. Any throw is caught for checks. */
function thrownBy(parse: () => unknown): unknown {
  try {
    parse();
    return undefined;
  } catch (error) {
    return error;
  }
}

describe('parseWwwAuthenticate', () => {
  it.each([
    [
      'Bearer realm="https://auth.example/token",service="registry.example",scope="repository:a/b:pull"',
      [
        {
          scheme: 'bearer',
          params: {
            realm: 'https://auth.example/token',
            service: 'registry.example',
            scope: 'repository:a/b:pull',
          },
        },
      ],
    ],
    ['BEARER Realm="r"', [{ scheme: 'bearer', params: { realm: 'r' } }]],
    ['basic realm="Registry Realm"', [{ scheme: 'basic', params: { realm: 'Registry Realm' } }]],
    [
      'Bearer realm="a,b",scope="repository:x:pull,push"',
      [{ scheme: 'bearer', params: { realm: 'a,b', scope: 'repository:x:pull,push' } }],
    ],
    [
      'Bearer realm="say \\"hi\\" \\\\ ok"',
      [{ scheme: 'bearer', params: { realm: 'say "hi" \\ ok' } }],
    ],
    [
      'Basic realm="b", Bearer realm="t",service="s"',
      [
        { scheme: 'basic', params: { realm: 'b' } },
        { scheme: 'bearer', params: { realm: 't', service: 's' } },
      ],
    ],
    [
      'Bearer realm=https://auth.example/token,service=reg',
      [{ scheme: 'bearer', params: { realm: 'https://auth.example/token', service: 'reg' } }],
    ],
    [
      'Bearer realm = "spaced" , service = "s"',
      [{ scheme: 'bearer', params: { realm: 'spaced', service: 's' } }],
    ],
    ['Bearer realm="unterminated', [{ scheme: 'bearer', params: { realm: 'unterminated' } }]],
    ['', []],
    ['"garbage"', []],
    ['=,=,', []],
  ])('parses %j', (header, expected) => {
    const parsed = parseWwwAuthenticate(header).map((challenge) => ({
      scheme: challenge.scheme,
      params: { ...challenge.params },
    }));
    expect(parsed).toEqual(expected);
  });

  describe('when a parameter is named __proto__', () => {
    it('returns it as an ordinary parameter', () => {
      const [challenge] = parseWwwAuthenticate('Bearer __proto__="x",realm="r"');
      expect(Object.keys(challenge?.params ?? {})).toEqual(['__proto__', 'realm']);
      expect(challenge?.params.realm).toBe('r');
    });
  });

  it(`returns a list for any input (${FUZZ_RUNS} runs)`, () => {
    const headerPart = fc.oneof(
      fc.string(),
      fc.constantFrom('Bearer ', 'Basic ', 'realm=', '"', '\\', ',', '=', ' '),
    );
    fc.assert(
      fc.property(
        fc.array(headerPart, { maxLength: 20 }).map((parts) => parts.join('')),
        (header) => {
          const challenges = parseWwwAuthenticate(header);
          expect(Array.isArray(challenges)).toBe(true);
          for (const challenge of challenges)
            expect(challenge.scheme).toBe(challenge.scheme.toLowerCase());
        },
      ),
      { numRuns: FUZZ_RUNS, seed: SEED },
    );
  });

  it('returns quickly for a 1 MB header', () => {
    const started = Date.now();
    parseWwwAuthenticate('Bearer ' + 'a=b,'.repeat(250_000));
    parseWwwAuthenticate('"'.repeat(1_000_000));
    expect(Date.now() - started).toBeLessThan(2000);
  });
});

describe('parseStrictJson', () => {
  it.each([
    ['{"a":1,"a":2}', 'duplicate key "a"'],
    ['{"a":1,"\\u0061":2}', 'duplicate key "a"'],
    ['{"x":{"b":1,"b":1}}', 'duplicate key "b"'],
    ['{"a":1', 'expected "," or "}"'],
    ['[1,]', 'expected a JSON value'],
    ['{"a":"\\x"}', 'invalid escape'],
    ['{"a":"tab\there"}', 'invalid or unterminated string'],
    ['\ufeff{}', 'expected a JSON value'],
    ['{} {}', 'unexpected text after the JSON value'],
    ['01', 'unexpected text after the JSON value'],
    ['['.repeat(MAX_JSON_DEPTH + 1), `nesting deeper than ${MAX_JSON_DEPTH} levels`],
  ])('rejects %j', (text, reason) => {
    const error = thrownBy(() => parseStrictJson(text));
    expect(error).toBeInstanceOf(JsonFormatError);
    expect((error as Error).message).toContain(reason);
  });

  it('accepts keys that are equal only before unescaping when they differ after', () => {
    expect(parseStrictJson('{"a":1,"A":2,"a\\n":3}')).toEqual({ a: 1, A: 2, 'a\n': 3 });
  });

  it(`returns what JSON.parse returns for valid JSON (${FUZZ_RUNS} runs)`, () => {
    fc.assert(
      fc.property(fc.json({ maxDepth: 6 }), (text) => {
        const error = thrownBy(() => parseStrictJson(text));
        // fc.json never repeats a key within one object, so every document is accepted.
        expect(error).toBeUndefined();
        expect(parseStrictJson(text)).toEqual(JSON.parse(text));
      }),
      { numRuns: FUZZ_RUNS, seed: SEED },
    );
  });

  it(`throws only JsonFormatError for any text (${FUZZ_RUNS} runs)`, () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.json().map((text) => text.slice(0, -1) + ',"k":1,"k":2}'),
        ),
        (text) => {
          const error = thrownBy(() => parseStrictJson(text));
          if (error !== undefined) expect(error).toBeInstanceOf(JsonFormatError);
          const nativeAccepts = thrownBy(() => JSON.parse(text)) === undefined;
          // Whatever the strict check accepts, JSON.parse accepts too.
          if (error === undefined) expect(nativeAccepts).toBe(true);
        },
      ),
      { numRuns: FUZZ_RUNS, seed: SEED },
    );
  });
});

describe('parseManifest', () => {
  const layer = {
    mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip',
    digest: DIGEST,
    size: 3,
  };

  describe('when the manifest has duplicate keys', () => {
    it('throws ManifestFormatError naming the key', () => {
      const text = `{"schemaVersion":2,"mediaType":"${OCI}","layers":[],"layers":[${JSON.stringify(layer)}]}`;
      const error = thrownBy(() => parseManifest(Buffer.from(text)));
      expect(error).toBeInstanceOf(ManifestFormatError);
      expect((error as Error).message).toContain('duplicate key "layers"');
    });
  });

  describe('when the mediaType comes only from Content-Type', () => {
    it('returns that media type', () => {
      const manifest = parseManifest(
        Buffer.from(JSON.stringify({ schemaVersion: 2, layers: [layer] })),
        `${OCI}; charset=utf-8`,
      );
      expect(manifest.mediaType).toBe(OCI);
    });
  });

  describe('when the manifest has 5,000 layers', () => {
    it('returns all of them', () => {
      const text = JSON.stringify({
        schemaVersion: 2,
        mediaType: OCI,
        layers: Array.from({ length: 5000 }, () => layer),
      });
      expect(parseManifest(Buffer.from(text)).layers).toHaveLength(5000);
    });
  });

  describe('when an annotation value is not a string', () => {
    it('throws a one-line message for a key with a new line', () => {
      const text = JSON.stringify({
        schemaVersion: 2,
        mediaType: OCI,
        layers: [],
        annotations: { 'a\nb': 1 },
      });
      const error = thrownBy(() => parseManifest(Buffer.from(text)));
      expect(error).toBeInstanceOf(ManifestFormatError);
      expect((error as Error).message).not.toContain('\n');
    });
  });

  const descriptorArbitrary = fc.record(
    {
      mediaType: fc.oneof(fc.string(), fc.constant(layer.mediaType), fc.integer()),
      digest: fc.oneof(fc.constant(DIGEST), fc.string(), fc.constant(`sha512:${'0'.repeat(128)}`)),
      size: fc.oneof(fc.nat(), fc.integer(), fc.double(), fc.string()),
      annotations: fc.oneof(
        fc.dictionary(fc.string(), fc.string()),
        fc.dictionary(fc.string(), fc.jsonValue()),
      ),
    },
    { requiredKeys: [] },
  );
  const manifestArbitrary = fc.record(
    {
      schemaVersion: fc.oneof(fc.constant(2), fc.jsonValue()),
      mediaType: fc.oneof(
        fc.constant(OCI),
        fc.constant('application/vnd.oci.image.index.v1+json'),
        fc.jsonValue(),
      ),
      config: fc.oneof(descriptorArbitrary, fc.jsonValue()),
      layers: fc.oneof(fc.array(descriptorArbitrary, { maxLength: 5 }), fc.jsonValue()),
      manifests: fc.oneof(fc.array(descriptorArbitrary, { maxLength: 5 }), fc.jsonValue()),
      subject: descriptorArbitrary,
      annotations: fc.jsonValue(),
    },
    { requiredKeys: [] },
  );

  it(`returns a manifest or throws ManifestFormatError for any document (${FUZZ_RUNS} runs)`, () => {
    const input = fc.oneof(
      manifestArbitrary.map((document) => JSON.stringify(document)),
      fc.string(),
      fc.jsonValue().map((value) => JSON.stringify(value) ?? 'null'),
    );
    fc.assert(
      fc.property(
        input,
        fc.option(fc.constantFrom(OCI, 'text/html', 'application/json', '')),
        (text, contentType) => {
          const error = thrownBy(() => parseManifest(Buffer.from(text), contentType ?? undefined));
          if (error !== undefined) {
            expect(error).toBeInstanceOf(ManifestFormatError);
            expect((error as Error).message).not.toContain('\n');
          }
        },
      ),
      { numRuns: FUZZ_RUNS, seed: SEED },
    );
  });

  it(`throws only ManifestFormatError for random bytes (${FUZZ_RUNS} runs)`, () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        const error = thrownBy(() => parseManifest(Buffer.from(bytes)));
        expect(error).toBeInstanceOf(ManifestFormatError);
      }),
      { numRuns: FUZZ_RUNS, seed: SEED },
    );
  });
});

describe('parseReference', () => {
  const component = fc.stringMatching(/^[a-z0-9]{1,8}([._-][a-z0-9]{1,8})?$/);
  const reference = fc.oneof(
    fc.string(),
    fc
      .tuple(
        fc.option(
          fc.constantFrom(
            'ghcr.io/',
            'localhost:5000/',
            '127.0.0.1:5000/',
            '[::1]:5000/',
            'docker.io/',
            'Reg.example/',
          ),
        ),
        fc.array(component, { minLength: 1, maxLength: 4 }),
        fc.option(fc.stringMatching(/^:[\w][\w.-]{0,20}$/)),
        fc.option(
          fc.constantFrom(`@${DIGEST}`, '@sha256:abc', `@sha512:${'1'.repeat(128)}`, '@md5:00'),
        ),
      )
      .map(
        ([host, parts, tag, digest]) =>
          `${host ?? ''}${parts.join('/')}${tag ?? ''}${digest ?? ''}`,
      ),
  );

  it(`returns a reference or throws InvalidReferenceError (${FUZZ_RUNS} runs)`, () => {
    fc.assert(
      fc.property(reference, (input) => {
        const error = thrownBy(() => parseReference(input));
        if (error !== undefined) {
          expect(error).toBeInstanceOf(InvalidReferenceError);
          return;
        }
        const parsed = parseReference(input);
        expect(parsed.repository).not.toBe('');
        expect(parsed.tag !== undefined || parsed.digest !== undefined).toBe(true);
      }),
      { numRuns: FUZZ_RUNS, seed: SEED },
    );
  });

  it('records the number of fuzz runs', () => {
    console.info(
      `fuzz runs per property: ${FUZZ_RUNS}; properties: 6; total runs: ${FUZZ_RUNS * 6}`,
    );
    expect(FUZZ_RUNS).toBe(2000);
  });
});
