import { generateKeyPairSync, sign } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { run, type Settings } from '../src/run.js';
import { simpleSigningPayload } from './helpers/cosign.js';
import {
  fixed,
  stallBeforeHeaders,
  startFaultServer,
  type FaultServer,
} from './helpers/fault-proxy.js';
import { sha256 } from './helpers/registry.js';
import { testSettings } from './helpers/settings.js';

const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const SIMPLE_SIGNING = 'application/vnd.dev.cosign.simplesigning.v1+json';
const DIGEST = `sha256:${'a'.repeat(64)}`;
const SIG_PATH = `/v2/app/manifests/sha256-${'a'.repeat(64)}.sig`;

const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });

function settings(server: FaultServer, extra: Partial<Settings> = {}): Settings {
  const key = publicKey.export({ type: 'spki', format: 'pem' }).toString();
  const images = [`${server.host}/app@${DIGEST}`];
  return testSettings(images, {
    publicKey: key,
    signatureFormat: 'legacy',
    timeoutSeconds: 30,
    ...extra,
  });
}

/** Serves a `.sig` manifest with the given layers, and the payload blob they all point at. */
function serveSignature(
  server: FaultServer,
  payload: Buffer,
  layerCount: number,
  signature: string,
): void {
  const layer = {
    mediaType: SIMPLE_SIGNING,
    digest: sha256(payload),
    size: payload.length,
    annotations: { 'dev.cosignproject.cosign/signature': signature },
  };
  const manifest = JSON.stringify({
    schemaVersion: 2,
    mediaType: OCI_MANIFEST,
    config: {
      mediaType: 'application/vnd.oci.image.config.v1+json',
      digest: sha256('{}'),
      size: 2,
    },
    layers: Array.from({ length: layerCount }, () => layer),
  });
  server.route(SIG_PATH, fixed(200, manifest, { 'content-type': OCI_MANIFEST }));
  server.route(`/v2/app/blobs/${sha256(payload)}`, fixed(200, payload));
}

describe('run against hostile registry replies', () => {
  let server: FaultServer;

  beforeEach(async () => {
    server = await startFaultServer();
  });

  afterEach(async () => {
    await server.stop();
  });

  it('verifies the well-formed baseline', async () => {
    const payload = simpleSigningPayload(DIGEST, 'app');
    serveSignature(server, payload, 1, sign('sha256', payload, privateKey).toString('base64'));

    const [result] = await run(settings(server));
    expect(result?.status).toBe('verified');
  });

  it('rejects a .sig manifest with 5,000 layers', async () => {
    const payload = simpleSigningPayload(DIGEST, 'app');
    serveSignature(server, payload, 5000, sign('sha256', payload, privateKey).toString('base64'));

    const [result] = await run(settings(server));
    expect(result?.status).toBe('error');
    expect(result?.message).toContain('has 5000 layers, over the limit of 1000');
  });

  it('reports error for a signature annotation that is not base64', async () => {
    const payload = simpleSigningPayload(DIGEST, 'app');
    serveSignature(server, payload, 1, '%%% not base64 %%%');

    const [result] = await run(settings(server));
    expect(result?.status).toBe('error');
    expect(result?.message).toBe('the signature annotation is not valid base64');
  });

  it('reports error for a payload blob that does not hash to its descriptor', async () => {
    const payload = simpleSigningPayload(DIGEST, 'app');
    serveSignature(server, payload, 1, sign('sha256', payload, privateKey).toString('base64'));
    server.route(
      `/v2/app/blobs/${sha256(payload)}`,
      fixed(200, Buffer.from(payload.toString().replace('app', 'apq'))),
    );

    const [result] = await run(settings(server));
    expect(result?.status).toBe('error');
    expect(result?.message).toContain('but its descriptor says');
  });

  it('ends a stalled image at the timeout and still reports the next image', async () => {
    server.route(SIG_PATH, stallBeforeHeaders);
    const images = [`${server.host}/app@${DIGEST}`, `${server.host}/other@${DIGEST}`];

    const results = await run(settings(server, { images, timeoutSeconds: 1 }));
    expect(results).toHaveLength(2);
    expect(results[0]?.status).toBe('error');
    expect(results[0]?.message).toContain('time limit for this image ran out');
    expect(results[1]?.status).toBe('missing');
  });

  it('keeps input order and one log group per image when run in parallel', async () => {
    const slowDigest = `sha256:${'b'.repeat(64)}`;
    // The first image's signature lookup responds last, so parallel work finishes out of order.
    let fastStartedFirst = false;
    server.route(`/v2/slow/manifests/sha256-${'b'.repeat(64)}.sig`, (req, res) => {
      setTimeout(() => {
        fastStartedFirst = server.requests.includes(SIG_PATH.replace('/app/', '/fast/'));
        fixed(404, '{"errors":[{"code":"MANIFEST_UNKNOWN","message":"no"}]}')(req, res);
      }, 300);
    });
    const images = [`${server.host}/slow@${slowDigest}`, `${server.host}/fast@${DIGEST}`];
    const groups: { name: string; lines: string[] }[] = [];
    let current: string[] | undefined;
    const logger = {
      info: (line: string) => current?.push(line),
      debug: (line: string) => current?.push(line),
      warning: (line: string) => current?.push(line),
    };
    const group = async <T>(name: string, work: () => Promise<T>): Promise<T> => {
      current = [];
      groups.push({ name, lines: current });
      const value = await work();
      current = undefined;
      return value;
    };

    const results = await run(settings(server, { images }), { logger, group });
    expect(fastStartedFirst).toBe(true);
    expect(results.map((result) => result.image)).toEqual(images);
    expect(groups.map((entry) => entry.name)).toEqual(images);
    expect(groups[0]?.lines.some((line) => line.includes('/v2/slow/'))).toBe(true);
    expect(groups[0]?.lines.some((line) => line.includes('/v2/fast/'))).toBe(false);
    expect(groups[1]?.lines.some((line) => line.includes('/v2/fast/'))).toBe(true);
    expect(groups[1]?.lines.some((line) => line.includes('/v2/slow/'))).toBe(false);
  });
});
