/**
 * Loading of the Sigstore trust root (`trusted_root.json`): the Fulcio CAs, Rekor keys, CT logs and
 * timestamp authorities that keyless and transparency-log checks verify against.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { TrustedRoot } from '@sigstore/protobuf-specs';
import { DEFAULT_MIRROR_URL, getTrustedRoot } from '@sigstore/tuf';
import { toTrustMaterial } from '@sigstore/verify';
import { ConfigError, errorMessage } from '../errors.js';
import type { TrustedRootProvider } from './policy.js';

/** Media type prefix shared by all `trusted_root.json` versions (0.1 and later). */
const TRUSTED_ROOT_MEDIA_TYPE = 'application/vnd.dev.sigstore.trustedroot';

/** Folder under `cacheDir` that contains the TUF metadata and targets. */
const TUF_CACHE_FOLDER = 'sigstore-tuf';

export interface TrustedRootOptions {
  /** Local `trusted_root.json`; when set, nothing is fetched. */
  path?: string;
  /** Folder for the TUF cache; the caller passes RUNNER_TOOL_CACHE or a folder under os.tmpdir(). */
  cacheDir?: string;
  /** Whether the TUF repository may be contacted when `path` is not set. Defaults to true. */
  fetch?: boolean;
  /** TUF mirror URL; defaults to the Sigstore public-good mirror whose root.json is embedded. */
  mirrorUrl?: string;
  /** Initial TUF root.json, required for a mirror other than the public-good one. */
  tufRootPath?: string;
}

/**
 * Loads the trust root from `options.path`, or else from the Sigstore TUF repository.
 * Throws ConfigError with a one-line message naming the file or mirror, the reason and the fix.
 */
export async function loadTrustedRoot(options: TrustedRootOptions): Promise<TrustedRoot> {
  if (options.path !== undefined) {
    return loadTrustedRootFile(options.path);
  }

  const mirrorUrl = options.mirrorUrl ?? DEFAULT_MIRROR_URL;
  if (options.fetch === false) {
    throw new ConfigError(
      `no trust root: fetching it from ${mirrorUrl} is disabled; pass trusted-root with a trusted_root.json for offline runs`,
    );
  }

  return fetchTrustedRoot(mirrorUrl, options);
}

/** Returns a provider that loads the trust root on first use and then reuses it for the run. */
export function cachedTrustedRoot(options: TrustedRootOptions): TrustedRootProvider {
  let loading: Promise<TrustedRoot> | undefined;
  return () => {
    loading ??= loadTrustedRoot(options);
    return loading;
  };
}

async function loadTrustedRootFile(file: string): Promise<TrustedRoot> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new ConfigError(
      `cannot read trust root ${file}: ${errorMessage(error)}; check the trusted-root path`,
    );
  }

  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(
      `trust root ${file} is not valid JSON: ${errorMessage(error)}; pass a trusted_root.json file`,
    );
  }

  return parseTrustedRoot(json, file);
}

function parseTrustedRoot(json: unknown, source: string): TrustedRoot {
  let root: TrustedRoot;
  try {
    root = TrustedRoot.fromJSON(json);
  } catch (error) {
    throw new ConfigError(
      `trust root ${source} is invalid: ${errorMessage(error)}; pass a Sigstore trusted_root.json`,
    );
  }
  return checkTrustedRoot(root, source);
}

/** Checks the media type and builds the keys and certificates once, so a bad entry fails here. */
function checkTrustedRoot(root: TrustedRoot, source: string): TrustedRoot {
  if (!root.mediaType.startsWith(TRUSTED_ROOT_MEDIA_TYPE)) {
    throw new ConfigError(
      `trust root ${source} has media type ${JSON.stringify(root.mediaType)}, expected ${TRUSTED_ROOT_MEDIA_TYPE}+json; pass a Sigstore trusted_root.json`,
    );
  }

  try {
    toTrustMaterial(root);
  } catch (error) {
    throw new ConfigError(
      `trust root ${source} is invalid: ${errorMessage(error)}; pass a Sigstore trusted_root.json`,
    );
  }
  return root;
}

async function fetchTrustedRoot(
  mirrorUrl: string,
  options: TrustedRootOptions,
): Promise<TrustedRoot> {
  const cachePath =
    options.cacheDir === undefined ? undefined : path.join(options.cacheDir, TUF_CACHE_FOLDER);

  let root: TrustedRoot;
  try {
    root = await getTrustedRoot({
      mirrorURL: mirrorUrl,
      ...(cachePath === undefined ? {} : { cachePath }),
      ...(options.tufRootPath === undefined ? {} : { rootPath: options.tufRootPath }),
    });
  } catch (error) {
    throw new ConfigError(
      `cannot fetch the trust root from TUF mirror ${mirrorUrl}: ${oneLine(error)}; pass trusted-root for offline runs`,
    );
  }

  return checkTrustedRoot(root, `from ${mirrorUrl}`);
}

/** Message of a TUF error with its cause, on one line (tuf-js wraps fetch errors). */
function oneLine(error: unknown): string {
  let message = errorMessage(error);
  const cause = error instanceof Error ? error.cause : undefined;
  if (cause !== undefined) {
    message += ` (${errorMessage(cause)})`;
  }
  return message.replace(/\s+/g, ' ');
}
