/**
 * A test Sigstore built from @sigstore/mock (Fulcio CA, CT log, Rekor) and the signatures cosign
 * makes with it: cosign-3-style bundles (DSSE, in-toto statement v1, predicate type
 * https://sigstore.dev/cosign/sign/v1) and legacy keyless `.sig` layers.
 */
import {
  createHash,
  generateKeyPairSync,
  sign,
  X509Certificate,
  type KeyObject,
} from 'node:crypto';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { initializeCA, initializeCTLog, initializeTLog, initializeTSA } from '@sigstore/mock';
import { BUNDLE_V03_MEDIA_TYPE } from '@sigstore/bundle';
import { dsse } from '@sigstore/core';
import { loadTrustedRoot } from '../../src/cosign/trust.js';
import type { SignatureLayer, TrustedRootProvider } from '../../src/cosign/policy.js';

export type KeyPair = { publicKey: KeyObject; privateKey: KeyObject };

type CA = Awaited<ReturnType<typeof initializeCA>>;
type CTLog = Awaited<ReturnType<typeof initializeCTLog>>;
type TSA = Awaited<ReturnType<typeof initializeTSA>>;

const REKOR_URL = 'https://rekor.test.invalid';
const SIMPLE_SIGNING_TYPE = 'cosign container image signature';
export const IN_TOTO_STATEMENT_V1 = 'https://in-toto.io/Statement/v1';
export const COSIGN_SIGN_PREDICATE = 'https://sigstore.dev/cosign/sign/v1';
export const SLSA_PROVENANCE_PREDICATE = 'https://slsa.dev/provenance/v1';
export const OID_ISSUER_V2 = '1.3.6.1.4.1.57264.1.8';

/** The parts of a test Sigstore; the keys never leave the test process. */
export interface TestSigstore {
  /** trusted_root.json written to a fresh temporary folder. */
  trustedRootPath: string;
  /** Loads that file through src/cosign/trust.ts. */
  trustedRoot: TrustedRootProvider;
  caKeys: KeyPair;
  ctLog: CTLog;
  ca: CA;
  rekorKeys: KeyPair;
  /** RFC 3161 timestamp authority listed in the trust root. */
  tsa: TSA;
}

/** Options shared by the signing helpers; defaults make a signature that verifies. */
export interface SignOptions {
  imageDigest: string;
  /** Digest the statement or payload names, when a test needs another one. */
  subjectDigest?: string;
  predicateType?: string;
  /** Whether to upload to the test Rekor and embed the log entry. Defaults to true. */
  tlog?: boolean;
  /** Time the log entry claims; defaults to now. */
  logTime?: Date;
  /** Replaces the signature named in the log entry body before the entry is signed. */
  logSignature?: Buffer;
  /** Flips a bit of the signed entry timestamp after signing. */
  tamperSignedEntryTimestamp?: boolean;
  /** Whether to add an RFC 3161 timestamp of the signature from the test TSA. Defaults to false. */
  timestamp?: boolean;
}

export interface KeylessOptions extends SignOptions {
  identity: string;
  issuer: string;
  /** CA that issues the certificate; defaults to the trusted one. */
  ca?: CA;
}

/** Generates an ECDSA P-256 key pair, the key type cosign uses by default. */
export function generateP256(): KeyPair {
  return generateKeyPairSync('ec', { namedCurve: 'P-256' });
}

/** Creates a test Sigstore (CA with CT log, Rekor key) and writes its trusted_root.json. */
export async function createTestSigstore(): Promise<TestSigstore> {
  const caKeys = generateP256();
  const rekorKeys = generateP256();
  const ctLog = await initializeCTLog(generateP256());
  const ca = await initializeCA(caKeys, ctLog);
  // @sigstore/core reads GeneralizedTime fractions of exactly three digits, but the mock trims
  // trailing zeros, so the TSA clock gets a fixed .123 s. A minute ahead keeps it inside the
  // ten-minute certificates issued from now on.
  const tsaClock = new Date(Math.floor(Date.now() / 1000) * 1000 + 60_123);
  const tsa = await initializeTSA(generateP256(), tsaClock);

  const dir = await mkdtemp(path.join(tmpdir(), 'sigstore-test-'));
  const trustedRootPath = path.join(dir, 'trusted_root.json');
  const json = trustedRootJson(
    Buffer.from(ca.rootCertificate.buffer),
    rekorKeys,
    ctLog.publicKey,
    tsa,
  );
  await writeFile(trustedRootPath, JSON.stringify(json, null, 2));

  const trustedRoot = () => loadTrustedRoot({ path: trustedRootPath });
  return { trustedRootPath, trustedRoot, caKeys, ctLog, ca, rekorKeys, tsa };
}

/** Creates a CA whose certificates are issued at `clock` (same key, so same trust root) or by an untrusted key. */
export async function createCA(
  sigstore: TestSigstore,
  options: { clock?: Date; untrusted?: boolean },
): Promise<CA> {
  const keys = options.untrusted === true ? generateP256() : sigstore.caKeys;
  return initializeCA(keys, sigstore.ctLog, options.clock);
}

/** Signs the image digest as `cosign sign --key` (cosign 3) does: a v0.3 DSSE bundle with a key hint. */
export async function signBundleWithKey(
  sigstore: TestSigstore,
  keys: KeyPair,
  options: SignOptions,
): Promise<Record<string, unknown>> {
  const envelope = signStatement(keys.privateKey, options);
  const verifier = keys.publicKey.export({ format: 'pem', type: 'spki' }).toString();
  const hint = createHash('sha256')
    .update(keys.publicKey.export({ format: 'der', type: 'spki' }))
    .digest('base64');

  return bundleJson(
    { publicKey: { hint } },
    envelope,
    await dsseLogEntries(sigstore, envelope, verifier, options),
    await rfc3161Timestamps(sigstore, envelope.signature, options),
  );
}

/** Signs the image digest as keyless `cosign sign` (cosign 3) does: a v0.3 DSSE bundle with a Fulcio certificate. */
export async function signBundleKeyless(
  sigstore: TestSigstore,
  options: KeylessOptions,
): Promise<Record<string, unknown>> {
  const keys = generateP256();
  const certificate = await issueCertificate(sigstore, keys, options);
  const envelope = signStatement(keys.privateKey, options);

  return bundleJson(
    { certificate: { rawBytes: certificate.toString('base64') } },
    envelope,
    await dsseLogEntries(sigstore, envelope, pemCertificate(certificate), options),
    await rfc3161Timestamps(sigstore, envelope.signature, options),
  );
}

/** Signs the image digest as keyless cosign 2 did: a `.sig` layer with certificate, chain and Rekor bundle annotations. */
export async function signLegacyKeyless(
  sigstore: TestSigstore,
  options: KeylessOptions,
): Promise<SignatureLayer> {
  const keys = generateP256();
  const certificate = await issueCertificate(sigstore, keys, options);
  const payload = simpleSigningPayload(options.subjectDigest ?? options.imageDigest);
  const signature = sign('sha256', payload, keys.privateKey);

  const annotations: Record<string, string> = {
    'dev.cosignproject.cosign/signature': signature.toString('base64'),
    'dev.sigstore.cosign/certificate': pemCertificate(certificate),
    'dev.sigstore.cosign/chain': pemCertificate(
      Buffer.from((options.ca ?? sigstore.ca).rootCertificate.buffer),
    ),
  };

  if (options.tlog !== false) {
    const body = {
      apiVersion: '0.0.1',
      kind: 'hashedrekord',
      spec: {
        data: { hash: { algorithm: 'sha256', value: sha256Hex(payload) } },
        signature: {
          content: (options.logSignature ?? signature).toString('base64'),
          publicKey: { content: Buffer.from(pemCertificate(certificate)).toString('base64') },
        },
      },
    };
    const entry = await logEntry(sigstore, body, options);
    annotations['dev.sigstore.cosign/bundle'] = JSON.stringify({
      SignedEntryTimestamp: entry.signedEntryTimestamp,
      Payload: {
        body: entry.body,
        integratedTime: entry.integratedTime,
        logIndex: entry.logIndex,
        logID: entry.logID,
      },
    });
  }

  const [timestamp] = await rfc3161Timestamps(sigstore, signature, options);
  if (timestamp) {
    annotations['dev.sigstore.cosign/rfc3161timestamp'] = JSON.stringify({
      SignedRFC3161Timestamp: timestamp.signedTimestamp,
    });
  }

  return { payload, signature: signature.toString('base64'), annotations };
}

/** Returns the simple-signing payload cosign signs for an image digest. */
export function simpleSigningPayload(imageDigest: string): Buffer {
  const payload = {
    critical: {
      identity: { 'docker-reference': 'registry.test/app' },
      image: { 'docker-manifest-digest': imageDigest },
      type: SIMPLE_SIGNING_TYPE,
    },
    optional: null,
  };
  return Buffer.from(JSON.stringify(payload));
}

/** Returns a random `sha256:` image digest. */
export function randomImageDigest(): string {
  return `sha256:${createHash('sha256').update(String(Math.random())).digest('hex')}`;
}

interface Envelope {
  payloadType: string;
  payload: Buffer;
  signature: Buffer;
}

function signStatement(privateKey: KeyObject, options: SignOptions): Envelope {
  const [algorithm = 'sha256', hex = ''] = (options.subjectDigest ?? options.imageDigest).split(
    ':',
  );
  const statement = {
    _type: IN_TOTO_STATEMENT_V1,
    subject: [{ name: 'registry.test/app', digest: { [algorithm]: hex } }],
    predicateType: options.predicateType ?? COSIGN_SIGN_PREDICATE,
    predicate: {},
  };
  const payloadType = 'application/vnd.in-toto+json';
  const payload = Buffer.from(JSON.stringify(statement));
  const signature = sign('sha256', dsse.preAuthEncoding(payloadType, payload), privateKey);
  return { payloadType, payload, signature };
}

async function issueCertificate(
  sigstore: TestSigstore,
  keys: KeyPair,
  options: KeylessOptions,
): Promise<Buffer> {
  const ca = options.ca ?? sigstore.ca;
  const publicKey = keys.publicKey.export({ format: 'der', type: 'spki' });
  const certificate = await ca.issueCertificate({
    publicKey,
    subjectAltName: options.identity,
    extensions: [{ oid: OID_ISSUER_V2, value: options.issuer }],
  });
  return Buffer.from(certificate.buffer, certificate.byteOffset, certificate.byteLength);
}

async function dsseLogEntries(
  sigstore: TestSigstore,
  envelope: Envelope,
  verifierPem: string,
  options: SignOptions,
): Promise<unknown[]> {
  if (options.tlog === false) return [];

  const envelopeJson = JSON.stringify({
    payloadType: envelope.payloadType,
    payload: envelope.payload.toString('base64'),
    signatures: [{ keyid: '', sig: envelope.signature.toString('base64') }],
  });
  const body = {
    apiVersion: '0.0.1',
    kind: 'dsse',
    spec: {
      envelopeHash: { algorithm: 'sha256', value: sha256Hex(Buffer.from(envelopeJson)) },
      payloadHash: { algorithm: 'sha256', value: sha256Hex(envelope.payload) },
      signatures: [
        {
          signature: (options.logSignature ?? envelope.signature).toString('base64'),
          verifier: Buffer.from(verifierPem).toString('base64'),
        },
      ],
    },
  };

  const entry = await logEntry(sigstore, body, options);
  return [
    {
      logIndex: String(entry.logIndex),
      logId: { keyId: Buffer.from(entry.logID, 'hex').toString('base64') },
      kindVersion: { kind: 'dsse', version: '0.0.1' },
      integratedTime: String(entry.integratedTime),
      inclusionPromise: { signedEntryTimestamp: entry.signedEntryTimestamp },
      inclusionProof: {
        logIndex: String(entry.proof.logIndex),
        rootHash: Buffer.from(entry.proof.rootHash, 'hex').toString('base64'),
        treeSize: String(entry.proof.treeSize),
        hashes: entry.proof.hashes,
        checkpoint: { envelope: entry.proof.checkpoint },
      },
      canonicalizedBody: entry.body,
    },
  ];
}

interface LoggedEntry {
  body: string;
  integratedTime: number;
  logIndex: number;
  logID: string;
  signedEntryTimestamp: string;
  proof: {
    logIndex: number;
    rootHash: string;
    treeSize: number;
    hashes: string[];
    checkpoint: string;
  };
}

/** Uploads a body to a test Rekor whose clock is `options.logTime`, and applies the tampering options. */
async function logEntry(
  sigstore: TestSigstore,
  body: object,
  options: SignOptions,
): Promise<LoggedEntry> {
  const rekor = await initializeTLog(REKOR_URL, sigstore.rekorKeys, options.logTime);
  const response = (await rekor.log(body)) as Record<string, unknown>;
  const raw = Object.values(response)[0] as {
    body: string;
    integratedTime: number;
    logIndex: number;
    logID: string;
    verification: { signedEntryTimestamp: string; inclusionProof: LoggedEntry['proof'] };
  };

  let signedEntryTimestamp = raw.verification.signedEntryTimestamp;
  if (options.tamperSignedEntryTimestamp === true) {
    const bytes = Buffer.from(signedEntryTimestamp, 'base64');
    bytes[bytes.length - 1] = (bytes[bytes.length - 1] ?? 0) ^ 0x01;
    signedEntryTimestamp = bytes.toString('base64');
  }

  return {
    body: raw.body,
    integratedTime: raw.integratedTime,
    logIndex: raw.logIndex,
    logID: raw.logID,
    signedEntryTimestamp,
    proof: raw.verification.inclusionProof,
  };
}

/** Returns the TSA's RFC 3161 timestamp over the signature bytes, when the options ask for one. */
async function rfc3161Timestamps(
  sigstore: TestSigstore,
  signature: Buffer,
  options: SignOptions,
): Promise<{ signedTimestamp: string }[]> {
  if (options.timestamp !== true) return [];
  const response = await sigstore.tsa.timestamp({
    artifactHash: createHash('sha256').update(signature).digest(),
    hashAlgorithmOID: '2.16.840.1.101.3.4.2.1',
    nonce: 42,
    policyOID: '1.3.6.1.4.1.57264.2',
  });
  return [
    {
      signedTimestamp: Buffer.from(
        response.buffer,
        response.byteOffset,
        response.byteLength,
      ).toString('base64'),
    },
  ];
}

function bundleJson(
  verificationKey: Record<string, unknown>,
  envelope: Envelope,
  tlogEntries: unknown[],
  timestamps: { signedTimestamp: string }[],
): Record<string, unknown> {
  return {
    mediaType: BUNDLE_V03_MEDIA_TYPE,
    verificationMaterial: {
      ...verificationKey,
      tlogEntries,
      timestampVerificationData: { rfc3161Timestamps: timestamps },
    },
    dsseEnvelope: {
      payload: envelope.payload.toString('base64'),
      payloadType: envelope.payloadType,
      signatures: [{ sig: envelope.signature.toString('base64'), keyid: '' }],
    },
  };
}

function trustedRootJson(
  rootCertificate: Buffer,
  rekorKeys: KeyPair,
  ctLogKey: Buffer,
  tsa: TSA,
): Record<string, unknown> {
  const start = new Date(Date.now() - 24 * 3600 * 1000).toISOString();
  const rekorKey = rekorKeys.publicKey.export({ format: 'der', type: 'spki' });
  const logInstance = (baseUrl: string, key: Buffer) => ({
    baseUrl,
    hashAlgorithm: 'SHA2_256',
    publicKey: {
      rawBytes: key.toString('base64'),
      keyDetails: 'PKIX_ECDSA_P256_SHA_256',
      validFor: { start },
    },
    logId: { keyId: createHash('sha256').update(key).digest('base64') },
  });

  return {
    mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.1',
    tlogs: [logInstance(REKOR_URL, rekorKey)],
    certificateAuthorities: [
      {
        subject: { organization: 'sigstore.mock', commonName: 'sigstore' },
        uri: 'https://fulcio.test.invalid',
        certChain: { certificates: [{ rawBytes: rootCertificate.toString('base64') }] },
        validFor: { start },
      },
    ],
    ctlogs: [logInstance('https://ctfe.test.invalid', ctLogKey)],
    timestampAuthorities: [
      {
        subject: { organization: 'sigstore.mock', commonName: 'tsa' },
        uri: 'https://tsa.test.invalid',
        certChain: {
          certificates: [tsa.intCertificate, tsa.rootCertificate].map((der) => ({
            rawBytes: Buffer.from(der.buffer, der.byteOffset, der.byteLength).toString('base64'),
          })),
        },
        validFor: { start },
      },
    ],
  };
}

function pemCertificate(der: Buffer): string {
  return new X509Certificate(der).toString();
}

function sha256Hex(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}
