import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '../errors.js';
import { DOCKER_HUB, DOCKER_HUB_API_HOST } from '../reference.js';

/** Credentials for one registry: a user and password, or an OAuth2 refresh token. */
export type Credentials =
  { kind: 'basic'; username: string; password: string } | { kind: 'identity-token'; token: string };

/** Credential sources, in lookup order: explicit inputs, docker config, GitHub token. */
export interface CredentialOptions {
  username?: string;
  password?: string;
  /** The only registry that `username` and `password` are sent to. */
  usernameRegistry?: string;
  /** Used for ghcr.io when nothing else matches. */
  githubToken?: string;
  /** Folder holding config.json; defaults to $DOCKER_CONFIG, then ~/.docker. */
  dockerConfigDir?: string;
  /** Called with every secret as soon as it is read, so the caller can mask it. */
  onSecret?: (secret: string) => void;
}

interface DockerConfig {
  auths?: Record<
    string,
    { auth?: string; username?: string; password?: string; identitytoken?: string }
  >;
  credHelpers?: Record<string, string>;
  credsStore?: string;
}

const HELPER_TIMEOUT_MS = 30_000;
const DOCKER_HUB_LEGACY_KEY = 'https://index.docker.io/v1/';

/** Finds credentials for `registry` (as written in the reference), or undefined for anonymous. */
export async function resolveCredentials(
  registry: string,
  options: CredentialOptions,
): Promise<Credentials | undefined> {
  const mask = options.onSecret ?? (() => {});

  if (options.username && options.password && registry === options.usernameRegistry) {
    mask(options.password);
    mask(Buffer.from(`${options.username}:${options.password}`).toString('base64'));
    return { kind: 'basic', username: options.username, password: options.password };
  }

  const config = await readDockerConfig(options.dockerConfigDir);
  if (config) {
    const found = (await fromHelpers(config, registry, mask)) ?? fromAuths(config, registry, mask);
    if (found) return found;
  }

  if (registry === 'ghcr.io' && options.githubToken) {
    mask(options.githubToken);
    mask(Buffer.from(`github-actions:${options.githubToken}`).toString('base64'));
    return { kind: 'basic', username: 'github-actions', password: options.githubToken };
  }
  return undefined;
}

/** Keys under which docker config files store a registry's entry. */
export function configKeys(registry: string): string[] {
  const keys = [registry, `https://${registry}`, `http://${registry}`, `https://${registry}/v1/`];
  if (isDockerHub(registry)) {
    keys.push(DOCKER_HUB_LEGACY_KEY, 'index.docker.io', DOCKER_HUB);
  }
  return keys;
}

function isDockerHub(registry: string): boolean {
  return (
    registry === DOCKER_HUB || registry === DOCKER_HUB_API_HOST || registry === 'index.docker.io'
  );
}

async function readDockerConfig(dir?: string): Promise<DockerConfig | undefined> {
  const folder = dir ?? process.env.DOCKER_CONFIG ?? join(homedir(), '.docker');
  const path = join(folder, 'config.json');
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    return undefined;
  }

  try {
    return JSON.parse(text) as DockerConfig;
  } catch (error) {
    throw new ConfigError(
      `docker config ${path} is not valid JSON (${(error as Error).message}): fix or remove it`,
    );
  }
}

function fromAuths(
  config: DockerConfig,
  registry: string,
  mask: (secret: string) => void,
): Credentials | undefined {
  for (const key of configKeys(registry)) {
    const entry = config.auths?.[key];
    if (!entry) continue;

    if (entry.identitytoken) {
      mask(entry.identitytoken);
      return { kind: 'identity-token', token: entry.identitytoken };
    }
    if (entry.auth) {
      mask(entry.auth);
      const decoded = Buffer.from(entry.auth, 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      if (colon < 0) {
        throw new ConfigError(
          `docker config entry "${key}": "auth" is not base64 of user:password; log in again`,
        );
      }
      const password = decoded.slice(colon + 1);
      mask(password);
      return { kind: 'basic', username: decoded.slice(0, colon), password };
    }
    if (entry.username && entry.password) {
      mask(entry.password);
      mask(Buffer.from(`${entry.username}:${entry.password}`).toString('base64'));
      return { kind: 'basic', username: entry.username, password: entry.password };
    }
  }
  return undefined;
}

async function fromHelpers(
  config: DockerConfig,
  registry: string,
  mask: (secret: string) => void,
): Promise<Credentials | undefined> {
  const helper =
    configKeys(registry)
      .map((key) => config.credHelpers?.[key])
      .find((name) => name !== undefined) ?? config.credsStore;
  if (!helper) return undefined;

  // Docker stores Docker Hub credentials in helpers under the legacy index URL, not the host.
  const serverUrl = isDockerHub(registry) ? DOCKER_HUB_LEGACY_KEY : registry;
  const reply = await runHelper(helper, serverUrl);
  if (!reply) return undefined;
  mask(reply.Secret);
  if (reply.Username === '<token>') return { kind: 'identity-token', token: reply.Secret };
  mask(Buffer.from(`${reply.Username}:${reply.Secret}`).toString('base64'));
  return { kind: 'basic', username: reply.Username, password: reply.Secret };
}

function runHelper(
  name: string,
  registry: string,
): Promise<{ Username: string; Secret: string } | undefined> {
  const program = `docker-credential-${name}`;
  return new Promise((resolve, reject) => {
    const child = execFile(
      program,
      ['get'],
      { timeout: HELPER_TIMEOUT_MS, maxBuffer: 1024 * 1024 },
      (error, stdout) => {
        // Helpers print "credentials not found" and exit 1 when they hold nothing for the host.
        if (error && /not found/i.test(stdout)) return resolve(undefined);
        if (error) {
          const reason =
            (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'is not installed' : 'failed';
          return reject(
            new ConfigError(
              `credential helper ${program} ${reason} for ${registry}: install it or remove it from the docker config`,
            ),
          );
        }
        try {
          const reply = JSON.parse(stdout) as { Username?: unknown; Secret?: unknown };
          if (typeof reply.Username !== 'string' || typeof reply.Secret !== 'string') {
            throw new Error('missing Username or Secret');
          }
          resolve({ Username: reply.Username, Secret: reply.Secret });
        } catch {
          reject(
            new ConfigError(
              `credential helper ${program} returned an unreadable reply for ${registry}`,
            ),
          );
        }
      },
    );
    child.stdin?.end(registry);
  });
}
