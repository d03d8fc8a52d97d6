import type { KeyObject } from 'node:crypto';
import type { TrustedRoot } from '@sigstore/protobuf-specs';

/** Hash algorithms cosign accepts for `--signature-digest-algorithm`. */
export type HashAlgorithm = 'sha256' | 'sha384' | 'sha512';

/**
 * Expected signer of a keyless signature. Exact values and regular expressions are alternatives:
 * a field left undefined is not checked. Regular expressions are anchored at both ends.
 */
export interface IdentityPolicy {
  identity?: string;
  identityRegexp?: string;
  issuer?: string;
  issuerRegexp?: string;
  githubWorkflowRepository?: string;
  githubWorkflowRef?: string;
  githubWorkflowSha?: string;
  githubWorkflowTrigger?: string;
  githubWorkflowName?: string;
  buildSignerUri?: string;
  buildSignerUriRegexp?: string;
  sourceRepositoryUri?: string;
  runnerEnvironment?: string;
}

/** Signer identity and claims, as read from a Fulcio certificate. */
export interface Signer {
  identity: string;
  issuer: string;
  githubWorkflowRepository?: string;
  githubWorkflowRef?: string;
  githubWorkflowSha?: string;
  githubWorkflowTrigger?: string;
  githubWorkflowName?: string;
  buildSignerUri?: string;
  sourceRepositoryUri?: string;
  runnerEnvironment?: string;
}

/** Loads the Sigstore trust root once, on first use. */
export type TrustedRootProvider = () => Promise<TrustedRoot>;

/** Verification with a public key. A transparency-log entry is optional but must verify if present. */
export interface KeyPolicy {
  kind: 'key';
  key: KeyObject;
  hashAlgorithm: HashAlgorithm;
  trustedRoot: TrustedRootProvider;
  ignoreTlog: boolean;
}

/** Keyless verification: a Fulcio certificate whose identity matches, with a verified signing time. */
export interface KeylessPolicy {
  kind: 'keyless';
  identity: IdentityPolicy;
  trustedRoot: TrustedRootProvider;
  ignoreSct: boolean;
  ignoreTlog: boolean;
}

/** No key and no identity: only checks that a signature naming the image digest exists. */
export interface PresencePolicy {
  kind: 'presence';
}

export type VerificationPolicy = KeyPolicy | KeylessPolicy | PresencePolicy;

/** One legacy cosign signature: a layer of the `.sig` manifest with its payload blob. */
export interface SignatureLayer {
  /** Exact bytes of the simple-signing payload blob. */
  payload: Buffer;
  /** Base64 signature from the `dev.cosignproject.cosign/signature` annotation. */
  signature: string;
  /** All layer annotations, including certificate, chain, bundle and timestamp. */
  annotations: Record<string, string>;
}

/** Facts a successful check established. */
export interface VerifiedSignature {
  signer?: Signer;
  /** `verified`: a log entry was checked; `absent`: none was present; `skipped`: ignore-tlog. */
  tlog: 'verified' | 'absent' | 'skipped';
  signingTime?: Date;
  /** Caveats worth showing the user, such as "no transparency-log entry was checked". */
  notes: string[];
}
