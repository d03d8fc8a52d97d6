import { describe, expect, it } from 'vitest';
import { InvalidReferenceError } from '../src/errors.js';
import { formatReference, parseReference } from '../src/reference.js';

const SHA256 = 'sha256:e1642bf8e93357165c9f0b027397ce79fdbda8cd609ee048c69284da01401c6c';
const SHA512 = `sha512:${'ab'.repeat(64)}`;

describe('parseReference', () => {
  describe('when the reference is valid', () => {
    const cases: [
      string,
      { registry: string; apiHost: string; repository: string; tag?: string; digest?: string },
    ][] = [
      [
        'alpine',
        {
          registry: 'docker.io',
          apiHost: 'registry-1.docker.io',
          repository: 'library/alpine',
          tag: 'latest',
        },
      ],
      [
        'alpine:3.20',
        {
          registry: 'docker.io',
          apiHost: 'registry-1.docker.io',
          repository: 'library/alpine',
          tag: '3.20',
        },
      ],
      [
        'docker.io/alpine',
        {
          registry: 'docker.io',
          apiHost: 'registry-1.docker.io',
          repository: 'library/alpine',
          tag: 'latest',
        },
      ],
      [
        'index.docker.io/library/alpine',
        {
          registry: 'docker.io',
          apiHost: 'registry-1.docker.io',
          repository: 'library/alpine',
          tag: 'latest',
        },
      ],
      [
        'bitnami/nginx:1.27',
        {
          registry: 'docker.io',
          apiHost: 'registry-1.docker.io',
          repository: 'bitnami/nginx',
          tag: '1.27',
        },
      ],
      [
        'localhost:5000/app',
        { registry: 'localhost:5000', apiHost: 'localhost:5000', repository: 'app', tag: 'latest' },
      ],
      [
        'localhost/app:v1',
        { registry: 'localhost', apiHost: 'localhost', repository: 'app', tag: 'v1' },
      ],
      [
        '127.0.0.1:5000/team/app:v1',
        {
          registry: '127.0.0.1:5000',
          apiHost: '127.0.0.1:5000',
          repository: 'team/app',
          tag: 'v1',
        },
      ],
      [
        '[::1]:5000/app:v1',
        { registry: '[::1]:5000', apiHost: '[::1]:5000', repository: 'app', tag: 'v1' },
      ],
      [
        'quay.io/jetstack/cert-manager-controller:v1.8.0',
        {
          registry: 'quay.io',
          apiHost: 'quay.io',
          repository: 'jetstack/cert-manager-controller',
          tag: 'v1.8.0',
        },
      ],
      [
        `ghcr.io/org/app@${SHA256}`,
        { registry: 'ghcr.io', apiHost: 'ghcr.io', repository: 'org/app', digest: SHA256 },
      ],
      [
        `ghcr.io/org/app:v1@${SHA256}`,
        {
          registry: 'ghcr.io',
          apiHost: 'ghcr.io',
          repository: 'org/app',
          tag: 'v1',
          digest: SHA256,
        },
      ],
      [
        `registry.example.com/a/b/c@${SHA512}`,
        {
          registry: 'registry.example.com',
          apiHost: 'registry.example.com',
          repository: 'a/b/c',
          digest: SHA512,
        },
      ],
      [
        'my-registry.local:443/a__b/c.d-e_f:tag_1.0-rc',
        {
          registry: 'my-registry.local:443',
          apiHost: 'my-registry.local:443',
          repository: 'a__b/c.d-e_f',
          tag: 'tag_1.0-rc',
        },
      ],
    ];

    it.each(cases)('parses %s', (input, expected) => {
      const reference = parseReference(input);
      expect(reference.registry).toBe(expected.registry);
      expect(reference.apiHost).toBe(expected.apiHost);
      expect(reference.repository).toBe(expected.repository);
      expect(reference.tag).toBe(expected.tag);
      expect(reference.digest).toBe(expected.digest);
    });
  });

  describe('when the reference is invalid', () => {
    const cases: [string, RegExp][] = [
      ['', /empty/],
      ['Alpine', /lowercase/],
      ['ghcr.io/Org/app', /lowercase/],
      ['ghcr.io//app', /component is empty/],
      ['ghcr.io/app/', /component is empty/],
      ['ghcr.io/app:', /tag ""/],
      ['ghcr.io/app:-bad', /tag "-bad"/],
      [`ghcr.io/app:${'t'.repeat(129)}`, /1 to 128 characters/],
      ['ghcr.io/app@sha256:abc', /64 lowercase hex/],
      [`ghcr.io/app@sha256:${'A'.repeat(64)}`, /64 lowercase hex/],
      [`ghcr.io/app@md5:${'a'.repeat(32)}`, /algorithm "md5" is not supported/],
      ['ghcr.io/app@', /must have the form/],
      ['ghcr.io/my app', /white space/],
      ['bad_host:5000/app', /registry host "bad_host:5000"/],
      ['ghcr.io/app..x', /component "app..x"/],
      [`ghcr.io/${'a'.repeat(256)}`, /longer than 255/],
    ];

    it.each(cases)('rejects "%s"', (input, reason) => {
      expect(() => parseReference(input)).toThrow(InvalidReferenceError);
      expect(() => parseReference(input)).toThrow(reason);
    });

    it('quotes the reference in the message', () => {
      expect(() => parseReference('ghcr.io/Org/app')).toThrow(
        'invalid image reference "ghcr.io/Org/app"',
      );
    });
  });
});

describe('formatReference', () => {
  it('writes tag and digest back', () => {
    expect(formatReference(parseReference(`ghcr.io/org/app:v1@${SHA256}`))).toBe(
      `ghcr.io/org/app:v1@${SHA256}`,
    );
  });

  it('adds the Docker Hub defaults', () => {
    expect(formatReference(parseReference('alpine'))).toBe('docker.io/library/alpine:latest');
  });
});
