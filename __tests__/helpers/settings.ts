import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Settings } from '../../src/run.js';

/**
 * Returns run settings with the action's defaults, legacy and bundle lookup, and an empty docker
 * config folder, so a developer's own ~/.docker/config.json never leaks into a test.
 */
export function testSettings(images: string[], extra: Partial<Settings> = {}): Settings {
  return {
    images,
    signatureDigestAlgorithm: 'sha256',
    signatureFormat: 'auto',
    insecureRegistries: [],
    identity: {},
    ignoreSct: false,
    ignoreTlog: false,
    timeoutSeconds: 60,
    dockerConfigDir: mkdtempSync(join(tmpdir(), 'no-docker-config-')),
    ...extra,
  };
}
