import { AsyncLocalStorage } from 'node:async_hooks';
import { tmpdir } from 'node:os';
import type { Dispatcher } from 'undici';
import { checkAll, type BufferedLogger, type LogGroup } from './batch.js';
import type { ImageResult, SignatureFormat } from './check.js';
import { loadPublicKey } from './cosign/keys.js';
import type { HashAlgorithm, IdentityPolicy, VerificationPolicy } from './cosign/policy.js';
import { validateIdentityPolicy } from './cosign/identity.js';
import { cachedTrustedRoot } from './cosign/trust.js';
import { ConfigError } from './errors.js';
import { parseReference } from './reference.js';
import { RegistryClient, type RepositoryRef } from './registry/client.js';
import { resolveCredentials } from './registry/credentials.js';
import { silentLogger, type Logger } from './registry/transport.js';

/** Everything a run needs, as plain values: the action and the CLI both fill this in. */
export interface Settings {
  images: string[];
  /** PEM text or a path to a PEM file. */
  publicKey?: string;
  signatureDigestAlgorithm: HashAlgorithm;
  signatureRepository?: string;
  signatureFormat: SignatureFormat;
  registryUsername?: string;
  registryPassword?: string;
  /**
   * Registry host that registryUsername and registryPassword are for. Defaults to the one
   * registry of the images and signature repository; required when they span several.
   */
  registry?: string;
  githubToken?: string;
  dockerConfigDir?: string;
  insecureRegistries: string[];
  /** Path to a trusted_root.json; the Sigstore public-good root through TUF when absent. */
  trustedRoot?: string;
  identity: IdentityPolicy;
  ignoreSct: boolean;
  ignoreTlog: boolean;
  /** Time allowed per image, in seconds. */
  timeoutSeconds: number;
}

/** Side channels of a run, supplied by the action or the CLI. */
export interface RunHooks {
  logger?: Logger;
  /** Receives each secret before it can appear anywhere, so it can be masked. */
  onSecret?: (secret: string) => void;
  /** Wraps the work for one image, e.g. in a log group. */
  group?: LogGroup;
  dispatcher?: Dispatcher;
  /** Folder for the TUF cache; RUNNER_TOOL_CACHE or the OS temp folder when absent. */
  cacheDir?: string;
}

const HASH_ALGORITHMS: HashAlgorithm[] = ['sha256', 'sha384', 'sha512'];
const FORMATS: SignatureFormat[] = ['auto', 'legacy', 'bundle'];

/**
 * Checks every image and returns one result per image, in input order. Throws ConfigError
 * before any request when the settings are invalid.
 */
export async function run(settings: Settings, hooks: RunHooks = {}): Promise<ImageResult[]> {
  const logger = hooks.logger ?? silentLogger;
  const onSecret = hooks.onSecret ?? (() => {});

  const policy = buildPolicy(settings, hooks.cacheDir);
  // Keyless checks always need the trust root, and a given trusted-root file is a setting to
  // check up front: either failure ends the run with one message before any registry request.
  if (policy.kind === 'keyless' || (policy.kind === 'key' && settings.trustedRoot)) {
    await policy.trustedRoot();
  }
  const signatureRepository = parseSignatureRepository(settings.signatureRepository);
  if (settings.images.length === 0) {
    throw new ConfigError('no images were given: set images to one or more image references');
  }
  const usernameRegistry = credentialRegistry(settings, signatureRepository);

  // Registry requests log into the buffer of the image they serve, found through the async context.
  const imageLogs = new AsyncLocalStorage<BufferedLogger>();
  const routedLogger: Logger = {
    info: (message) => (imageLogs.getStore() ?? logger).info(message),
    debug: (message) => (imageLogs.getStore() ?? logger).debug(message),
    warning: (message) => (imageLogs.getStore() ?? logger).warning(message),
  };
  const client = new RegistryClient({
    dispatcher: hooks.dispatcher,
    logger: routedLogger,
    onSecret,
    insecureRegistries: settings.insecureRegistries,
    credentials: (registry) =>
      resolveCredentials(registry, {
        username: settings.registryUsername,
        password: settings.registryPassword,
        usernameRegistry,
        githubToken: settings.githubToken,
        dockerConfigDir: settings.dockerConfigDir,
        onSecret,
      }),
  });

  try {
    const shared = { client, policy, signatureRepository, logger, imageLogs };
    return await checkAll(settings, shared, hooks.group);
  } finally {
    await client.close();
  }
}

/** Builds the verification policy from the key and identity settings. */
export function buildPolicy(settings: Settings, cacheDir?: string): VerificationPolicy {
  if (!HASH_ALGORITHMS.includes(settings.signatureDigestAlgorithm)) {
    throw new ConfigError(
      `signature-digest-algorithm "${String(settings.signatureDigestAlgorithm)}" is not supported: use sha256, sha384 or sha512`,
    );
  }
  if (!FORMATS.includes(settings.signatureFormat)) {
    throw new ConfigError(
      `signature-format "${String(settings.signatureFormat)}" is not supported: use auto, legacy or bundle`,
    );
  }

  const trustedRoot = cachedTrustedRoot({
    path: settings.trustedRoot,
    cacheDir: cacheDir ?? process.env.RUNNER_TOOL_CACHE ?? tmpdir(),
  });
  const hasIdentity = Object.values(settings.identity).some(
    (value) => value !== undefined && value !== '',
  );

  if (settings.publicKey) {
    if (hasIdentity) {
      throw new ConfigError(
        'public-key and certificate identity inputs were both given: use public-key for key-signed images, or the certificate-* inputs for keyless ones',
      );
    }
    const key = loadPublicKey(settings.publicKey);
    return {
      kind: 'key',
      key,
      hashAlgorithm: settings.signatureDigestAlgorithm,
      trustedRoot,
      ignoreTlog: settings.ignoreTlog,
    };
  }

  if (hasIdentity) {
    validateIdentityPolicy(settings.identity);
    return {
      kind: 'keyless',
      identity: settings.identity,
      trustedRoot,
      ignoreSct: settings.ignoreSct,
      ignoreTlog: settings.ignoreTlog,
    };
  }
  return { kind: 'presence' };
}

function parseSignatureRepository(value: string | undefined): RepositoryRef | undefined {
  if (!value) return undefined;
  const reference = parseReference(value);
  const lastComponent = value.split('/').at(-1) ?? '';
  if (reference.digest !== undefined || lastComponent.includes(':')) {
    throw new ConfigError(
      `signature-repository "${value}" must name a repository without a tag or digest, such as ghcr.io/org/signatures`,
    );
  }
  return {
    registry: reference.registry,
    apiHost: reference.apiHost,
    repository: reference.repository,
  };
}

/**
 * Returns the registry that registry-username and registry-password may be sent to. Images can
 * come from untrusted input, such as a pull request, so the credentials never go to a registry
 * that the settings do not name or imply.
 */
function credentialRegistry(
  settings: Settings,
  signatureRepository: RepositoryRef | undefined,
): string | undefined {
  if (Boolean(settings.registryUsername) !== Boolean(settings.registryPassword)) {
    const missing = settings.registryUsername ? 'registry-password' : 'registry-username';
    throw new ConfigError(
      `${missing} is empty while the other credential input is set: set both, or neither to read the docker config`,
    );
  }
  if (!settings.registryUsername) return undefined;
  if (settings.registry) return normalizeRegistry(settings.registry);

  const registries = new Set<string>();
  for (const image of settings.images) {
    try {
      registries.add(parseReference(image).registry);
    } catch {
      // An invalid reference gets its own error result; it names no registry to send to.
    }
  }
  if (signatureRepository) registries.add(signatureRepository.registry);
  if (registries.size > 1) {
    throw new ConfigError(
      `registry-username is set but the images are on several registries (${[...registries].join(', ')}): set registry to the one host the credentials are for`,
    );
  }
  return [...registries][0];
}

/** Reduces a registry input such as `https://index.docker.io/v1/` to the host references use. */
function normalizeRegistry(value: string): string {
  const host = value
    .trim()
    .replace(/^https?:\/\//, '')
    .replace(/\/.*$/, '');
  return host === 'index.docker.io' || host === 'registry-1.docker.io' ? 'docker.io' : host;
}

/** Splits the images input: one reference per line or comma-separated, blank entries ignored. */
export function parseImageList(text: string): string[] {
  return text
    .split(/[\n,]/)
    .map((item) => item.trim())
    .filter((item) => item !== '');
}
