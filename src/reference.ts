import { InvalidReferenceError } from './errors.js';
import { parseDigest } from './digest.js';

/** A parsed image reference, following the docker reference grammar. */
export interface ImageReference {
  /** The reference as the user wrote it. */
  input: string;
  /** Registry as written, or `docker.io` for Docker Hub. Includes the port, if any. */
  registry: string;
  /** Host and port that serve the registry API (`registry-1.docker.io` for Docker Hub). */
  apiHost: string;
  /** Repository path, with `library/` added for single-component Docker Hub names. */
  repository: string;
  /** Tag, `latest` when neither tag nor digest is given. Undefined for a digest-only reference. */
  tag?: string;
  /** `algorithm:hex`. When both tag and digest are given, the digest identifies the image. */
  digest?: string;
}

export const DOCKER_HUB = 'docker.io';
export const DOCKER_HUB_API_HOST = 'registry-1.docker.io';

const MAX_NAME_LENGTH = 255;

// The grammar of github.com/distribution/reference, rewritten as separate checks so each
// failure can name the part that is wrong.
const DOMAIN_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const HOST_PATTERN = new RegExp(
  `^(?:${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*|\\[[0-9a-fA-F:.]+\\])(?::[0-9]+)?$`,
);
const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const TAG_PATTERN = /^[\w][\w.-]{0,127}$/;

/** Parses an image reference, or throws InvalidReferenceError naming what is wrong. */
export function parseReference(input: string): ImageReference {
  const text = input.trim();
  if (text === '') throw new InvalidReferenceError(input, 'the reference is empty');
  if (/\s/.test(text)) throw new InvalidReferenceError(input, 'it contains white space');

  // Split off the digest, then the tag: a colon after the last slash starts a tag.
  let rest = text;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    checkDigest(input, digest);
  }

  let tag: string | undefined;
  const colon = rest.lastIndexOf(':');
  if (colon > rest.lastIndexOf('/')) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG_PATTERN.test(tag)) {
      throw new InvalidReferenceError(
        input,
        `tag "${tag}" must be 1 to 128 characters of letters, digits, "_", "." and "-", not starting with "." or "-"`,
      );
    }
  }

  const { registry, repository } = splitName(input, rest);
  const isDockerHub = registry === DOCKER_HUB;
  return {
    input,
    registry,
    apiHost: isDockerHub ? DOCKER_HUB_API_HOST : registry,
    repository,
    tag: tag ?? (digest === undefined ? 'latest' : undefined),
    digest,
  };
}

/** Formats a reference as `registry/repository[:tag][@digest]`. */
export function formatReference(ref: ImageReference): string {
  let text = `${ref.registry}/${ref.repository}`;
  if (ref.tag !== undefined) text += `:${ref.tag}`;
  if (ref.digest !== undefined) text += `@${ref.digest}`;
  return text;
}

function checkDigest(input: string, digest: string): void {
  try {
    parseDigest(digest);
  } catch (error) {
    throw new InvalidReferenceError(input, (error as Error).message);
  }
}

function splitName(input: string, name: string): { registry: string; repository: string } {
  if (name === '') throw new InvalidReferenceError(input, 'the repository name is empty');
  if (name.length > MAX_NAME_LENGTH) {
    throw new InvalidReferenceError(input, `the name is longer than ${MAX_NAME_LENGTH} characters`);
  }

  // The first component is a registry host when it looks like one: a dot, a port or localhost.
  const parts = name.split('/');
  let registry = DOCKER_HUB;
  const first = parts[0] ?? '';
  if (
    parts.length > 1 &&
    (first.includes('.') || first.includes(':') || first === 'localhost' || first.startsWith('['))
  ) {
    registry = first;
    parts.shift();
    if (!HOST_PATTERN.test(registry)) {
      throw new InvalidReferenceError(
        input,
        `registry host "${registry}" is not a valid host[:port]`,
      );
    }
  }
  if (registry === 'index.docker.io' || registry === DOCKER_HUB_API_HOST) registry = DOCKER_HUB;

  for (const part of parts) {
    if (part === '') throw new InvalidReferenceError(input, 'a repository path component is empty');
    if (!PATH_COMPONENT.test(part)) {
      const hint = /[A-Z]/.test(part) ? ' (repository names must be lowercase)' : '';
      throw new InvalidReferenceError(
        input,
        `repository component "${part}" is not valid${hint}: use lowercase letters and digits separated by ".", "_", "__" or "-"`,
      );
    }
  }

  if (registry === DOCKER_HUB && parts.length === 1) parts.unshift('library');
  return { registry, repository: parts.join('/') };
}
