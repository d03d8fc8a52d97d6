import { VerificationError } from '../errors.js';
import { decodeSignature, verifyWithKey } from './keys.js';
import { CERTIFICATE_ANNOTATION } from './keyless.js';
import { checkPayload, parsePayload } from './payload.js';
import type { KeyPolicy, SignatureLayer, VerificationPolicy, VerifiedSignature } from './policy.js';
import {
  IGNORE_TLOG_NOTE,
  inspectImageBundle,
  verifyImageBundle,
  verifyLegacyKeyless,
  verifyLegacyTlogForKey,
} from './sigstore.js';

const NOTHING_VERIFIED = 'no public key or identity was given, so nothing was verified';

/**
 * Checks one legacy signature layer against the image digest and the policy. Throws
 * VerificationError naming the failed check.
 */
export async function verifyLegacyLayer(
  layer: SignatureLayer,
  imageDigest: string,
  policy: VerificationPolicy,
): Promise<VerifiedSignature> {
  const signature = decodeSignature(layer.signature);

  switch (policy.kind) {
    case 'presence':
      checkPayload(parsePayload(layer.payload), imageDigest);
      return {
        tlog: 'absent',
        notes: ['no public key or identity was given, so nothing was verified'],
      };

    case 'key':
      return verifyLegacyWithKey(layer, signature, imageDigest, policy);

    case 'keyless': {
      if (layer.annotations[CERTIFICATE_ANNOTATION] === undefined) {
        throw new VerificationError(
          'UNTRUSTED_CERTIFICATE',
          `the signature has no ${CERTIFICATE_ANNOTATION} annotation: it was signed with a key, so verify it with public-key`,
        );
      }
      // The certificate and log checks prove who signed the payload; the payload must also name this image.
      const verified = await verifyLegacyKeyless(layer, policy);
      checkPayload(parsePayload(layer.payload), imageDigest);
      return verified;
    }
  }
}

async function verifyLegacyWithKey(
  layer: SignatureLayer,
  signature: Buffer,
  imageDigest: string,
  policy: KeyPolicy,
): Promise<VerifiedSignature> {
  if (!verifyWithKey(policy.key, layer.payload, signature, policy.hashAlgorithm)) {
    throw new VerificationError(
      'BAD_SIGNATURE',
      `the signature does not verify with the public key and ${policy.hashAlgorithm}: check the key and signature-digest-algorithm`,
    );
  }
  checkPayload(parsePayload(layer.payload), imageDigest);

  if (policy.ignoreTlog) {
    return { tlog: 'skipped', notes: [IGNORE_TLOG_NOTE] };
  }
  const tlog = await verifyLegacyTlogForKey(layer, policy);
  if (tlog.tlog === 'absent') {
    return { ...tlog, notes: [...tlog.notes, 'the signature has no transparency-log entry'] };
  }
  return tlog;
}

/**
 * Checks one Sigstore bundle against the image digest and the policy. `loadManifest` returns the
 * image manifest bytes, which only a message-signature bundle needs, since it signs those bytes.
 */
export async function verifyBundle(
  bundle: unknown,
  imageDigest: string,
  policy: VerificationPolicy,
  loadManifest: () => Promise<Buffer>,
): Promise<VerifiedSignature & { signature: string }> {
  if (policy.kind === 'presence') {
    const { signature } = inspectImageBundle(bundle, imageDigest);
    return { signature, tlog: 'absent', notes: [NOTHING_VERIFIED] };
  }
  const manifest = isMessageSignature(bundle) ? await loadManifest() : undefined;
  return verifyImageBundle(bundle, imageDigest, policy, manifest);
}

function isMessageSignature(bundle: unknown): boolean {
  return typeof bundle === 'object' && bundle !== null && 'messageSignature' in bundle;
}
