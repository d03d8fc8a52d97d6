import { mkdtemp, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import { cachedTrustedRoot, loadTrustedRoot } from '../../src/cosign/trust.js';
import { realFixturesSkipReason } from '../helpers/fixtures.js';

const TRUST = '../shared/fixtures/real/trust';

async function tempFile(name: string, content: string): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'trust-test-'));
  const file = path.join(dir, name);
  await writeFile(file, content);
  return file;
}

/** Returns a 127.0.0.1 port that nothing listens on: bound once, then released. */
async function unusedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

describe('loadTrustedRoot', () => {
  describe.skipIf(realFixturesSkipReason)('when given the public-good trusted_root.json', () => {
    it('returns its CAs, logs and timestamp authority', async () => {
      const root = await loadTrustedRoot({
        path: `${TRUST}/sigstore-public-good.trusted_root.json`,
      });

      expect(root.mediaType).toBe('application/vnd.dev.sigstore.trustedroot+json;version=0.1');
      expect(root.certificateAuthorities.length).toBeGreaterThanOrEqual(2);
      expect(root.tlogs.length).toBeGreaterThanOrEqual(1);
      expect(root.ctlogs.length).toBeGreaterThanOrEqual(2);
      expect(root.timestampAuthorities.length).toBeGreaterThanOrEqual(1);
    });

    it('returns the Rekor log ID of rekor.sigstore.dev', async () => {
      const root = await loadTrustedRoot({
        path: `${TRUST}/sigstore-public-good.trusted_root.json`,
      });
      const logIds = root.tlogs.map((tlog) => Buffer.from(tlog.logId?.keyId ?? []).toString('hex'));

      expect(logIds).toContain('c0d23d6ad406973f9559f3ba2d1ca01f84147d8ffc5b8445c224f98b9591801d');
    });
  });

  describe('when the file is missing', () => {
    it('throws a ConfigError naming the path', async () => {
      const missing = path.join(tmpdir(), 'no-such-dir', 'trusted_root.json');
      const result = loadTrustedRoot({ path: missing });

      await expect(result).rejects.toBeInstanceOf(ConfigError);
      await expect(result).rejects.toThrow(`cannot read trust root ${missing}`);
    });
  });

  describe('when the file is not JSON', () => {
    it('throws a ConfigError saying so', async () => {
      const file = await tempFile('trusted_root.json', 'not json');

      await expect(loadTrustedRoot({ path: file })).rejects.toThrow(/is not valid JSON/);
    });
  });

  describe('when the JSON has another media type', () => {
    it('throws a ConfigError naming the media type', async () => {
      const file = await tempFile(
        'root.json',
        JSON.stringify({ mediaType: 'application/json', tlogs: [] }),
      );
      const result = loadTrustedRoot({ path: file });

      await expect(result).rejects.toBeInstanceOf(ConfigError);
      await expect(result).rejects.toThrow('has media type "application/json"');
    });
  });

  describe('when a key in the trust root is invalid', () => {
    it('throws a ConfigError saying the trust root is invalid', async () => {
      const root = {
        mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.1',
        tlogs: [
          {
            baseUrl: 'https://rekor.test.invalid',
            hashAlgorithm: 'SHA2_256',
            publicKey: {
              rawBytes: Buffer.from('not a key').toString('base64'),
              keyDetails: 'PKIX_ECDSA_P256_SHA_256',
            },
            logId: { keyId: Buffer.alloc(32).toString('base64') },
          },
        ],
        certificateAuthorities: [],
        ctlogs: [],
        timestampAuthorities: [],
      };
      const file = await tempFile('root.json', JSON.stringify(root));

      await expect(loadTrustedRoot({ path: file })).rejects.toThrow(/^trust root .* is invalid/);
    });
  });

  describe('when fetching is disabled and no path is given', () => {
    it('throws a ConfigError that points to trusted-root', async () => {
      const result = loadTrustedRoot({ fetch: false });

      await expect(result).rejects.toBeInstanceOf(ConfigError);
      await expect(result).rejects.toThrow(
        'pass trusted-root with a trusted_root.json for offline runs',
      );
    });
  });

  describe('when the TUF mirror has no embedded root', () => {
    it('throws a ConfigError naming the mirror', async () => {
      const cacheDir = await mkdtemp(path.join(tmpdir(), 'tuf-cache-'));
      const mirrorUrl = `http://127.0.0.1:${await unusedPort()}`;
      const result = loadTrustedRoot({ cacheDir, mirrorUrl });

      await expect(result).rejects.toBeInstanceOf(ConfigError);
      await expect(result).rejects.toThrow(
        `cannot fetch the trust root from TUF mirror ${mirrorUrl}`,
      );
    });
  });

  describe('when the TUF mirror refuses connections', () => {
    it('throws a one-line ConfigError naming the mirror and the fix', async () => {
      // The public-good TUF root embedded in @sigstore/tuf, so the client gets as far as a request.
      const seeds = createRequire(import.meta.url)('@sigstore/tuf/seeds.json') as Record<
        string,
        { 'root.json': string }
      >;
      const seed = seeds['https://tuf-repo-cdn.sigstore.dev']?.['root.json'] ?? '';
      const tufRootPath = await tempFile('root.json', Buffer.from(seed, 'base64').toString('utf8'));
      const cacheDir = await mkdtemp(path.join(tmpdir(), 'tuf-cache-'));
      const mirrorUrl = `http://127.0.0.1:${await unusedPort()}`;

      const error = await loadTrustedRoot({ cacheDir, mirrorUrl, tufRootPath }).catch(
        (e: unknown) => e,
      );

      expect(error).toBeInstanceOf(ConfigError);
      expect((error as Error).message).toContain(`TUF mirror ${mirrorUrl}`);
      expect((error as Error).message).toContain('pass trusted-root for offline runs');
      expect((error as Error).message).not.toContain('\n');
    });
  });
});

describe('cachedTrustedRoot', () => {
  describe.skipIf(realFixturesSkipReason)('when called twice', () => {
    it('returns the same trust root object', async () => {
      const provider = cachedTrustedRoot({
        path: `${TRUST}/cosign-testdata.trusted_root_pgi.json`,
      });

      const first = await provider();
      const second = await provider();

      expect(second).toBe(first);
    });
  });
});
