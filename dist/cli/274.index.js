export const id = 274;
export const ids = [274];
export const modules = {

/***/ 1274:
/***/ ((module, __webpack_exports__, __webpack_require__) => {

__webpack_require__.a(module, async (__webpack_handle_async_dependencies__, __webpack_async_result__) => { try {
__webpack_require__.r(__webpack_exports__);
/* harmony import */ var node_util__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(7975);
/* harmony import */ var node_util__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_util__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(3916);
/* harmony import */ var _report_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(665);
/* harmony import */ var _run_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(6245);




const USAGE = `Usage: cosign-gate [options] IMAGE...

Checks the cosign signatures of container images, as the GitHub Action does.
Exit status: 0 when every image passed, 1 when one failed, 2 for invalid options.

Options (each mirrors the action input of the same name):
  --public-key PEM|PATH                 verify with this public key
  --signature-digest-algorithm ALG      sha256 (default), sha384 or sha512
  --signature-repository REPO           repository that holds the signatures
  --signature-format auto|legacy|bundle where to look (default auto: both)
  --certificate-identity ID             keyless: expected certificate identity
  --certificate-identity-regexp RE      keyless: identity pattern, anchored at both ends
  --certificate-oidc-issuer URL         keyless: expected OIDC issuer
  --certificate-oidc-issuer-regexp RE   keyless: issuer pattern, anchored at both ends
  --certificate-github-workflow-repository, -ref, -sha, -trigger, -name VALUE
  --build-signer-uri, --build-signer-uri-regexp, --source-repository-uri,
  --runner-environment VALUE            further certificate claims to require
  --trusted-root PATH                   trusted_root.json for offline or private Sigstore
  --ignore-sct, --ignore-tlog           skip those checks (not recommended)
  --registry-username USER              with REGISTRY_PASSWORD in the environment
  --registry HOST                       the one registry those credentials are for
  --insecure-registry HOST              allow plain HTTP to HOST (repeatable)
  --timeout SECONDS                     time allowed per image (default 300)
  --json                                print the results as JSON instead of a table
  --verbose                             print progress and debug lines to stderr
  --help                                print this text`;
const STRING_OPTIONS = [
    'public-key',
    'signature-digest-algorithm',
    'signature-repository',
    'signature-format',
    'certificate-identity',
    'certificate-identity-regexp',
    'certificate-oidc-issuer',
    'certificate-oidc-issuer-regexp',
    'certificate-github-workflow-repository',
    'certificate-github-workflow-ref',
    'certificate-github-workflow-sha',
    'certificate-github-workflow-trigger',
    'certificate-github-workflow-name',
    'build-signer-uri',
    'build-signer-uri-regexp',
    'source-repository-uri',
    'runner-environment',
    'trusted-root',
    'registry-username',
    'registry',
    'timeout',
];
function parseCommandLine(argv) {
    const options = Object.fromEntries(STRING_OPTIONS.map((name) => [name, { type: 'string' }]));
    const { values, positionals } = (0,node_util__WEBPACK_IMPORTED_MODULE_0__.parseArgs)({
        args: argv,
        allowPositionals: true,
        options: {
            ...options,
            'insecure-registry': { type: 'string', multiple: true },
            'ignore-sct': { type: 'boolean' },
            'ignore-tlog': { type: 'boolean' },
            json: { type: 'boolean' },
            verbose: { type: 'boolean' },
            help: { type: 'boolean' },
        },
    });
    return { values: values, images: positionals };
}
function toSettings(values, images) {
    const timeout = values.timeout === undefined ? 300 : Number(values.timeout);
    if (!Number.isFinite(timeout) || timeout <= 0) {
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_1__/* .ConfigError */ .xL(`--timeout "${values.timeout}" must be a positive number of seconds`);
    }
    return {
        images,
        publicKey: values['public-key'],
        signatureDigestAlgorithm: (values['signature-digest-algorithm'] ?? 'sha256'),
        signatureRepository: values['signature-repository'],
        signatureFormat: (values['signature-format'] ?? 'auto'),
        registryUsername: values['registry-username'],
        registryPassword: process.env.REGISTRY_PASSWORD,
        registry: values.registry,
        insecureRegistries: values['insecure-registry'] ?? [],
        trustedRoot: values['trusted-root'],
        identity: {
            identity: values['certificate-identity'],
            identityRegexp: values['certificate-identity-regexp'],
            issuer: values['certificate-oidc-issuer'],
            issuerRegexp: values['certificate-oidc-issuer-regexp'],
            githubWorkflowRepository: values['certificate-github-workflow-repository'],
            githubWorkflowRef: values['certificate-github-workflow-ref'],
            githubWorkflowSha: values['certificate-github-workflow-sha'],
            githubWorkflowTrigger: values['certificate-github-workflow-trigger'],
            githubWorkflowName: values['certificate-github-workflow-name'],
            buildSignerUri: values['build-signer-uri'],
            buildSignerUriRegexp: values['build-signer-uri-regexp'],
            sourceRepositoryUri: values['source-repository-uri'],
            runnerEnvironment: values['runner-environment'],
        },
        ignoreSct: values['ignore-sct'] ?? false,
        ignoreTlog: values['ignore-tlog'] ?? false,
        timeoutSeconds: timeout,
    };
}
async function main(argv) {
    let parsed;
    try {
        parsed = parseCommandLine(argv);
    }
    catch (error) {
        // Node's parser explains how to pass positionals that start with "-"; the first sentence is enough.
        const reason = (0,_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .errorMessage */ .gJ)(error).split('. ')[0] ?? 'invalid options';
        process.stderr.write(`cosign-gate: ${reason}; run with --help for the options\n`);
        return 2;
    }
    if (parsed.values.help) {
        process.stdout.write(`${USAGE}\n`);
        return 0;
    }
    if (parsed.images.length === 0) {
        process.stderr.write(`cosign-gate: give at least one image reference\n${USAGE}\n`);
        return 2;
    }
    const verbose = parsed.values.verbose ?? false;
    const logger = {
        info: (message) => verbose && process.stderr.write(`${message}\n`),
        debug: (message) => verbose && process.stderr.write(`debug: ${message}\n`),
        warning: (message) => process.stderr.write(`warning: ${message}\n`),
    };
    try {
        const settings = toSettings(parsed.values, parsed.images);
        const results = await (0,_run_js__WEBPACK_IMPORTED_MODULE_3__/* .run */ .eF)(settings, { logger });
        for (const result of results.filter((item) => item.status === 'present')) {
            logger.warning(`${result.image}: a signature exists but was not verified; pass --public-key or --certificate-identity`);
        }
        process.stdout.write(parsed.values.json
            ? `${JSON.stringify(results, null, 2)}\n`
            : (0,_report_js__WEBPACK_IMPORTED_MODULE_2__/* .buildSummary */ .fR)(results, {
                warnOnly: false,
                ignoreTlog: settings.ignoreTlog,
                ignoreSct: settings.ignoreSct,
            }));
        return (0,_report_js__WEBPACK_IMPORTED_MODULE_2__/* .allPassed */ .OE)(results) ? 0 : 1;
    }
    catch (error) {
        process.stderr.write(`cosign-gate: ${(0,_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .errorMessage */ .gJ)(error)}\n`);
        return error instanceof _errors_js__WEBPACK_IMPORTED_MODULE_1__/* .ConfigError */ .xL ? 2 : 1;
    }
}
process.exitCode = await main(process.argv.slice(2));

__webpack_async_result__();
} catch(e) { __webpack_async_result__(e); } }, 1);

/***/ }),

/***/ 3916:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   gJ: () => (/* binding */ errorMessage),
/* harmony export */   gl: () => (/* binding */ RegistryError),
/* harmony export */   mk: () => (/* binding */ VerificationError),
/* harmony export */   xL: () => (/* binding */ ConfigError),
/* harmony export */   x_: () => (/* binding */ InvalidReferenceError)
/* harmony export */ });
/**
 * Error types of the core. Each message names the failing value and the next step, so the action
 * can print it as one line. The action maps the classes to result statuses in `report.ts`.
 */
/** Invalid settings: a bad input value, an unreadable key or trust root. Fails the whole run. */
class ConfigError extends Error {
    name = 'ConfigError';
}
/** An image reference that does not follow the docker reference grammar. */
class InvalidReferenceError extends Error {
    reference;
    name = 'InvalidReferenceError';
    constructor(reference, reason) {
        super(`invalid image reference "${reference}": ${reason}`);
        this.reference = reference;
    }
}
/**
 * A failed registry request. `url` never contains credentials or a query string.
 * `retryable` is true when another attempt can help.
 */
class RegistryError extends Error {
    code;
    details;
    name = 'RegistryError';
    constructor(code, message, details = {}) {
        super(message, details.cause === undefined ? undefined : { cause: details.cause });
        this.code = code;
        this.details = details;
    }
    get status() {
        return this.details.status;
    }
    get retryable() {
        return this.details.retryable ?? false;
    }
}
/** A signature that was read but does not pass a check. */
class VerificationError extends Error {
    code;
    name = 'VerificationError';
    constructor(code, message, options) {
        super(message, options);
        this.code = code;
    }
}
/** Returns the message of any thrown value, for one-line reports. */
function errorMessage(error) {
    if (error instanceof Error)
        return error.message;
    return String(error);
}


/***/ }),

/***/ 665:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   OE: () => (/* binding */ allPassed),
/* harmony export */   fR: () => (/* binding */ buildSummary)
/* harmony export */ });
/* unused harmony exports buildOutputs, buildAnnotation, oneLine */
const STATUS_LABEL = {
    verified: '✅ verified',
    present: '⚠️ present (not verified)',
    missing: '❌ missing',
    mismatch: '❌ mismatch',
    error: '❌ error',
};
/** Returns true when every image is `verified` or `present`. */
function allPassed(results) {
    return (results.length > 0 &&
        results.every((result) => result.status === 'verified' || result.status === 'present'));
}
/**
 * Builds the step outputs. For one image each value is that image's; for several, one line
 * per image in input order.
 */
function buildOutputs(results) {
    const lines = (pick) => results.map(pick).join('\n');
    return {
        digest: lines((result) => result.digest),
        'signature-tag': lines((result) => result.signatureTag),
        signature: lines((result) => result.signature),
        verified: String(results.length > 0 && results.every((result) => result.status === 'verified')),
        results: JSON.stringify(results),
    };
}
/**
 * Returns the annotation for a result: an error (a warning with warn-only) for a failed image,
 * a warning for `present`, since nothing was verified, and none for `verified`.
 */
function buildAnnotation(result, warnOnly) {
    if (result.status === 'verified')
        return undefined;
    if (result.status === 'present') {
        return {
            level: 'warning',
            title: `Signature not verified: ${result.image}`,
            message: 'a signature naming this digest exists, but no public-key or certificate identity was given to verify it (an empty secret in public-key has the same effect)',
        };
    }
    return {
        level: warnOnly ? 'warning' : 'error',
        title: `Signature ${result.status}: ${result.image}`,
        message: oneLine(result.message),
    };
}
/** Builds the job summary as Markdown: a headline, warnings, then one table row per image. */
function buildSummary(results, options) {
    const { warnOnly } = options;
    const passed = allPassed(results);
    const headline = passed
        ? `All ${results.length} image(s) passed the signature check.`
        : `${results.filter((r) => r.status !== 'verified' && r.status !== 'present').length} of ${results.length} image(s) failed the signature check${warnOnly ? ' (warn-only: the step does not fail)' : ''}.`;
    const rows = results.map((result) => [
        cell(result.image),
        result.digest ? `\`${cell(result.digest)}\`` : '',
        result.signatureTag ? `\`${cell(result.signatureTag)}\`` : '',
        STATUS_LABEL[result.status],
        cell(signedBy(result)),
        cell(result.message),
    ].join(' | '));
    const warnings = [];
    if (options.ignoreTlog)
        warnings.push('> [!WARNING]\n> ignore-tlog is set: transparency-log entries were not checked.');
    if (options.ignoreSct)
        warnings.push('> [!WARNING]\n> ignore-sct is set: certificate transparency was not checked.');
    if (results.some((result) => result.status === 'present')) {
        warnings.push('> [!WARNING]\n> No public-key or certificate identity was given: signatures were found but not verified.');
    }
    return [
        '## Container image signatures',
        '',
        headline,
        '',
        ...warnings.flatMap((warning) => [warning, '']),
        '| Image | Digest | Signature tag | Status | Signed by | Reason |',
        '| --- | --- | --- | --- | --- | --- |',
        ...rows.map((row) => `| ${row} |`),
        '',
    ].join('\n');
}
function signedBy(result) {
    const signer = result.signer;
    if (!signer)
        return '';
    const workflow = signer.githubWorkflowRepository
        ? ` (${signer.githubWorkflowRepository}${signer.githubWorkflowRef ? ` @ ${signer.githubWorkflowRef}` : ''})`
        : '';
    return `${signer.identity}, issuer ${signer.issuer}${workflow}`;
}
/** Escapes text for a Markdown table cell, so registry-supplied text cannot add HTML or columns. */
function cell(text) {
    return oneLine(text)
        .replace(/&/g, '&amp;')
        .replace(/</g, '&lt;')
        .replace(/>/g, '&gt;')
        .replace(/\|/g, '\\|')
        .replace(/`/g, "'");
}
/** Joins the lines of a text with spaces, so registry-supplied text cannot start a line. */
function oneLine(text) {
    return text.replace(/\s*[\r\n]+\s*/g, ' ').trim();
}


/***/ }),

/***/ 6245:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  eF: () => (/* binding */ run)
});

// UNUSED EXPORTS: buildPolicy, parseImageList

// EXTERNAL MODULE: external "node:async_hooks"
var external_node_async_hooks_ = __webpack_require__(6698);
// EXTERNAL MODULE: external "node:os"
var external_node_os_ = __webpack_require__(8161);
// EXTERNAL MODULE: ./src/errors.ts
var errors = __webpack_require__(3916);
// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __webpack_require__(7598);
;// CONCATENATED MODULE: ./src/digest.ts

const HEX_LENGTH = { sha256: 64, sha512: 128 };
/** Parses `algorithm:hex`, or throws an Error whose message names what is wrong. */
function parseDigest(digest) {
    const colon = digest.indexOf(':');
    if (colon < 0) {
        throw new Error(`digest "${digest}" must have the form sha256:<64 hex> or sha512:<128 hex>`);
    }
    const algorithm = digest.slice(0, colon);
    const hex = digest.slice(colon + 1);
    if (algorithm !== 'sha256' && algorithm !== 'sha512') {
        throw new Error(`digest algorithm "${algorithm}" is not supported: use sha256 or sha512`);
    }
    const expected = HEX_LENGTH[algorithm];
    if (hex.length !== expected || !/^[0-9a-f]+$/.test(hex)) {
        throw new Error(`digest "${digest}" must have ${expected} lowercase hex characters after "${algorithm}:"`);
    }
    return { algorithm, hex };
}
/** Returns true when `digest` is a valid sha256 or sha512 digest. */
function isDigest(digest) {
    try {
        parseDigest(digest);
        return true;
    }
    catch {
        return false;
    }
}
/** Computes `algorithm:hex` of the exact bytes given. */
function computeDigest(bytes, algorithm = 'sha256') {
    return `${algorithm}:${(0,external_node_crypto_.createHash)(algorithm).update(bytes).digest('hex')}`;
}
/** Returns true when `bytes` hash to `digest`, using the digest's own algorithm. */
function matchesDigest(bytes, digest) {
    const { algorithm } = parseDigest(digest);
    return computeDigest(bytes, algorithm) === digest;
}

;// CONCATENATED MODULE: ./src/reference.ts


const DOCKER_HUB = 'docker.io';
const DOCKER_HUB_API_HOST = 'registry-1.docker.io';
const MAX_NAME_LENGTH = 255;
// The grammar of github.com/distribution/reference, rewritten as separate checks so each
// failure can name the part that is wrong.
const DOMAIN_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const HOST_PATTERN = new RegExp(`^(?:${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*|\\[[0-9a-fA-F:.]+\\])(?::[0-9]+)?$`);
const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const TAG_PATTERN = /^[\w][\w.-]{0,127}$/;
/** Parses an image reference, or throws InvalidReferenceError naming what is wrong. */
function parseReference(input) {
    const text = input.trim();
    if (text === '')
        throw new errors/* InvalidReferenceError */.x_(input, 'the reference is empty');
    if (/\s/.test(text))
        throw new errors/* InvalidReferenceError */.x_(input, 'it contains white space');
    // Split off the digest, then the tag: a colon after the last slash starts a tag.
    let rest = text;
    let digest;
    const at = rest.indexOf('@');
    if (at >= 0) {
        digest = rest.slice(at + 1);
        rest = rest.slice(0, at);
        checkDigest(input, digest);
    }
    let tag;
    const colon = rest.lastIndexOf(':');
    if (colon > rest.lastIndexOf('/')) {
        tag = rest.slice(colon + 1);
        rest = rest.slice(0, colon);
        if (!TAG_PATTERN.test(tag)) {
            throw new errors/* InvalidReferenceError */.x_(input, `tag "${tag}" must be 1 to 128 characters of letters, digits, "_", "." and "-", not starting with "." or "-"`);
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
function formatReference(ref) {
    let text = `${ref.registry}/${ref.repository}`;
    if (ref.tag !== undefined)
        text += `:${ref.tag}`;
    if (ref.digest !== undefined)
        text += `@${ref.digest}`;
    return text;
}
function checkDigest(input, digest) {
    try {
        parseDigest(digest);
    }
    catch (error) {
        throw new errors/* InvalidReferenceError */.x_(input, error.message);
    }
}
function splitName(input, name) {
    if (name === '')
        throw new errors/* InvalidReferenceError */.x_(input, 'the repository name is empty');
    if (name.length > MAX_NAME_LENGTH) {
        throw new errors/* InvalidReferenceError */.x_(input, `the name is longer than ${MAX_NAME_LENGTH} characters`);
    }
    // The first component is a registry host when it looks like one: a dot, a port or localhost.
    const parts = name.split('/');
    let registry = DOCKER_HUB;
    const first = parts[0] ?? '';
    if (parts.length > 1 &&
        (first.includes('.') || first.includes(':') || first === 'localhost' || first.startsWith('['))) {
        registry = first;
        parts.shift();
        if (!HOST_PATTERN.test(registry)) {
            throw new errors/* InvalidReferenceError */.x_(input, `registry host "${registry}" is not a valid host[:port]`);
        }
    }
    if (registry === 'index.docker.io' || registry === DOCKER_HUB_API_HOST)
        registry = DOCKER_HUB;
    for (const part of parts) {
        if (part === '')
            throw new errors/* InvalidReferenceError */.x_(input, 'a repository path component is empty');
        if (!PATH_COMPONENT.test(part)) {
            const hint = /[A-Z]/.test(part) ? ' (repository names must be lowercase)' : '';
            throw new errors/* InvalidReferenceError */.x_(input, `repository component "${part}" is not valid${hint}: use lowercase letters and digits separated by ".", "_", "__" or "-"`);
        }
    }
    if (registry === DOCKER_HUB && parts.length === 1)
        parts.unshift('library');
    return { registry, repository: parts.join('/') };
}

// EXTERNAL MODULE: ./node_modules/undici/index.js
var undici = __webpack_require__(6752);
;// CONCATENATED MODULE: ./src/registry/transport.ts


/** Largest error body read into memory, for the registry's error message. */
const MAX_ERROR_BODY_BYTES = 64 * 1024;
/** Default time to connect and to receive response headers, in milliseconds. */
const DEFAULT_CONNECT_TIMEOUT_MS = 15_000;
/** Default maximum silence while reading a body, in milliseconds. */
const DEFAULT_READ_TIMEOUT_MS = 30_000;
/** Maximum characters of server text (error messages, reasons) quoted in one of our messages. */
const MAX_QUOTED_CHARS = 300;
// Socket-level failures that another attempt can cure. DNS failures, TLS certificate errors and
// refused connections are left out because they repeat on every attempt.
const RETRYABLE_NETWORK_CODES = new Set([
    'ECONNRESET',
    'EPIPE',
    'ETIMEDOUT',
    'EAI_AGAIN',
    'UND_ERR_SOCKET',
    'UND_ERR_CLOSED',
    'UND_ERR_CONNECT_TIMEOUT',
    'UND_ERR_HEADERS_TIMEOUT',
    'UND_ERR_BODY_TIMEOUT',
]);
const silentLogger = { info() { }, debug() { }, warning() { } };
/**
 * Sends one HTTP request and reads its body with a size cap. Knows no credentials: the
 * caller passes `Authorization` and decides what to do with the status.
 */
class Transport {
    dispatcher;
    /** Whether `close` may close the dispatcher: not when the caller passed its own. */
    ownsDispatcher;
    connectTimeoutMs;
    readTimeoutMs;
    logger;
    constructor(options = {}) {
        this.connectTimeoutMs = options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
        this.readTimeoutMs = options.readTimeoutMs ?? DEFAULT_READ_TIMEOUT_MS;
        this.ownsDispatcher = options.dispatcher === undefined;
        this.dispatcher =
            options.dispatcher ??
                new undici/* Agent */.g6({
                    connect: { timeout: this.connectTimeoutMs },
                    headersTimeout: this.connectTimeoutMs,
                    bodyTimeout: this.readTimeoutMs,
                });
        this.logger = options.logger ?? silentLogger;
    }
    async send(req) {
        const target = redactUrl(req.url);
        this.logger.debug(`${req.method} ${target}`);
        const signal = deadlineSignal(req.deadline);
        let response;
        try {
            response = await (0,undici/* request */.Em)(req.url, {
                method: req.method,
                headers: req.headers,
                body: req.body,
                dispatcher: this.dispatcher,
                headersTimeout: this.connectTimeoutMs,
                bodyTimeout: this.readTimeoutMs,
                signal,
            });
        }
        catch (error) {
            throw networkError(error, req.method, target, signal);
        }
        const headers = flattenHeaders(response.headers);
        const ok = response.statusCode >= 200 && response.statusCode < 300;
        const limit = ok ? req.maxBytes : MAX_ERROR_BODY_BYTES;
        const read = { maxBytes: limit, failWhenLarger: ok, method: req.method, url: target, signal };
        checkDeclaredLength(response, headers, read);
        const body = await readCapped(response.body, read);
        return { status: response.statusCode, headers, body, url: req.url };
    }
    async close() {
        if (this.ownsDispatcher)
            await this.dispatcher.close();
    }
}
/** Removes credentials and the query string from a URL, for messages and logs. */
function redactUrl(url) {
    try {
        const parsed = new URL(url);
        return `${parsed.protocol}//${parsed.host}${parsed.pathname}`;
    }
    catch {
        return '<invalid URL>';
    }
}
function flattenHeaders(raw) {
    const headers = {};
    for (const [name, value] of Object.entries(raw)) {
        if (value === undefined)
            continue;
        headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
    }
    return headers;
}
/** Shortens untrusted text to one line of at most 300 characters, for messages. */
function oneLine(text) {
    const flat = text.replace(/\s+/g, ' ').trim();
    return flat.length > MAX_QUOTED_CHARS ? `${flat.slice(0, MAX_QUOTED_CHARS)}…` : flat;
}
function deadlineSignal(deadline) {
    if (deadline === undefined)
        return undefined;
    return AbortSignal.timeout(Math.max(deadline - Date.now(), 0));
}
/** Rejects a body whose Content-Length is over the cap before reading any of it. */
function checkDeclaredLength(response, headers, limits) {
    const declared = Number(headers['content-length']);
    if (!limits.failWhenLarger || !Number.isFinite(declared) || declared <= limits.maxBytes)
        return;
    response.body.destroy();
    throw tooLarge(limits, `declares ${declared} bytes`);
}
async function readCapped(body, limits) {
    const chunks = [];
    let size = 0;
    try {
        for await (const chunk of body) {
            const buffer = chunk;
            size += buffer.length;
            if (size > limits.maxBytes) {
                body.destroy();
                if (!limits.failWhenLarger)
                    break;
                throw tooLarge(limits, 'is longer');
            }
            chunks.push(buffer);
        }
    }
    catch (error) {
        if (error instanceof errors/* RegistryError */.gl)
            throw error;
        throw networkError(error, limits.method, limits.url, limits.signal);
    }
    return Buffer.concat(chunks).subarray(0, limits.maxBytes);
}
function tooLarge(limits, detail) {
    return new errors/* RegistryError */.gl('TOO_LARGE', `${limits.method} ${limits.url}: the response body ${detail} than the ${limits.maxBytes}-byte limit; the registry sent something other than the expected document`, { method: limits.method, url: limits.url });
}
function networkError(error, method, url, signal) {
    if (signal?.aborted) {
        return new errors/* RegistryError */.gl('TIMEOUT', `${method} ${url} was stopped because the time limit for this image ran out; raise the timeout or retry later`, { method, url, retryable: false, cause: error });
    }
    const code = error.code;
    const codeText = typeof code === 'string' ? code : '';
    const timedOut = codeText.includes('TIMEOUT') || codeText === 'ETIMEDOUT';
    const reason = oneLine(error.message || codeText || 'unknown network error');
    const suffix = codeText && !reason.includes(codeText) ? ` (${codeText})` : '';
    return new errors/* RegistryError */.gl(timedOut ? 'TIMEOUT' : 'NETWORK', `${method} ${url} ${timedOut ? 'timed out' : 'failed'}: ${reason}${suffix}`, { method, url, retryable: RETRYABLE_NETWORK_CODES.has(codeText), cause: error });
}

;// CONCATENATED MODULE: ./src/registry/challenge.ts
const TOKEN_CHAR = /[!#$%&'*+\-.^_`|~0-9A-Za-z]/;
/**
 * Parses a `WWW-Authenticate` header value into its challenges (RFC 7235 section 4.1):
 * case-insensitive schemes and parameter names, quoted values with escapes and commas.
 * Returns an empty list for a value it cannot read.
 */
function parseWwwAuthenticate(header) {
    const challenges = [];
    const scanner = new Scanner(header);
    while (!scanner.done()) {
        scanner.skip(/[\s,]/);
        const scheme = scanner.token();
        if (scheme === '')
            break;
        // A null prototype keeps a parameter named "__proto__" or "constructor" an ordinary key.
        const params = Object.create(null);
        const challenge = { scheme: scheme.toLowerCase(), params };
        challenges.push(challenge);
        // Parameters follow until the next scheme, which is a token not followed by "=".
        for (;;) {
            scanner.skip(/[\s,]/);
            const mark = scanner.position;
            const name = scanner.token();
            if (name === '')
                break;
            scanner.skip(/\s/);
            if (!scanner.consume('=')) {
                scanner.position = mark;
                break;
            }
            scanner.skip(/\s/);
            // Unquoted values are read up to the next separator, not only token characters, so that
            // an unquoted realm URL (invalid, but sent by some servers) stays whole.
            const value = scanner.peek() === '"' ? scanner.quoted() : scanner.until(/[\s,]/);
            challenge.params[name.toLowerCase()] = value;
        }
    }
    return challenges;
}
class Scanner {
    text;
    position = 0;
    constructor(text) {
        this.text = text;
    }
    done() {
        return this.position >= this.text.length;
    }
    peek() {
        return this.text.charAt(this.position);
    }
    skip(pattern) {
        while (!this.done() && pattern.test(this.peek()))
            this.position++;
    }
    consume(char) {
        if (this.peek() !== char)
            return false;
        this.position++;
        return true;
    }
    token() {
        const start = this.position;
        this.skip(TOKEN_CHAR);
        return this.text.slice(start, this.position);
    }
    until(stop) {
        const start = this.position;
        while (!this.done() && !stop.test(this.peek()))
            this.position++;
        return this.text.slice(start, this.position);
    }
    quoted() {
        this.position++; // opening quote
        let value = '';
        while (!this.done()) {
            const char = this.peek();
            this.position++;
            if (char === '"')
                return value;
            if (char === '\\' && !this.done()) {
                value += this.peek();
                this.position++;
            }
            else {
                value += char;
            }
        }
        return value;
    }
}

;// CONCATENATED MODULE: ./src/registry/retry.ts


/** Statuses that mean "try again later" rather than "this request is wrong". */
const RETRYABLE_STATUSES = new Set([408, 429, 500, 502, 503, 504]);
const DEFAULT_RETRY_OPTIONS = {
    maxAttempts: 4,
    baseDelayMs: 500,
    maxDelayMs: 8_000,
    maxRetryAfterMs: 60_000,
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    random: Math.random,
};
/**
 * Returns the backoff before attempt `attempt + 1`: "full jitter", a random time between zero and
 * the doubled base delay, so that many clients hit by the same outage do not retry in step.
 */
function backoffDelay(attempt, options) {
    const ceiling = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** (attempt - 1));
    return Math.floor(options.random() * ceiling);
}
/** Reads `Retry-After` (delay seconds or an HTTP date) as milliseconds from `now`. */
function parseRetryAfter(value, now = Date.now()) {
    if (value === undefined)
        return undefined;
    const text = value.trim();
    if (/^\d+$/.test(text))
        return Number(text) * 1000;
    // An HTTP date always names a day and month; without letters, Date.parse would read "-5" or
    // "1.5" as a year.
    if (!/[a-z]/i.test(text))
        return undefined;
    const date = Date.parse(text);
    if (Number.isNaN(date))
        return undefined;
    return Math.max(date - now, 0);
}
/**
 * Sends requests through `inner` and retries 408, 429 and 5xx gateway statuses and retryable
 * network errors with backoff, within `maxAttempts` and the request's deadline. After the last
 * attempt it returns the last response, or throws the last error with the attempt count added.
 */
class RetryingSender {
    inner;
    options;
    logger;
    constructor(inner, options, logger) {
        this.inner = inner;
        this.options = options;
        this.logger = logger;
    }
    async send(req) {
        for (let attempt = 1;; attempt++) {
            let outcome;
            try {
                outcome = { response: await this.inner.send(req) };
            }
            catch (error) {
                if (!(error instanceof errors/* RegistryError */.gl))
                    throw error;
                outcome = { error };
            }
            const delay = this.nextDelay(req, attempt, outcome);
            if (delay === undefined) {
                if ('error' in outcome)
                    throw withAttempts(outcome.error, attempt);
                return { ...outcome.response, attempts: attempt };
            }
            this.logger.debug(`retrying ${req.method} ${redactUrl(req.url)} in ${delay} ms (attempt ${attempt + 1} of ${this.options.maxAttempts}): ${reason(outcome)}`);
            await this.options.sleep(delay);
        }
    }
    /** Returns the wait before the next attempt, or undefined when this outcome is final. */
    nextDelay(req, attempt, outcome) {
        const retryable = 'error' in outcome
            ? outcome.error.retryable
            : RETRYABLE_STATUSES.has(outcome.response.status);
        if (!retryable || attempt >= this.options.maxAttempts)
            return undefined;
        const requested = 'response' in outcome ? parseRetryAfter(outcome.response.headers['retry-after']) : undefined;
        const delay = requested === undefined
            ? backoffDelay(attempt, this.options)
            : Math.min(requested, this.options.maxRetryAfterMs);
        if (req.deadline !== undefined && Date.now() + delay >= req.deadline) {
            this.logger.debug(`not retrying ${req.method} ${redactUrl(req.url)}: waiting ${delay} ms would pass the time limit`);
            return undefined;
        }
        return delay;
    }
}
function reason(outcome) {
    if ('error' in outcome)
        return outcome.error.message;
    const retryAfter = outcome.response.headers['retry-after'];
    return `status ${outcome.response.status}${retryAfter === undefined ? '' : `, Retry-After ${retryAfter}`}`;
}
/** Returns a copy of `error` whose message ends with the number of attempts made. */
function withAttempts(error, attempts) {
    if (!error.retryable && attempts === 1)
        return error;
    return new errors/* RegistryError */.gl(error.code, `${error.message} (${attemptsText(attempts)})`, {
        ...error.details,
        cause: error.details.cause,
    });
}
/** Returns "after 1 attempt" or "after N attempts". */
function attemptsText(attempts) {
    return `after ${attempts} attempt${attempts === 1 ? '' : 's'}`;
}

;// CONCATENATED MODULE: ./src/registry/status.ts




/**
 * Throws a RegistryError for any status but 200, with the registry's own error code and
 * message when the body carries them, a next step for the user, and the attempt count when the
 * request was retried.
 */
function checkStatus(response, method, url, resource) {
    if (response.status === 200)
        return;
    const target = redactUrl(url);
    const registryError = readRegistryError(response.body);
    const detail = registryError ? `: ${registryError.code}: ${registryError.message}` : '';
    const { code, hint } = classify(response, registryError?.code);
    const retryable = RETRYABLE_STATUSES.has(response.status);
    const attempts = response.attempts !== undefined && (retryable || response.attempts > 1);
    const tail = `${hint ? `; ${hint}` : ''}${attempts ? ` (${attemptsText(response.attempts ?? 1)})` : ''}`;
    throw new errors/* RegistryError */.gl(code, `${method} ${target} returned ${response.status} for ${resource}${detail}${tail}`, {
        method,
        url: target,
        status: response.status,
        registryCode: registryError?.code,
        retryable,
    });
}
function classify(response, registryCode) {
    const { status } = response;
    if (status === 404) {
        return {
            code: 'NOT_FOUND',
            hint: 'check the repository name, the tag or digest, and that the image was pushed',
        };
    }
    if (status === 403 || registryCode === 'DENIED') {
        return {
            code: 'DENIED',
            hint: 'the registry accepted the credentials but they may not pull this repository; check the repository name and grant the account or token read access',
        };
    }
    if (status === 401) {
        // A token without the requested scope also gets 401; anonymous tokens for private
        // repositories are the common case, so the hint covers both causes.
        const hint = insufficientScope(response)
            ? 'the registry requires credentials that may pull this repository; check the registry username and password or the docker config, and that the account can read the repository'
            : 'the registry rejected the credentials or requires them; check the registry username and password or the docker config';
        return { code: 'UNAUTHORIZED', hint };
    }
    if (status === 429 || registryCode === 'TOOMANYREQUESTS') {
        return {
            code: 'TOO_MANY_REQUESTS',
            hint: 'the registry rate limit was reached; log in to get a higher limit, or run again later',
        };
    }
    if (status === 408)
        return { code: 'TIMEOUT', hint: 'the registry timed out reading the request; run again later' };
    if (status >= 500)
        return { code: 'SERVER_ERROR', hint: 'the registry failed; run again later' };
    return { code: 'BAD_RESPONSE' };
}
/** Returns true for a 401 whose challenge reports that the token lacks the requested scope (RFC 6750). */
function insufficientScope(response) {
    if (response.status !== 401)
        return false;
    const challenges = parseWwwAuthenticate(response.headers['www-authenticate'] ?? '');
    return challenges.some((challenge) => challenge.params.error === 'insufficient_scope');
}
/** Returns the first entry of a registry error body as one line, or undefined for other bodies. */
function readRegistryError(body) {
    let parsed;
    try {
        parsed = JSON.parse(body.toString('utf8'));
    }
    catch {
        // Not JSON: an HTML error page or an empty body. The status alone is reported.
        return undefined;
    }
    const errors = parsed?.errors;
    const first = Array.isArray(errors) ? errors[0] : undefined;
    if (typeof first !== 'object' || first === null)
        return undefined;
    const { code, message } = first;
    if (typeof code !== 'string')
        return undefined;
    return { code: oneLine(code), message: typeof message === 'string' ? oneLine(message) : '' };
}

;// CONCATENATED MODULE: ./src/registry/auth.ts




/** Largest token endpoint reply, and largest `/v2/` ping reply, read into memory. */
const MAX_TOKEN_BYTES = 1024 * 1024;
/** Token lifetime when the token endpoint sends no `expires_in` (distribution token spec). */
const DEFAULT_TOKEN_LIFETIME_SECONDS = 60;
/**
 * Produces `Authorization` headers for registry requests: none, Basic or Bearer, following the
 * challenge the registry returns. Tokens are cached per origin and scope for the run.
 */
class Authenticator {
    transport;
    lookup;
    mask;
    isAllowedPlainHttp;
    challenges = new Map();
    tokens = new Map();
    pings = new Map();
    pendingHeaders = new Map();
    // Credential helpers are programs; one lookup per registry keeps them from running per request.
    credentials = new Map();
    constructor(transport, lookup, mask, isAllowedPlainHttp) {
        this.transport = transport;
        this.lookup = lookup;
        this.mask = mask;
        this.isAllowedPlainHttp = isAllowedPlainHttp;
    }
    /**
     * Returns the header for a request to `origin` in `scope`, or undefined for anonymous.
     * `deadline` (epoch milliseconds) bounds the ping and token requests.
     */
    async header(origin, registry, scope, deadline) {
        const key = `${origin} ${scope}`;
        const cached = this.tokens.get(key);
        if (cached && cached.expiresAt > Date.now())
            return cached.header;
        // Images checked in parallel share one ping and one token request per origin and scope. A
        // shared request runs under the deadline of the image that started it.
        let pending = this.pendingHeaders.get(key);
        if (pending === undefined) {
            pending = this.challenge(origin, deadline)
                .then((challenge) => challenge === null
                ? undefined
                : this.authorize(origin, registry, scope, challenge, deadline))
                .finally(() => this.pendingHeaders.delete(key));
            this.pendingHeaders.set(key, pending);
        }
        return pending;
    }
    /** Returns the origin's challenge, from the cache or from one shared ping. */
    challenge(origin, deadline) {
        const known = this.challenges.get(origin);
        if (known !== undefined)
            return Promise.resolve(known);
        let ping = this.pings.get(origin);
        if (ping === undefined) {
            ping = this.ping(origin, deadline)
                .then((challenge) => {
                this.challenges.set(origin, challenge);
                return challenge;
            })
                .finally(() => this.pings.delete(origin));
            this.pings.set(origin, ping);
        }
        return ping;
    }
    /** Drops the cached header after a 401 and responds to the new challenge once. */
    async refresh(origin, registry, scope, wwwAuthenticate, deadline) {
        this.tokens.delete(`${origin} ${scope}`);
        const challenge = pickChallenge(wwwAuthenticate ?? '') ?? this.challenges.get(origin) ?? null;
        if (challenge === null)
            return undefined;
        this.challenges.set(origin, challenge);
        return this.authorize(origin, registry, scope, challenge, deadline);
    }
    async ping(origin, deadline) {
        const url = `${origin}/v2/`;
        const response = await this.transport.send({
            method: 'GET',
            url,
            maxBytes: MAX_TOKEN_BYTES,
            deadline,
        });
        if (response.status === 401) {
            const challenge = pickChallenge(response.headers['www-authenticate'] ?? '');
            if (!challenge) {
                throw new errors/* RegistryError */.gl('UNAUTHORIZED', `GET ${url} returned 401 without a Basic or Bearer challenge; the registry's authentication scheme is not supported`, { method: 'GET', url, status: 401 });
            }
            return challenge;
        }
        // A failing server is reported now: caching "no authentication" would hide a later 401.
        if (response.status >= 500 || response.status === 429 || response.status === 408) {
            checkStatus(response, 'GET', url, 'the API version check');
        }
        // Any other reply means no authentication is needed up front; a later 401 still triggers authentication.
        return null;
    }
    async authorize(origin, registry, scope, challenge, deadline) {
        let lookup = this.credentials.get(registry);
        if (lookup === undefined) {
            lookup = this.lookup(registry);
            this.credentials.set(registry, lookup);
        }
        const credentials = await lookup;
        let cached;
        if (challenge.scheme === 'basic') {
            if (!credentials || credentials.kind !== 'basic')
                return undefined;
            const encoded = Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64');
            this.mask(encoded);
            cached = { header: `Basic ${encoded}`, expiresAt: Number.POSITIVE_INFINITY };
        }
        else {
            cached = await this.fetchToken(challenge, scope, credentials, deadline);
        }
        this.tokens.set(`${origin} ${scope}`, cached);
        return cached.header;
    }
    async fetchToken(challenge, scope, credentials, deadline) {
        const realm = this.checkRealm(challenge.params.realm);
        const service = challenge.params.service;
        const url = new URL(realm);
        const headers = { accept: 'application/json' };
        let method = 'GET';
        let body;
        if (credentials?.kind === 'identity-token') {
            // Docker's OAuth2 flow exchanges the stored refresh token for an access token.
            method = 'POST';
            const form = new URLSearchParams({
                grant_type: 'refresh_token',
                refresh_token: credentials.token,
                client_id: 'cosign-verify-action',
                scope,
            });
            if (service)
                form.set('service', service);
            body = form.toString();
            headers['content-type'] = 'application/x-www-form-urlencoded';
        }
        else {
            if (service)
                url.searchParams.set('service', service);
            url.searchParams.set('scope', scope);
            if (credentials) {
                const encoded = Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64');
                this.mask(encoded);
                headers.authorization = `Basic ${encoded}`;
            }
        }
        const response = await this.transport.send({
            method,
            url: url.toString(),
            headers,
            body,
            maxBytes: MAX_TOKEN_BYTES,
            deadline,
        });
        checkStatus(response, method, url.toString(), `a token for ${scope} from the token endpoint`);
        return this.readToken(response.status, response.body, method, url.toString());
    }
    readToken(status, body, method, url) {
        const target = redactUrl(url);
        let reply;
        try {
            reply = JSON.parse(body.toString('utf8'));
        }
        catch {
            reply = undefined;
        }
        if (typeof reply !== 'object' || reply === null) {
            throw new errors/* RegistryError */.gl('BAD_RESPONSE', `${method} ${target} (token endpoint) returned a body that is not a JSON object; check that the realm is the registry's token service`, { method, url: target, status });
        }
        const { token: bearer, access_token: accessToken, expires_in: expiresIn, } = reply;
        const token = typeof bearer === 'string' && bearer !== '' ? bearer : accessToken;
        if (typeof token !== 'string' || token === '') {
            throw new errors/* RegistryError */.gl('BAD_RESPONSE', `${method} ${target} (token endpoint) returned no token; check that the realm is the registry's token service`, { method, url: target, status });
        }
        this.mask(token);
        // Refresh ten seconds early so that a token does not expire between check and use.
        const lifetime = typeof expiresIn === 'number' && expiresIn > 0 ? expiresIn : DEFAULT_TOKEN_LIFETIME_SECONDS;
        return { header: `Bearer ${token}`, expiresAt: Date.now() + Math.max(lifetime - 10, 1) * 1000 };
    }
    checkRealm(realm) {
        if (!realm) {
            throw new errors/* RegistryError */.gl('BAD_RESPONSE', "the registry sent a Bearer challenge without a realm; the registry's authentication is misconfigured");
        }
        let url;
        try {
            url = new URL(realm);
        }
        catch {
            throw new errors/* RegistryError */.gl('BAD_RESPONSE', `the registry sent a token realm that is not a URL ("${oneLine(realm)}"); the registry's authentication is misconfigured`);
        }
        if (url.protocol === 'https:')
            return realm;
        if (url.protocol === 'http:' && this.isAllowedPlainHttp(url.host))
            return realm;
        throw new errors/* RegistryError */.gl('BAD_RESPONSE', `token realm ${redactUrl(realm)} is not HTTPS; credentials are only sent over HTTPS, or over HTTP to loopback and insecure-registries hosts`);
    }
}
/** Picks the Bearer challenge, else the Basic one, from a `WWW-Authenticate` value. */
function pickChallenge(header) {
    const challenges = parseWwwAuthenticate(header);
    return (challenges.find((challenge) => challenge.scheme === 'bearer') ??
        challenges.find((challenge) => challenge.scheme === 'basic'));
}

;// CONCATENATED MODULE: ./src/registry/json.ts
/**
 * Strict JSON reading for documents whose digest is checked. `JSON.parse` keeps the last of two
 * equal keys while other parsers keep the first, so a registry and a verifier could read different
 * values from the same signed bytes. This module rejects such documents instead.
 */
/** Deepest nesting of arrays and objects accepted. Manifests nest three or four levels. */
const MAX_JSON_DEPTH = 64;
/** A document that is not strict JSON (RFC 8259 with unique object keys). */
class JsonFormatError extends Error {
    offset;
    name = 'JsonFormatError';
    constructor(reason, offset) {
        super(`${reason} at offset ${offset}`);
        this.offset = offset;
    }
}
/**
 * Parses JSON text after checking its grammar and that no object repeats a key (compared after
 * unescaping, so `"a"` and `"\u0061"` are the same key). Throws JsonFormatError.
 */
function parseStrictJson(text) {
    const checker = new StrictJsonChecker(text);
    checker.checkDocument();
    return JSON.parse(text);
}
/** Decodes UTF-8 bytes, rejecting invalid sequences rather than replacing them. */
function decodeUtf8Strict(bytes) {
    try {
        return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
    }
    catch {
        throw new JsonFormatError('the body is not valid UTF-8', 0);
    }
}
const WHITESPACE = new Set([' ', '\t', '\n', '\r']);
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const SIMPLE_ESCAPES = new Set(['"', '\\', '/', 'b', 'f', 'n', 'r', 't']);
const HEX4 = /^[0-9a-fA-F]{4}$/;
class StrictJsonChecker {
    text;
    position = 0;
    constructor(text) {
        this.text = text;
    }
    checkDocument() {
        this.value(0);
        this.skipWhitespace();
        if (this.position < this.text.length)
            this.fail('unexpected text after the JSON value');
    }
    value(depth) {
        this.skipWhitespace();
        const char = this.text.charAt(this.position);
        if (char === '{')
            return this.object(depth + 1);
        if (char === '[')
            return this.array(depth + 1);
        if (char === '"') {
            this.string();
            return;
        }
        for (const literal of ['true', 'false', 'null']) {
            if (this.text.startsWith(literal, this.position)) {
                this.position += literal.length;
                return;
            }
        }
        this.number();
    }
    object(depth) {
        if (depth > MAX_JSON_DEPTH)
            this.fail(`nesting deeper than ${MAX_JSON_DEPTH} levels`);
        this.position++;
        const keys = new Set();
        this.skipWhitespace();
        if (this.consume('}'))
            return;
        for (;;) {
            this.skipWhitespace();
            const keyStart = this.position;
            if (this.text.charAt(this.position) !== '"')
                this.fail('expected a string key');
            const key = this.string();
            if (keys.has(key))
                this.fail(`duplicate key ${JSON.stringify(key).slice(0, 80)}`, keyStart);
            keys.add(key);
            this.skipWhitespace();
            if (!this.consume(':'))
                this.fail('expected ":"');
            this.value(depth);
            this.skipWhitespace();
            if (this.consume('}'))
                return;
            if (!this.consume(','))
                this.fail('expected "," or "}"');
        }
    }
    array(depth) {
        if (depth > MAX_JSON_DEPTH)
            this.fail(`nesting deeper than ${MAX_JSON_DEPTH} levels`);
        this.position++;
        this.skipWhitespace();
        if (this.consume(']'))
            return;
        for (;;) {
            this.value(depth);
            this.skipWhitespace();
            if (this.consume(']'))
                return;
            if (!this.consume(','))
                this.fail('expected "," or "]"');
        }
    }
    /** Checks a string literal and returns its unescaped value. */
    string() {
        const start = this.position;
        this.position++;
        for (;;) {
            const char = this.text.charAt(this.position);
            if (char === '"')
                break;
            if (char === '' || char < ' ')
                this.fail('invalid or unterminated string');
            this.position += char === '\\' ? this.escapeLength() : 1;
        }
        this.position++;
        return JSON.parse(this.text.slice(start, this.position));
    }
    escapeLength() {
        const next = this.text.charAt(this.position + 1);
        if (SIMPLE_ESCAPES.has(next))
            return 2;
        if (next === 'u' && HEX4.test(this.text.slice(this.position + 2, this.position + 6)))
            return 6;
        return this.fail('invalid escape in string');
    }
    number() {
        NUMBER.lastIndex = this.position;
        const match = NUMBER.exec(this.text);
        if (!match || match[0] === '')
            this.fail('expected a JSON value');
        this.position = NUMBER.lastIndex;
    }
    skipWhitespace() {
        while (WHITESPACE.has(this.text.charAt(this.position)))
            this.position++;
    }
    consume(char) {
        if (this.text.charAt(this.position) !== char)
            return false;
        this.position++;
        return true;
    }
    fail(reason, offset = this.position) {
        throw new JsonFormatError(reason, offset);
    }
}

;// CONCATENATED MODULE: ./src/registry/manifest.ts


/** Manifest media types this tool reads (OCI image spec 1.1, Docker image manifest v2.2). */
const MediaType = {
    OCI_MANIFEST: 'application/vnd.oci.image.manifest.v1+json',
    OCI_INDEX: 'application/vnd.oci.image.index.v1+json',
    DOCKER_MANIFEST: 'application/vnd.docker.distribution.manifest.v2+json',
    DOCKER_MANIFEST_LIST: 'application/vnd.docker.distribution.manifest.list.v2+json',
};
/** The `Accept` header for manifest requests: every type above. */
const MANIFEST_ACCEPT = Object.values(MediaType).join(', ');
/** Thrown by `parseManifest` with a reason that fits after "manifest … is invalid: ". */
class ManifestFormatError extends Error {
    name = 'ManifestFormatError';
}
const INDEX_TYPES = new Set([MediaType.OCI_INDEX, MediaType.DOCKER_MANIFEST_LIST]);
/** Returns true for an OCI index or a Docker manifest list. */
function isIndex(mediaType) {
    return INDEX_TYPES.has(mediaType);
}
/**
 * Parses manifest bytes. The media type comes from the body's `mediaType` field, else from the
 * response's Content-Type. Throws ManifestFormatError when the document is not a manifest, is not
 * strict JSON (invalid UTF-8, duplicate keys), or declares a manifest type that differs from the
 * manifest type in the Content-Type.
 */
function parseManifest(bytes, contentType) {
    const document = readDocument(bytes);
    if (document.schemaVersion !== 2) {
        const found = document.schemaVersion === undefined ? 'missing' : quote(document.schemaVersion);
        throw new ManifestFormatError(`schemaVersion is ${found}, not 2`);
    }
    const mediaType = resolveMediaType(document.mediaType, contentType);
    const manifest = {
        schemaVersion: 2,
        mediaType,
        layers: descriptorList(document.layers, 'layers'),
        manifests: descriptorList(document.manifests, 'manifests'),
    };
    if (document.config !== undefined)
        manifest.config = descriptor(document.config, 'config');
    if (document.subject !== undefined)
        manifest.subject = descriptor(document.subject, 'subject');
    if (typeof document.artifactType === 'string')
        manifest.artifactType = document.artifactType;
    if (document.annotations !== undefined)
        manifest.annotations = annotations(document.annotations, 'annotations');
    return manifest;
}
const MANIFEST_TYPES = new Set(Object.values(MediaType));
function readDocument(bytes) {
    let document;
    try {
        document = parseStrictJson(decodeUtf8Strict(bytes));
    }
    catch (error) {
        if (!(error instanceof JsonFormatError))
            throw error;
        throw new ManifestFormatError(`the body is not strict JSON: ${error.message}`);
    }
    if (!isObject(document))
        throw new ManifestFormatError('the body is not a JSON object');
    return document;
}
function resolveMediaType(declared, contentType) {
    if (declared !== undefined && typeof declared !== 'string') {
        throw new ManifestFormatError('"mediaType" is not a string');
    }
    const served = contentType?.split(';')[0]?.trim();
    const servedType = served !== undefined && MANIFEST_TYPES.has(served) ? served : undefined;
    // A registry that serves one manifest type under another's name is broken or tampered with.
    if (declared !== undefined && servedType !== undefined && declared !== servedType) {
        throw new ManifestFormatError(`"mediaType" is ${quote(declared)} but the Content-Type is ${servedType}`);
    }
    const mediaType = declared ?? servedType;
    if (!mediaType) {
        throw new ManifestFormatError('it has no mediaType and the Content-Type names no manifest type');
    }
    return mediaType;
}
function descriptorList(value, field) {
    if (value === undefined || value === null)
        return [];
    if (!Array.isArray(value))
        throw new ManifestFormatError(`"${field}" is not an array`);
    return value.map((item, index) => descriptor(item, `${field}[${index}]`));
}
/** Validates one descriptor object. */
function descriptor(value, field) {
    if (!isObject(value))
        throw new ManifestFormatError(`"${field}" is not an object`);
    const { mediaType, digest, size } = value;
    if (typeof mediaType !== 'string')
        throw new ManifestFormatError(`"${field}.mediaType" is missing`);
    if (typeof digest !== 'string' || !isDigest(digest)) {
        throw new ManifestFormatError(`"${field}.digest" is not a sha256 or sha512 digest`);
    }
    if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0) {
        throw new ManifestFormatError(`"${field}.size" is not a non-negative integer`);
    }
    const result = { mediaType, digest, size };
    if (value.annotations !== undefined)
        result.annotations = annotations(value.annotations, `${field}.annotations`);
    if (typeof value.artifactType === 'string')
        result.artifactType = value.artifactType;
    return result;
}
function annotations(value, field) {
    if (!isObject(value))
        throw new ManifestFormatError(`"${field}" is not an object`);
    const result = {};
    for (const [key, item] of Object.entries(value)) {
        if (typeof item !== 'string') {
            throw new ManifestFormatError(`"${field}" value of key ${quote(key)} is not a string`);
        }
        result[key] = item;
    }
    return result;
}
/** Returns a value as escaped JSON of at most 80 characters, so messages stay on one line. */
function quote(value) {
    const text = JSON.stringify(value) ?? String(value);
    return text.length > 80 ? `${text.slice(0, 80)}…` : text;
}
function isObject(value) {
    return typeof value === 'object' && value !== null && !Array.isArray(value);
}

;// CONCATENATED MODULE: ./src/registry/redirect.ts


/** Redirects followed for one request. Registries send one hop to blob storage, CDNs a second. */
const MAX_REDIRECTS = 5;
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
/** Returns true for the statuses whose `Location` the client follows. */
function isRedirect(status) {
    return REDIRECT_STATUSES.has(status);
}
/**
 * Returns the absolute URL a redirect points to, after checking it: a `Location` is present, the
 * hop count stays within MAX_REDIRECTS, the URL was not visited before, and HTTPS is never
 * downgraded. Plain HTTP is accepted only from plain HTTP and for hosts `allowsPlainHttp` admits.
 * Adds the URL to `visited`.
 */
function redirectTarget(from, location, visited, allowsPlainHttp) {
    const source = redactUrl(from);
    if (location === undefined || location === '') {
        throw redirectError(`GET ${source} returned a redirect without a Location header`, source);
    }
    let target;
    try {
        target = new URL(location, from);
    }
    catch {
        throw redirectError(`GET ${source} redirected to an invalid URL`, source);
    }
    const next = target.toString();
    const redacted = redactUrl(next);
    if (target.protocol !== 'https:' && target.protocol !== 'http:') {
        throw redirectError(`GET ${source} redirected to ${target.protocol} URL ${redacted}, which is not HTTP`, source);
    }
    if (target.protocol === 'http:' &&
        (new URL(from).protocol === 'https:' || !allowsPlainHttp(target.host))) {
        throw redirectError(`GET ${source} redirected to plain HTTP ${redacted}; the client does not downgrade from HTTPS or use plain HTTP beyond loopback and insecure-registries hosts`, source);
    }
    if (visited.has(next)) {
        throw redirectError(`GET ${source} redirected back to ${redacted}, a redirect loop; the registry or its storage is misconfigured`, source);
    }
    if (visited.size > MAX_REDIRECTS) {
        throw redirectError(`GET ${source} redirected more than ${MAX_REDIRECTS} times; the registry or its storage is misconfigured`, source);
    }
    visited.add(next);
    return next;
}
/** Returns true when both URLs have the same scheme, host and port. */
function sameOrigin(a, b) {
    return new URL(a).origin === new URL(b).origin;
}
function redirectError(message, url) {
    return new errors/* RegistryError */.gl('BAD_RESPONSE', message, { method: 'GET', url });
}

;// CONCATENATED MODULE: ./src/registry/client.ts









/** Manifests larger than this are rejected (the OCI distribution spec's recommended limit). */
const MAX_MANIFEST_BYTES = 4 * 1024 * 1024;
/** Default time limit of one call (getManifest, getBlob, get), retries and redirects included. */
const DEFAULT_TIMEOUT_MS = 120_000;
/** Reads manifests, blobs and referrers from OCI distribution registries. */
class RegistryClient {
    transport;
    sender;
    auth;
    insecure;
    deadline;
    timeoutMs;
    constructor(options) {
        this.transport = new Transport(options);
        this.sender = new RetryingSender(this.transport, { ...DEFAULT_RETRY_OPTIONS, ...options.retry }, this.transport.logger);
        this.insecure = new Set(options.insecureRegistries ?? []);
        this.deadline = options.deadline;
        this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
        this.auth = new Authenticator(this.sender, options.credentials, options.onSecret ?? (() => { }), (host) => this.allowsPlainHttp(host));
    }
    /**
     * Fetches a manifest by tag or digest with GET and hashes the bytes served; the
     * `Docker-Content-Digest` header is never trusted alone. When the reference is a digest, or
     * the registry sends the header, a different hash is a DIGEST_MISMATCH error.
     */
    async getManifest(repo, reference, options = {}) {
        const path = `/v2/${repo.repository}/manifests/${reference}`;
        const url = this.url(repo, path);
        const requested = reference.includes(':') ? digestAlgorithm(reference, url) : undefined;
        const response = await this.get(repo, path, { accept: MANIFEST_ACCEPT }, MAX_MANIFEST_BYTES, options);
        checkStatus(response, 'GET', url, `manifest ${repo.repository}:${reference}`);
        rejectHtml(response, url);
        const header = response.headers['docker-content-digest'];
        const algorithm = requested ?? headerAlgorithm(header) ?? 'sha256';
        const digest = computeDigest(response.body, algorithm);
        if (requested && digest !== reference) {
            throw digestMismatch(url, `requested ${reference}`, digest);
        }
        if (header && header !== digest) {
            throw digestMismatch(url, `Docker-Content-Digest ${header}`, digest);
        }
        return { bytes: response.body, digest, contentType: response.headers['content-type'] };
    }
    /** Fetches a blob, following redirects to storage, and checks its size and digest against the descriptor. */
    async getBlob(repo, descriptor, maxBytes, options = {}) {
        const resource = `blob ${descriptor.digest}`;
        const path = `/v2/${repo.repository}/blobs/${descriptor.digest}`;
        const url = this.url(repo, path);
        const algorithm = digestAlgorithm(descriptor.digest, url);
        if (descriptor.size > maxBytes) {
            throw new errors/* RegistryError */.gl('TOO_LARGE', `${resource} in ${repo.repository} is ${descriptor.size} bytes, over the ${maxBytes}-byte limit`);
        }
        const response = await this.get(repo, path, {}, maxBytes, options);
        checkStatus(response, 'GET', url, resource);
        const digest = computeDigest(response.body, algorithm);
        if (response.body.length !== descriptor.size || digest !== descriptor.digest) {
            throw new errors/* RegistryError */.gl('DIGEST_MISMATCH', `GET ${redactUrl(url)}: blob is ${response.body.length} bytes with digest ${digest}, but its descriptor says ${descriptor.size} bytes with digest ${descriptor.digest}; the registry or a proxy altered it`, { method: 'GET', url: redactUrl(url), status: response.status });
        }
        return response.body;
    }
    /**
     * Sends a GET with authentication, retries and redirects. After a 401 it fetches a new token
     * once and sends the request again. Returns the response whatever its status; callers check it with `checkStatus`.
     */
    async get(repo, path, headers, maxBytes, options = {}) {
        const origin = this.origin(repo.apiHost);
        const scope = `repository:${repo.repository}:pull`;
        const url = `${origin}${path}`;
        const deadline = options.deadline ?? this.deadline ?? Date.now() + this.timeoutMs;
        let authorization = await this.auth.header(origin, repo.registry, scope, deadline);
        let response = await this.follow(url, headers, authorization, maxBytes, deadline);
        // Only the registry's own 401 triggers a new token, because storage behind a redirect has its own auth.
        if (response.status === 401 && sameOrigin(response.url, origin)) {
            const challenge = response.headers['www-authenticate'];
            authorization = await this.auth.refresh(origin, repo.registry, scope, challenge, deadline);
            if (authorization !== undefined) {
                response = await this.follow(url, headers, authorization, maxBytes, deadline);
            }
        }
        return response;
    }
    /**
     * Returns a client that shares this one's connections and cached tokens, but whose calls fail
     * with TIMEOUT after `deadline` (epoch milliseconds). Images checked in parallel each get one,
     * so every image keeps its own time limit.
     */
    withDeadline(deadline) {
        const view = Object.create(RegistryClient.prototype);
        Object.assign(view, this);
        view.deadline = deadline;
        return view;
    }
    /** Returns the full URL of a path on the repository's registry. */
    url(repo, path) {
        return `${this.origin(repo.apiHost)}${path}`;
    }
    async close() {
        await this.transport.close();
    }
    /**
     * Sends a GET and follows redirects up to MAX_REDIRECTS. `Authorization` goes only to the
     * registry's origin, because presigned storage URLs carry their own signature and must not
     * receive the registry token.
     */
    async follow(url, headers, authorization, maxBytes, deadline) {
        const visited = new Set([url]);
        let target = url;
        for (;;) {
            const hopHeaders = sameOrigin(target, url)
                ? withAuthorization(headers, authorization)
                : headers;
            const response = await this.sender.send({
                method: 'GET',
                url: target,
                headers: hopHeaders,
                maxBytes,
                deadline,
            });
            if (!isRedirect(response.status))
                return response;
            const next = redirectTarget(target, response.headers.location, visited, (host) => this.allowsPlainHttp(host));
            this.transport.logger.debug(`following ${response.status} redirect from ${redactUrl(target)} to ${redactUrl(next)}`);
            target = next;
        }
    }
    origin(host) {
        return `${this.allowsPlainHttp(host) ? 'http' : 'https'}://${host}`;
    }
    allowsPlainHttp(host) {
        return isLoopback(host) || this.insecure.has(host) || this.insecure.has(hostname(host));
    }
}
/** Returns true for localhost, 127.0.0.0/8 and ::1, with or without a port. */
function isLoopback(host) {
    const name = hostname(host).toLowerCase();
    if (name === 'localhost' || name === '::1')
        return true;
    const octets = /^127\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(name);
    return octets !== null && octets.slice(1).every((octet) => Number(octet) <= 255);
}
/** Returns the host name without port or IPv6 brackets. */
function hostname(host) {
    if (host.startsWith('['))
        return host.slice(1, host.indexOf(']'));
    // Two or more colons without brackets is a bare IPv6 address, which has no port.
    if (host.indexOf(':') !== host.lastIndexOf(':'))
        return host;
    const colon = host.indexOf(':');
    return colon >= 0 ? host.slice(0, colon) : host;
}
function withAuthorization(headers, authorization) {
    return authorization === undefined ? headers : { ...headers, authorization };
}
function headerAlgorithm(header) {
    if (header?.startsWith('sha512:'))
        return 'sha512';
    if (header?.startsWith('sha256:'))
        return 'sha256';
    return undefined;
}
function digestAlgorithm(digest, url) {
    try {
        return parseDigest(digest).algorithm;
    }
    catch (error) {
        throw new errors/* RegistryError */.gl('UNSUPPORTED', `cannot fetch ${redactUrl(url)}: ${error.message}`, {
            url: redactUrl(url),
        });
    }
}
/** Rejects an HTML page served with 200, the usual sign of a login portal or a wrong URL. */
function rejectHtml(response, url) {
    const type = response.headers['content-type']?.split(';')[0]?.trim().toLowerCase();
    if (type !== 'text/html')
        return;
    throw new errors/* RegistryError */.gl('BAD_RESPONSE', `GET ${redactUrl(url)} returned an HTML page instead of a manifest; a login page or proxy answered, so check the registry host and network`, { method: 'GET', url: redactUrl(url), status: response.status });
}
function digestMismatch(url, claimed, computed) {
    return new errors/* RegistryError */.gl('DIGEST_MISMATCH', `GET ${redactUrl(url)}: ${claimed} does not match the served bytes, which hash to ${computed}; the registry or a proxy altered the manifest`, { method: 'GET', url: redactUrl(url) });
}

;// CONCATENATED MODULE: ./src/cosign/referrers.ts





/** Artifact types of Sigstore bundles start with this (v0.1 to v0.3). */
const BUNDLE_MEDIA_TYPE_PREFIX = 'application/vnd.dev.sigstore.bundle';
/** Largest bundle read. Keyless bundles with a chain and proofs are a few tens of KiB. */
const MAX_BUNDLE_BYTES = 1024 * 1024;
/** Pages of a paginated referrers reply followed before giving up. */
const MAX_REFERRER_PAGES = 50;
/** Status codes that mean the registry has no referrers API (OCI distribution spec 1.1). */
const NO_REFERRERS_API = new Set([400, 404, 405, 406]);
/**
 * Lists referrers of `digest` through the referrers API, falling back to the `<alg>-<hex>` tag
 * when the registry has no API. `artifactType` filters on the client, whatever the registry did.
 */
async function fetchReferrers(client, repo, digest, artifactTypePrefix) {
    const fromApi = await fetchFromApi(client, repo, digest);
    const referrers = fromApi ?? (await fetchFromTag(client, repo, digest));
    referrers.descriptors = referrers.descriptors.filter((descriptor) => (descriptor.artifactType ?? '').startsWith(artifactTypePrefix));
    return referrers;
}
async function fetchFromApi(client, repo, digest) {
    const descriptors = [];
    let path = `/v2/${repo.repository}/referrers/${digest}`;
    for (let page = 0; path !== undefined; page++) {
        if (page === MAX_REFERRER_PAGES) {
            throw new errors/* RegistryError */.gl('BAD_RESPONSE', `the referrers list of ${repo.repository}@${digest} has more than ${MAX_REFERRER_PAGES} pages`);
        }
        const response = await client.get(repo, path, { accept: MediaType.OCI_INDEX }, MAX_MANIFEST_BYTES);
        const url = client.url(repo, path);
        if (page === 0 && NO_REFERRERS_API.has(response.status))
            return undefined;
        checkStatus(response, 'GET', url, `referrers of ${digest}`);
        // A registry without the API may serve something else at this path, such as a login page.
        const contentType = response.headers['content-type']?.split(';')[0]?.trim();
        if (page === 0 && contentType !== MediaType.OCI_INDEX)
            return undefined;
        descriptors.push(...parseIndex(response.body, contentType, `referrers of ${digest}`).manifests);
        path = nextPage(response.headers.link, url);
    }
    return { source: 'api', tag: '', descriptors };
}
async function fetchFromTag(client, repo, digest) {
    const { algorithm, hex } = parseDigest(digest);
    const tag = `${algorithm}-${hex}`;
    try {
        const { bytes, contentType } = await client.getManifest(repo, tag);
        const index = parseIndex(bytes, contentType, `referrers tag ${repo.repository}:${tag}`);
        return { source: 'tag', tag, descriptors: index.manifests };
    }
    catch (error) {
        if (error instanceof errors/* RegistryError */.gl && error.code === 'NOT_FOUND') {
            return { source: 'tag', tag, descriptors: [] };
        }
        throw error;
    }
}
function parseIndex(bytes, contentType, source) {
    try {
        const index = parseManifest(bytes, contentType ?? MediaType.OCI_INDEX);
        if (index.mediaType !== MediaType.OCI_INDEX) {
            throw new ManifestFormatError(`its media type is ${index.mediaType}, not an OCI image index`);
        }
        return index;
    }
    catch (error) {
        if (!(error instanceof ManifestFormatError))
            throw error;
        throw new errors/* VerificationError */.mk('MALFORMED', `${source} is not a valid image index: ${error.message}`);
    }
}
/** Returns the path and query of a `Link: <…>; rel="next"` target on the same origin. */
function nextPage(link, current) {
    if (!link)
        return undefined;
    const match = /<([^>]*)>\s*;\s*rel="?next"?/i.exec(link);
    if (!match?.[1])
        return undefined;
    const next = new URL(match[1], current);
    if (next.origin !== new URL(current).origin) {
        throw new errors/* RegistryError */.gl('BAD_RESPONSE', `the referrers list links to another origin, ${next.origin}`);
    }
    return `${next.pathname}${next.search}`;
}
/**
 * Reads each bundle referrer: its manifest (which must name `digest` as subject) and the
 * single bundle layer, checked against its descriptor.
 */
async function fetchBundles(client, repo, digest, descriptors) {
    const reads = [];
    for (const descriptor of descriptors) {
        try {
            reads.push({ descriptor, bundle: await readBundle(client, repo, digest, descriptor) });
        }
        catch (error) {
            reads.push({ descriptor, error: error });
        }
    }
    return reads;
}
async function readBundle(client, repo, digest, descriptor) {
    const { bytes, contentType } = await client.getManifest(repo, descriptor.digest);
    const where = `bundle manifest ${descriptor.digest}`;
    let manifest;
    try {
        manifest = parseManifest(bytes, contentType);
    }
    catch (error) {
        if (!(error instanceof ManifestFormatError))
            throw error;
        throw new errors/* VerificationError */.mk('MALFORMED', `${where} is invalid: ${error.message}`);
    }
    if (manifest.subject?.digest !== digest) {
        throw new errors/* VerificationError */.mk('DIGEST_MISMATCH', `${where} names subject ${manifest.subject?.digest ?? '(none)'}, not the image digest ${digest}`);
    }
    const layer = manifest.layers.find((item) => item.mediaType.startsWith(BUNDLE_MEDIA_TYPE_PREFIX));
    if (!layer)
        throw new errors/* VerificationError */.mk('MALFORMED', `${where} has no Sigstore bundle layer`);
    const blob = await client.getBlob(repo, layer, MAX_BUNDLE_BYTES);
    try {
        return JSON.parse(blob.toString('utf8'));
    }
    catch {
        throw new errors/* VerificationError */.mk('MALFORMED', `bundle ${layer.digest} is not JSON`);
    }
}

;// CONCATENATED MODULE: ./src/cosign/signatures.ts



/** Media type of a legacy cosign signature layer (the simple-signing payload). */
const SIMPLE_SIGNING_MEDIA_TYPE = 'application/vnd.dev.cosign.simplesigning.v1+json';
/** Layer annotation that contains the base64 signature. */
const SIGNATURE_ANNOTATION = 'dev.cosignproject.cosign/signature';
/** A `.sig` manifest with more layers is rejected; cosign applies the same limit. */
const MAX_SIGNATURE_LAYERS = 1000;
/** Largest simple-signing payload read. Real payloads are a few hundred bytes. */
const MAX_PAYLOAD_BYTES = 256 * 1024;
/** Tags are at most 128 characters (OCI distribution spec), so sha512 digests have no `.sig` tag. */
const MAX_TAG_LENGTH = 128;
/**
 * Returns cosign's signature tag for an image digest, `sha256-<hex>.sig`, or undefined when
 * the tag would exceed the tag length limit.
 */
function signatureTag(imageDigest) {
    const { algorithm, hex } = parseDigest(imageDigest);
    const tag = `${algorithm}-${hex}.sig`;
    return tag.length <= MAX_TAG_LENGTH ? tag : undefined;
}
/**
 * Reads the `.sig` manifest and each simple-signing layer's payload. Registry failures other
 * than a missing tag are thrown; a failure of one layer is returned in its place.
 */
async function fetchLegacySignatures(client, repo, tag) {
    let bytes;
    let contentType;
    try {
        ({ bytes, contentType } = await client.getManifest(repo, tag));
    }
    catch (error) {
        if (error instanceof errors/* RegistryError */.gl && error.code === 'NOT_FOUND') {
            return { tag, found: false, layers: [], skipped: 0 };
        }
        throw error;
    }
    const manifest = parseSignatureManifest(bytes, contentType, `${repo.repository}:${tag}`);
    const signatureLayers = manifest.layers.filter((layer) => layer.mediaType === SIMPLE_SIGNING_MEDIA_TYPE);
    const layers = [];
    for (const descriptor of signatureLayers) {
        layers.push(await readLayer(client, repo, descriptor));
    }
    return { tag, found: true, layers, skipped: manifest.layers.length - signatureLayers.length };
}
function parseSignatureManifest(bytes, contentType, where) {
    let manifest;
    try {
        manifest = parseManifest(bytes, contentType);
    }
    catch (error) {
        if (!(error instanceof ManifestFormatError))
            throw error;
        throw new errors/* VerificationError */.mk('MALFORMED', `signature manifest ${where} is invalid: ${error.message}`);
    }
    if (manifest.layers.length > MAX_SIGNATURE_LAYERS) {
        throw new errors/* VerificationError */.mk('MALFORMED', `signature manifest ${where} has ${manifest.layers.length} layers, over the limit of ${MAX_SIGNATURE_LAYERS}`);
    }
    return manifest;
}
async function readLayer(client, repo, descriptor) {
    const annotations = descriptor.annotations ?? {};
    const signature = annotations[SIGNATURE_ANNOTATION];
    if (signature === undefined) {
        const error = new errors/* VerificationError */.mk('MALFORMED', `signature layer ${descriptor.digest} has no ${SIGNATURE_ANNOTATION} annotation`);
        return { error };
    }
    try {
        const payload = await client.getBlob(repo, descriptor, MAX_PAYLOAD_BYTES);
        return { layer: { payload, signature, annotations } };
    }
    catch (error) {
        return { error: error };
    }
}

// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __webpack_require__(3024);
;// CONCATENATED MODULE: ./src/cosign/keys.ts



const SUPPORTED_CURVES = new Set(['prime256v1', 'secp384r1', 'secp521r1']);
/**
 * Loads a public key from PEM text or from a path to a PEM file. Throws ConfigError for
 * anything that is not an ECDSA P-256/P-384/P-521, RSA or Ed25519 public key.
 */
function loadPublicKey(value) {
    const text = value.trim();
    let pem = text;
    let source = 'the public-key input';
    if (!text.startsWith('-----BEGIN')) {
        if (!(0,external_node_fs_.existsSync)(text)) {
            throw new errors/* ConfigError */.xL(`public-key "${text}" is neither PEM text nor a readable file: pass the PEM or a path to it`);
        }
        source = `public key file ${text}`;
        try {
            pem = (0,external_node_fs_.readFileSync)(text, 'utf8');
        }
        catch (error) {
            throw new errors/* ConfigError */.xL(`${source} cannot be read (${error.code ?? (0,errors/* errorMessage */.gJ)(error)}): pass a readable PEM file`);
        }
    }
    let key;
    try {
        key = (0,external_node_crypto_.createPublicKey)({ key: pem, format: 'pem' });
    }
    catch (error) {
        throw new errors/* ConfigError */.xL(`${source} is not a valid PEM public key (${error.message}): export it with "cosign public-key"`);
    }
    checkKeyType(key, source);
    return key;
}
function checkKeyType(key, source) {
    const type = key.asymmetricKeyType;
    if (type === 'rsa' || type === 'rsa-pss' || type === 'ed25519')
        return;
    if (type === 'ec' && SUPPORTED_CURVES.has(key.asymmetricKeyDetails?.namedCurve ?? ''))
        return;
    const curve = key.asymmetricKeyDetails?.namedCurve;
    throw new errors/* ConfigError */.xL(`${source} is a ${type ?? 'unknown'}${curve ? ` ${curve}` : ''} key: use ECDSA P-256/P-384/P-521, RSA or Ed25519`);
}
/**
 * Decodes a base64 signature, allowing line breaks (some signers wrap it), and throws
 * MALFORMED for anything else that is not base64.
 */
function decodeSignature(text) {
    const compact = text.replace(/\s+/g, '');
    if (compact === '' || compact.length % 4 !== 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(compact)) {
        throw new errors/* VerificationError */.mk('MALFORMED', 'the signature annotation is not valid base64');
    }
    return Buffer.from(compact, 'base64');
}
/**
 * Verifies `signature` over `data` with `key`. ECDSA signatures are ASN.1 DER; RSA is tried
 * with PKCS#1 v1.5 and then PSS, since cosign accepts both; Ed25519 signs the data itself.
 */
function verifyWithKey(key, data, signature, hashAlgorithm) {
    try {
        const type = key.asymmetricKeyType;
        if (type === 'ed25519')
            return (0,external_node_crypto_.verify)(null, data, key, signature);
        if (type === 'rsa-pss') {
            return (0,external_node_crypto_.verify)(hashAlgorithm, data, { key, saltLength: external_node_crypto_.constants.RSA_PSS_SALTLEN_AUTO }, signature);
        }
        if (type === 'rsa') {
            if ((0,external_node_crypto_.verify)(hashAlgorithm, data, key, signature))
                return true;
            return (0,external_node_crypto_.verify)(hashAlgorithm, data, {
                key,
                padding: external_node_crypto_.constants.RSA_PKCS1_PSS_PADDING,
                saltLength: external_node_crypto_.constants.RSA_PSS_SALTLEN_AUTO,
            }, signature);
        }
        return (0,external_node_crypto_.verify)(hashAlgorithm, data, { key, dsaEncoding: 'der' }, signature);
    }
    catch {
        // OpenSSL throws on signatures it cannot parse; for a verifier that is a failed check.
        return false;
    }
}

// EXTERNAL MODULE: ./node_modules/@sigstore/bundle/dist/index.js
var dist = __webpack_require__(1040);
// EXTERNAL MODULE: ./node_modules/@sigstore/core/dist/index.js
var core_dist = __webpack_require__(3917);
// EXTERNAL MODULE: ./node_modules/@sigstore/verify/dist/index.js
var verify_dist = __webpack_require__(4187);
// EXTERNAL MODULE: ./node_modules/@sigstore/verify/dist/tlog/set.js
var set = __webpack_require__(333);
;// CONCATENATED MODULE: ./src/cosign/keyless.ts
/**
 * Mapping of a legacy cosign `.sig` layer onto a Sigstore v0.1 message-signature bundle, so that
 * sigstore-js verifies it like any bundle. The module also has the log-entry body checks that
 * sigstore-js does not do: the key or certificate named by the entry, and the old `rekord` kind.
 */




// NOTE: @sigstore/verify 4.1 has no body check for the `rekord` kind and exports no SET check on
// its own. This deep import reuses its internal SET check for such entries, so recheck it on upgrade.


const CERTIFICATE_ANNOTATION = 'dev.sigstore.cosign/certificate';
const CHAIN_ANNOTATION = 'dev.sigstore.cosign/chain';
const REKOR_BUNDLE_ANNOTATION = 'dev.sigstore.cosign/bundle';
const TIMESTAMP_ANNOTATION = 'dev.sigstore.cosign/rfc3161timestamp';
/** Rekor entry kinds whose body names signature, data hash and key in the same fields. */
const LEGACY_ENTRY_KINDS = ['hashedrekord', 'rekord'];
/**
 * Maps a legacy keyless `.sig` layer onto a v0.1 message-signature bundle. The bundle carries the
 * leaf certificate and any chain, and the Rekor bundle as a log entry with its signed entry
 * timestamp. It also carries any RFC 3161 timestamp, and the payload's SHA-256 as message digest.
 * The artifact is the payload blob. Throws VerificationError('MALFORMED') naming the bad annotation.
 */
function legacyLayerToBundle(layer) {
    const certificate = requiredAnnotation(layer, CERTIFICATE_ANNOTATION);
    const certificates = [certificate, ...chainCertificates(layer)].map((der) => ({
        rawBytes: der.toString('base64'),
    }));
    return {
        mediaType: dist/* BUNDLE_V01_MEDIA_TYPE */.Td,
        verificationMaterial: {
            x509CertificateChain: { certificates },
            publicKey: undefined,
            certificate: undefined,
            ...legacyLogMaterial(layer),
        },
        messageSignature: messageSignature(layer, 'sha256'),
        dsseEnvelope: undefined,
    };
}
/**
 * Maps a legacy key-based `.sig` layer onto a v0.1 bundle whose verification material is a public
 * key hint; the caller's key finder supplies the key. The digest uses the policy's hash algorithm.
 */
function legacyKeyLayerToBundle(layer, hashAlgorithm) {
    return {
        mediaType: dist/* BUNDLE_V01_MEDIA_TYPE */.Td,
        verificationMaterial: {
            publicKey: { hint: '' },
            x509CertificateChain: undefined,
            certificate: undefined,
            ...legacyLogMaterial(layer),
        },
        messageSignature: messageSignature(layer, hashAlgorithm),
        dsseEnvelope: undefined,
    };
}
/** Decodes the base64 signature of a layer; cosign may wrap it over several lines. */
function layerSignatureBytes(layer) {
    const text = layer.signature.replace(/\s+/g, '');
    if (text === '' || !/^[A-Za-z0-9+/]+={0,2}$/.test(text)) {
        throw new errors/* VerificationError */.mk('MALFORMED', 'layer signature annotation is not valid base64');
    }
    return Buffer.from(text, 'base64');
}
/** Returns the DER of the leaf certificate in the certificate annotation. */
function layerCertificate(layer) {
    return requiredAnnotation(layer, CERTIFICATE_ANNOTATION);
}
/**
 * Checks that a hashedrekord or rekord body names this signature, payload hash and key or
 * certificate. Throws VerificationError('TLOG_INVALID') naming the field that differs.
 */
function checkLegacyLogBody(entry, expected) {
    const body = parseBody(entry.canonicalizedBody);
    const spec = (body.spec ?? {});
    const signature = spec.signature?.content;
    if (typeof signature !== 'string' ||
        !Buffer.from(signature, 'base64').equals(expected.signature)) {
        throw logBodyError('names another signature');
    }
    const hash = spec.data?.hash;
    if (hash?.algorithm !== expected.payloadHashAlgorithm || hash.value !== expected.payloadHash) {
        throw logBodyError(`names another payload hash (${String(hash?.value)})`);
    }
    const publicKey = spec.signature?.publicKey?.content;
    if (typeof publicKey !== 'string' || !verifierMatches(publicKey, expected)) {
        throw logBodyError(expected.certificate ? 'names another certificate' : 'names another public key');
    }
}
/**
 * Verifies the signed entry timestamp of a `rekord` entry, a kind sigstore-js cannot verify as a
 * whole. Throws VerificationError('TLOG_INVALID').
 */
function verifyRekordInclusionPromise(entry, material) {
    if (entry.inclusionPromise === undefined) {
        throw new errors/* VerificationError */.mk('TLOG_INVALID', 'rekord log entry has no signed entry timestamp');
    }
    try {
        (0,set.verifyTLogSET)({ ...entry, inclusionPromise: entry.inclusionPromise }, material.tlogs);
    }
    catch (error) {
        throw new errors/* VerificationError */.mk('TLOG_INVALID', `log entry signed entry timestamp check failed: ${(0,errors/* errorMessage */.gJ)(error)}`, { cause: error });
    }
}
/** Returns whether an entry is of the old `rekord` kind, which sigstore-js 4.1 cannot check. */
function isRekordEntry(entry) {
    return entry.kindVersion.kind === 'rekord';
}
function legacyLogMaterial(layer) {
    const rekorBundle = layer.annotations[REKOR_BUNDLE_ANNOTATION];
    const timestamp = layer.annotations[TIMESTAMP_ANNOTATION];
    return {
        tlogEntries: rekorBundle === undefined ? [] : [legacyLogEntry(rekorBundle)],
        timestampVerificationData: {
            rfc3161Timestamps: timestamp === undefined ? [] : [legacyTimestamp(timestamp)],
        },
    };
}
function messageSignature(layer, hashAlgorithm) {
    const algorithm = { sha256: 'SHA2_256', sha384: 'SHA2_384', sha512: 'SHA2_512' }[hashAlgorithm];
    return {
        messageDigest: {
            algorithm,
            digest: (0,external_node_crypto_.createHash)(hashAlgorithm).update(layer.payload).digest('base64'),
        },
        signature: layerSignatureBytes(layer).toString('base64'),
    };
}
/** Maps cosign's legacy Rekor bundle (SignedEntryTimestamp + Payload) onto a bundle log entry. */
function legacyLogEntry(annotation) {
    const malformed = (reason) => new errors/* VerificationError */.mk('MALFORMED', `annotation ${REKOR_BUNDLE_ANNOTATION} ${reason}`);
    let parsed;
    try {
        parsed = JSON.parse(annotation);
    }
    catch {
        throw malformed('is not valid JSON');
    }
    const { SignedEntryTimestamp: set, Payload: payload } = (parsed ?? {});
    if (typeof set !== 'string' || set === '')
        throw malformed('has no SignedEntryTimestamp');
    if (typeof payload?.body !== 'string')
        throw malformed('has no Payload.body');
    if (!Number.isSafeInteger(payload.integratedTime))
        throw malformed('has no Payload.integratedTime');
    if (!Number.isSafeInteger(payload.logIndex))
        throw malformed('has no Payload.logIndex');
    if (typeof payload.logID !== 'string' || !/^[0-9a-f]{64}$/.test(payload.logID)) {
        throw malformed('has no hex Payload.logID');
    }
    const body = parseBody(Buffer.from(payload.body, 'base64'), REKOR_BUNDLE_ANNOTATION);
    if (typeof body.kind !== 'string' || !LEGACY_ENTRY_KINDS.includes(body.kind)) {
        throw malformed(`has Rekor kind ${JSON.stringify(body.kind)}, expected hashedrekord or rekord`);
    }
    return {
        logIndex: String(payload.logIndex),
        logId: { keyId: Buffer.from(payload.logID, 'hex').toString('base64') },
        kindVersion: { kind: body.kind, version: String(body.apiVersion) },
        integratedTime: String(payload.integratedTime),
        inclusionPromise: { signedEntryTimestamp: set },
        inclusionProof: undefined,
        canonicalizedBody: payload.body,
    };
}
// NOTE: cosign writes this annotation as JSON with a base64 `SignedRFC3161Timestamp` over the raw
// signature bytes. Tests cover it with timestamps of a generated TSA, not yet with a real one.
function legacyTimestamp(annotation) {
    let parsed;
    try {
        parsed = JSON.parse(annotation);
    }
    catch {
        parsed = undefined;
    }
    const value = parsed
        ?.SignedRFC3161Timestamp;
    if (typeof value !== 'string' || value === '') {
        throw new errors/* VerificationError */.mk('MALFORMED', `annotation ${TIMESTAMP_ANNOTATION} has no SignedRFC3161Timestamp`);
    }
    return { signedTimestamp: value };
}
function requiredAnnotation(layer, name) {
    const value = layer.annotations[name];
    if (value === undefined) {
        throw new errors/* VerificationError */.mk('MALFORMED', `annotation ${name} is missing`);
    }
    const certificates = pemCertificates(value, name);
    if (certificates.length !== 1 || certificates[0] === undefined) {
        throw new errors/* VerificationError */.mk('MALFORMED', `annotation ${name} must contain one PEM certificate`);
    }
    return certificates[0];
}
function chainCertificates(layer) {
    const value = layer.annotations[CHAIN_ANNOTATION];
    return value === undefined ? [] : pemCertificates(value, CHAIN_ANNOTATION);
}
function pemCertificates(text, annotation) {
    const blocks = text.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g) ?? [];
    if (blocks.length === 0) {
        throw new errors/* VerificationError */.mk('MALFORMED', `annotation ${annotation} contains no PEM certificate`);
    }
    return blocks.map((block) => {
        try {
            const der = core_dist.pem.toDER(block);
            core_dist.X509Certificate.parse(der);
            return der;
        }
        catch (error) {
            throw new errors/* VerificationError */.mk('MALFORMED', `annotation ${annotation} contains an invalid certificate: ${(0,errors/* errorMessage */.gJ)(error)}`);
        }
    });
}
function parseBody(body, annotation) {
    try {
        const parsed = JSON.parse(body.toString('utf8'));
        if (typeof parsed === 'object' && parsed !== null)
            return parsed;
    }
    catch {
        // Reported below with the same message as a non-object body.
    }
    throw annotation === undefined
        ? new errors/* VerificationError */.mk('TLOG_INVALID', 'log entry body is not a JSON object')
        : new errors/* VerificationError */.mk('MALFORMED', `annotation ${annotation} Payload.body is not a JSON object`);
}
/** Compares the base64 PEM key or certificate in a log entry body with the expected signer. */
function verifierMatches(base64Pem, expected) {
    const text = Buffer.from(base64Pem, 'base64').toString('utf8');
    try {
        if (expected.certificate !== undefined) {
            return core_dist.pem.toDER(text).equals(expected.certificate);
        }
        const key = text.includes('CERTIFICATE')
            ? (0,external_node_crypto_.createPublicKey)({ key: core_dist.X509Certificate.parse(text).publicKey, format: 'der', type: 'spki' })
            : (0,external_node_crypto_.createPublicKey)(text);
        return expected.key !== undefined && key.equals(expected.key);
    }
    catch {
        return false;
    }
}
function logBodyError(reason) {
    return new errors/* VerificationError */.mk('TLOG_INVALID', `log entry body check failed: the entry ${reason}`);
}
/**
 * Checks each legacy log entry body against the layer, and verifies `rekord` entries here because
 * sigstore-js cannot. Returns the entity without those entries and how many were verified.
 */
async function checkLegacyEntries(entity, expected, trustedRoot) {
    for (const entry of entity.tlogEntries) {
        checkLegacyLogBody(entry, expected);
    }
    const rekordEntries = entity.tlogEntries.filter(isRekordEntry);
    if (rekordEntries.length === 0) {
        return { entity, verifiedEntries: 0 };
    }
    const material = (0,verify_dist/* toTrustMaterial */.jO)(await trustedRoot());
    for (const entry of rekordEntries) {
        verifyRekordInclusionPromise(entry, material);
    }
    const tlogEntries = entity.tlogEntries.filter((entry) => !isRekordEntry(entry));
    return { entity: { ...entity, tlogEntries }, verifiedEntries: rekordEntries.length };
}
/** Payload digest of a layer as a log entry body states it. */
function layerDigest(layer, algorithm) {
    return {
        payloadHashAlgorithm: algorithm,
        payloadHash: (0,external_node_crypto_.createHash)(algorithm).update(layer.payload).digest('hex'),
    };
}

;// CONCATENATED MODULE: ./src/cosign/payload.ts

/** The `critical.type` value of a cosign image signature payload. */
const SIGNATURE_PAYLOAD_TYPE = 'cosign container image signature';
/**
 * Parses a simple-signing payload (the red hat "atomic container signature" format cosign
 * writes). Keys are matched case-insensitively because podman writes `Docker-manifest-digest`.
 */
function parsePayload(bytes) {
    let document;
    try {
        document = JSON.parse(bytes.toString('utf8'));
    }
    catch {
        throw new errors/* VerificationError */.mk('MALFORMED', 'the signature payload is not JSON');
    }
    const critical = field(document, 'critical');
    const type = field(critical, 'type');
    const image = field(critical, 'image');
    const manifestDigest = field(image, 'docker-manifest-digest');
    if (typeof type !== 'string' || typeof manifestDigest !== 'string') {
        throw new errors/* VerificationError */.mk('MALFORMED', 'the signature payload lacks critical.type or critical.image.docker-manifest-digest');
    }
    const reference = field(field(critical, 'identity'), 'docker-reference');
    return {
        type,
        manifestDigest,
        dockerReference: typeof reference === 'string' ? reference : undefined,
    };
}
/** Throws unless the payload is an image signature that names `imageDigest`. */
function checkPayload(payload, imageDigest) {
    if (payload.type.toLowerCase() !== SIGNATURE_PAYLOAD_TYPE) {
        throw new errors/* VerificationError */.mk('NOT_A_SIGNATURE', `the payload type is ${JSON.stringify(payload.type)}, not "${SIGNATURE_PAYLOAD_TYPE}"`);
    }
    if (payload.manifestDigest !== imageDigest) {
        throw new errors/* VerificationError */.mk('DIGEST_MISMATCH', `the signature payload names ${JSON.stringify(payload.manifestDigest).slice(1, -1)}, not the image digest ${imageDigest}`);
    }
}
/**
 * Returns the value under `key` (compared case-insensitively) of a JSON object. Two keys that
 * differ only in case are rejected, because another verifier could read the other one.
 */
function field(value, key) {
    if (typeof value !== 'object' || value === null || Array.isArray(value))
        return undefined;
    const expected = key.toLowerCase();
    const matches = Object.entries(value).filter(([name]) => name.toLowerCase() === expected);
    if (matches.length > 1) {
        throw new errors/* VerificationError */.mk('MALFORMED', `the signature payload has ${matches.length} keys named "${key}" in different cases`);
    }
    return matches[0]?.[1];
}

// EXTERNAL MODULE: ./node_modules/@sigstore/protobuf-specs/dist/index.js
var protobuf_specs_dist = __webpack_require__(9654);
;// CONCATENATED MODULE: ./src/cosign/bundle.ts
/**
 * Parsing of Sigstore bundles attached to an image, and the content checks that sigstore-js leaves
 * to the caller. The signed statement or message digest must name the image. A DSSE bundle must
 * carry a cosign signature, not some other attestation.
 */




/** Payload type of a DSSE envelope that contains an in-toto statement. */
const IN_TOTO_PAYLOAD_TYPE = 'application/vnd.in-toto+json';
/** Predicate type of the statement `cosign sign` writes into a bundle (cosign 3). */
const COSIGN_SIGN_PREDICATE_TYPE = 'https://sigstore.dev/cosign/sign/v1';
const MESSAGE_DIGEST_ALGORITHMS = {
    [protobuf_specs_dist.HashAlgorithm.SHA2_256]: 'sha256',
    [protobuf_specs_dist.HashAlgorithm.SHA2_384]: 'sha384',
    [protobuf_specs_dist.HashAlgorithm.SHA2_512]: 'sha512',
};
/** Parses a bundle with @sigstore/bundle. Throws VerificationError('MALFORMED') naming the bad fields. */
function parseBundle(bundleJson) {
    try {
        return (0,dist/* bundleFromJSON */.vw)(bundleJson);
    }
    catch (error) {
        const fields = error instanceof dist/* ValidationError */.yI ? ` (${error.fields.join(', ')})` : '';
        throw new errors/* VerificationError */.mk('MALFORMED', `invalid Sigstore bundle: ${(0,errors/* errorMessage */.gJ)(error)}${fields}`, { cause: error });
    }
}
/**
 * Checks that the bundle signs the image digest (`algorithm:hex`): the in-toto statement of a DSSE
 * envelope must list it as a subject and carry the cosign signature predicate, and a message
 * signature must have it as message digest. Returns the base64 signature.
 */
function checkBundleContent(bundle, imageDigest) {
    const expected = splitDigest(imageDigest);
    switch (bundle.content.$case) {
        case 'dsseEnvelope': {
            const envelope = bundle.content.dsseEnvelope;
            checkStatement(envelope.payloadType, envelope.payload, expected, imageDigest);
            const signature = envelope.signatures[0]?.sig ?? Buffer.alloc(0);
            return { signature: Buffer.from(signature).toString('base64') };
        }
        case 'messageSignature': {
            const { messageDigest, signature } = bundle.content.messageSignature;
            const algorithm = messageDigest === undefined
                ? undefined
                : MESSAGE_DIGEST_ALGORITHMS[messageDigest.algorithm];
            const hex = messageDigest === undefined ? '' : Buffer.from(messageDigest.digest).toString('hex');
            if (algorithm !== expected.algorithm || hex !== expected.hex) {
                throw new errors/* VerificationError */.mk('DIGEST_MISMATCH', `bundle message digest ${algorithm ?? 'unknown'}:${hex} does not match image digest ${imageDigest}`);
            }
            return { signature: Buffer.from(signature).toString('base64') };
        }
    }
}
function checkStatement(payloadType, payload, expected, imageDigest) {
    if (payloadType !== IN_TOTO_PAYLOAD_TYPE) {
        throw new errors/* VerificationError */.mk('NOT_A_SIGNATURE', `bundle DSSE payload type is ${JSON.stringify(payloadType)}, not ${IN_TOTO_PAYLOAD_TYPE}; it is not a cosign signature`);
    }
    const statement = parseStatement(payload);
    const subjects = Array.isArray(statement.subject) ? statement.subject : [];
    const named = subjects.some((subject) => subjectDigest(subject, expected.algorithm) === expected.hex);
    if (!named) {
        throw new errors/* VerificationError */.mk('DIGEST_MISMATCH', `bundle statement subjects do not include image digest ${imageDigest}`);
    }
    if (statement.predicateType !== COSIGN_SIGN_PREDICATE_TYPE) {
        throw new errors/* VerificationError */.mk('NOT_A_SIGNATURE', `bundle is an attestation with predicate type ${JSON.stringify(statement.predicateType)}, not a signature (${COSIGN_SIGN_PREDICATE_TYPE})`);
    }
}
function parseStatement(payload) {
    let statement;
    try {
        statement = JSON.parse(payload.toString('utf8'));
    }
    catch (error) {
        throw new errors/* VerificationError */.mk('MALFORMED', `bundle DSSE payload is not valid JSON: ${(0,errors/* errorMessage */.gJ)(error)}`);
    }
    if (typeof statement !== 'object' || statement === null || Array.isArray(statement)) {
        throw new errors/* VerificationError */.mk('MALFORMED', 'bundle DSSE payload is not an in-toto statement object');
    }
    return statement;
}
function subjectDigest(subject, algorithm) {
    if (typeof subject !== 'object' || subject === null)
        return undefined;
    const digest = subject.digest;
    if (typeof digest !== 'object' || digest === null)
        return undefined;
    const value = digest[algorithm];
    return typeof value === 'string' ? value.toLowerCase() : undefined;
}
/** Splits `sha256:abc…` into algorithm and lowercase hex. */
function splitDigest(imageDigest) {
    const match = /^([a-z0-9]+):([0-9a-fA-F]+)$/.exec(imageDigest);
    if (match === null || match[1] === undefined || match[2] === undefined) {
        throw new errors/* VerificationError */.mk('MALFORMED', `image digest ${JSON.stringify(imageDigest)} is not of the form algorithm:hex`);
    }
    return { algorithm: match[1], hex: match[2].toLowerCase() };
}
/**
 * Parses a bundle and runs the content checks without any cryptography, for a run that has
 * neither a key nor an identity. Returns the base64 signature.
 */
function inspectImageBundle(bundleJson, imageDigest) {
    return checkBundleContent(parseBundle(bundleJson), imageDigest);
}
/** DER of the leaf certificate of a keyless bundle. */
function bundleCertificate(bundle) {
    const content = bundle.verificationMaterial.content;
    switch (content.$case) {
        case 'x509CertificateChain': {
            const leaf = content.x509CertificateChain.certificates[0];
            if (leaf !== undefined)
                return Buffer.from(leaf.rawBytes);
            break;
        }
        case 'certificate':
            return Buffer.from(content.certificate.rawBytes);
        case 'publicKey':
            break;
    }
    throw new errors/* VerificationError */.mk('UNTRUSTED_CERTIFICATE', 'the bundle is signed with a key, not a Fulcio certificate: verify it with public-key');
}
/** The artifact a message signature covers: the manifest bytes, which must hash to the digest. */
function messageArtifact(bundle, imageDigest, manifest) {
    if (bundle.content.$case !== 'messageSignature')
        return undefined;
    if (manifest === undefined) {
        throw new errors/* VerificationError */.mk('MALFORMED', 'a message-signature bundle signs the manifest bytes, which were not passed to the check');
    }
    const [algorithm = '', hex] = imageDigest.split(':');
    if ((0,external_node_crypto_.createHash)(algorithm).update(manifest).digest('hex') !== hex?.toLowerCase()) {
        throw new errors/* VerificationError */.mk('DIGEST_MISMATCH', `manifest bytes do not hash to ${imageDigest}`);
    }
    return manifest;
}

;// CONCATENATED MODULE: ./src/cosign/identity.ts
/**
 * Signer identity of a Fulcio certificate and its check against the user's identity policy.
 *
 * OID meanings and encodings follow docs/oid-info.md of sigstore/fulcio: .1.1 to .1.6 contain raw
 * strings, .1.8 to .1.22 contain DER UTF8Strings, and .1.7 is the OtherName SAN of a username.
 */


const FULCIO_OID = '1.3.6.1.4.1.57264.1';
/** Legacy extensions (deprecated by Fulcio, still issued for GitHub): raw string values. */
const LEGACY = {
    issuer: `${FULCIO_OID}.1`,
    githubWorkflowTrigger: `${FULCIO_OID}.2`,
    githubWorkflowSha: `${FULCIO_OID}.3`,
    githubWorkflowName: `${FULCIO_OID}.4`,
    githubWorkflowRepository: `${FULCIO_OID}.5`,
    githubWorkflowRef: `${FULCIO_OID}.6`,
};
/** Provider-neutral extensions: DER UTF8String values. */
const V2 = {
    otherNameSan: `${FULCIO_OID}.7`,
    issuer: `${FULCIO_OID}.8`,
    buildSignerUri: `${FULCIO_OID}.9`,
    runnerEnvironment: `${FULCIO_OID}.11`,
    sourceRepositoryUri: `${FULCIO_OID}.12`,
    sourceRepositoryDigest: `${FULCIO_OID}.13`,
    sourceRepositoryRef: `${FULCIO_OID}.14`,
    buildTrigger: `${FULCIO_OID}.20`,
};
const ASN1_UTF8_STRING = 0x0c;
/** OIDC issuer of GitHub Actions workflow identity tokens. */
const GITHUB_ACTIONS_ISSUER = 'https://token.actions.githubusercontent.com';
/**
 * Reads the signer from a Fulcio certificate (PEM or DER): the SAN as identity, the OIDC issuer,
 * and the CI claims. Throws VerificationError('MALFORMED') for an unreadable certificate.
 */
function signerFromCertificate(pem) {
    const cert = parseCertificate(pem);
    const identity = subjectAltName(cert);
    const issuer = utf8Extension(cert, V2.issuer) ?? rawExtension(cert, LEGACY.issuer);
    if (identity === undefined || issuer === undefined) {
        const missing = identity === undefined ? 'subject alternative name' : 'OIDC issuer extension';
        throw new errors/* VerificationError */.mk('MALFORMED', `certificate has no ${missing}; it is not a Fulcio code-signing certificate`);
    }
    const sourceRepositoryUri = utf8Extension(cert, V2.sourceRepositoryUri);
    // The v2 claims are provider-neutral, so they stand in for the GitHub-specific ones only on
    // certificates that GitHub Actions' issuer vouched for.
    const v2 = (oid) => issuer === GITHUB_ACTIONS_ISSUER ? utf8Extension(cert, oid) : undefined;
    const claims = {
        githubWorkflowTrigger: rawExtension(cert, LEGACY.githubWorkflowTrigger) ?? v2(V2.buildTrigger),
        githubWorkflowSha: rawExtension(cert, LEGACY.githubWorkflowSha) ?? v2(V2.sourceRepositoryDigest),
        githubWorkflowName: rawExtension(cert, LEGACY.githubWorkflowName),
        githubWorkflowRepository: rawExtension(cert, LEGACY.githubWorkflowRepository) ??
            (issuer === GITHUB_ACTIONS_ISSUER ? repositoryPath(sourceRepositoryUri) : undefined),
        githubWorkflowRef: rawExtension(cert, LEGACY.githubWorkflowRef) ?? v2(V2.sourceRepositoryRef),
        buildSignerUri: utf8Extension(cert, V2.buildSignerUri),
        sourceRepositoryUri,
        runnerEnvironment: utf8Extension(cert, V2.runnerEnvironment),
    };
    return { identity, issuer, ...withoutUndefined(claims) };
}
/**
 * Checks the signer against the policy; every field the policy sets must match.
 * Throws VerificationError('IDENTITY_MISMATCH') naming the field, the expected and the actual value.
 */
function checkIdentity(signer, policy) {
    const checks = [
        ['identity', signer.identity, policy.identity, policy.identityRegexp],
        ['issuer', signer.issuer, policy.issuer, policy.issuerRegexp],
        [
            'GitHub workflow repository',
            signer.githubWorkflowRepository,
            policy.githubWorkflowRepository,
        ],
        ['GitHub workflow ref', signer.githubWorkflowRef, policy.githubWorkflowRef],
        ['GitHub workflow SHA', signer.githubWorkflowSha, policy.githubWorkflowSha],
        ['GitHub workflow trigger', signer.githubWorkflowTrigger, policy.githubWorkflowTrigger],
        ['GitHub workflow name', signer.githubWorkflowName, policy.githubWorkflowName],
        ['build signer URI', signer.buildSignerUri, policy.buildSignerUri, policy.buildSignerUriRegexp],
        ['source repository URI', signer.sourceRepositoryUri, policy.sourceRepositoryUri],
        ['runner environment', signer.runnerEnvironment, policy.runnerEnvironment],
    ];
    for (const [label, actual, exact, regexp] of checks) {
        checkField(label, actual, exact, regexp);
    }
}
/**
 * Checks that a keyless policy names both an identity and an issuer, and that its regular
 * expressions compile. Throws ConfigError otherwise.
 */
function validateIdentityPolicy(policy) {
    if (policy.identity === undefined && policy.identityRegexp === undefined) {
        throw new errors/* ConfigError */.xL('keyless verification needs the signer identity: set certificate-identity or certificate-identity-regexp');
    }
    if (policy.issuer === undefined && policy.issuerRegexp === undefined) {
        throw new errors/* ConfigError */.xL('keyless verification needs the OIDC issuer: set certificate-oidc-issuer or certificate-oidc-issuer-regexp');
    }
    for (const pattern of [policy.identityRegexp, policy.issuerRegexp, policy.buildSignerUriRegexp]) {
        if (pattern !== undefined)
            anchoredRegExp(pattern);
    }
}
/**
 * Compiles a user pattern so that it must match the whole value: `p` becomes `^(?:p)$`. Throws
 * ConfigError for an invalid pattern.
 */
function anchoredRegExp(pattern) {
    // Wrapped even when the pattern has its own anchors: `^a|b$` would otherwise match `b-evil`.
    try {
        return new RegExp(`^(?:${pattern})$`);
    }
    catch (error) {
        throw new errors/* ConfigError */.xL(`invalid regular expression ${JSON.stringify(pattern)}: ${(0,errors/* errorMessage */.gJ)(error)}`);
    }
}
function checkField(label, actual, exact, regexp) {
    const actualText = actual === undefined ? 'none' : JSON.stringify(actual);
    if (exact !== undefined && actual !== exact) {
        throw new errors/* VerificationError */.mk('IDENTITY_MISMATCH', `certificate ${label} mismatch: expected ${JSON.stringify(exact)}, certificate has ${actualText}`);
    }
    if (regexp !== undefined && (actual === undefined || !anchoredRegExp(regexp).test(actual))) {
        throw new errors/* VerificationError */.mk('IDENTITY_MISMATCH', `certificate ${label} mismatch: expected a match of /${regexp}/, certificate has ${actualText}`);
    }
}
function parseCertificate(pem) {
    try {
        const der = typeof pem === 'string' ? pem : Buffer.from(pem);
        return core_dist.X509Certificate.parse(der);
    }
    catch (error) {
        throw new errors/* VerificationError */.mk('MALFORMED', `cannot parse the signing certificate: ${(0,errors/* errorMessage */.gJ)(error)}`);
    }
}
/** Email, URI, or Fulcio username (OtherName) SAN, in that order of preference. */
function subjectAltName(cert) {
    const san = cert.extSubjectAltName;
    return san?.rfc822Name ?? san?.uri ?? san?.otherName(V2.otherNameSan);
}
function rawExtension(cert, oid) {
    return cert.extension(oid)?.value.toString('utf8');
}
function utf8Extension(cert, oid) {
    const extension = cert.extension(oid);
    if (extension === undefined)
        return undefined;
    let value;
    try {
        value = core_dist.ASN1Obj.parseBuffer(Buffer.from(extension.value));
    }
    catch {
        throw new errors/* VerificationError */.mk('MALFORMED', `certificate extension ${oid} is not valid DER`);
    }
    if (value.tag.number !== ASN1_UTF8_STRING) {
        throw new errors/* VerificationError */.mk('MALFORMED', `certificate extension ${oid} is not a UTF8String`);
    }
    return value.value.toString('utf8');
}
/** `owner/repo` from a source repository URI such as `https://github.com/owner/repo`. */
function repositoryPath(uri) {
    if (uri === undefined || !URL.canParse(uri))
        return undefined;
    const repository = new URL(uri).pathname.replace(/^\/+|\/+$/g, '');
    return repository === '' ? undefined : repository;
}
function withoutUndefined(value) {
    return Object.fromEntries(Object.entries(value).filter(([, field]) => field !== undefined));
}

;// CONCATENATED MODULE: ./src/cosign/sigstore.ts
/**
 * Keyless and key-based verification of cosign signatures through @sigstore/verify. Bundles and
 * legacy `.sig` layers take the same path, because a layer is first mapped onto a v0.1 bundle.
 */








const IGNORE_TLOG_NOTE = 'transparency log not checked (ignore-tlog)';
const NO_TLOG_NOTE = 'no transparency-log entry was checked';
const CODE_SIGNING_EKU = '1.3.6.1.5.5.7.3.3';
/**
 * Verifies a legacy keyless `.sig` layer: certificate chain at signing time, code-signing EKU, SCT,
 * log entry (signed entry timestamp and body), signature over the payload, and the identity
 * policy. The caller checks that the payload names the image digest.
 */
async function verifyLegacyKeyless(layer, policy) {
    const certificate = layerCertificate(layer);
    const entity = toEntity(parseBundle(legacyLayerToBundle(layer)), layer.payload);
    if (policy.ignoreTlog) {
        return verifyKeyless(entity, certificate, policy);
    }
    const expected = {
        ...layerDigest(layer, 'sha256'),
        signature: layerSignatureBytes(layer),
        certificate,
    };
    const checked = await checkLegacyEntries(entity, expected, policy.trustedRoot);
    return verifyKeyless(checked.entity, certificate, policy, checked.verifiedEntries);
}
/**
 * Verifies the `dev.sigstore.cosign/bundle` log entry of a key-based legacy layer: its signed entry
 * timestamp against a Rekor key of the trust root, and a body (hashedrekord or rekord) naming
 * this signature, payload hash and public key. Any failure is VerificationError('TLOG_INVALID').
 */
async function verifyLegacyTlogForKey(layer, policy) {
    if (layer.annotations[REKOR_BUNDLE_ANNOTATION] === undefined) {
        return { tlog: 'absent', notes: [] };
    }
    if (policy.ignoreTlog) {
        return { tlog: 'skipped', notes: [IGNORE_TLOG_NOTE] };
    }
    try {
        const entity = toEntity(parseBundle(legacyKeyLayerToBundle(layer, policy.hashAlgorithm)), layer.payload);
        const expected = {
            ...layerDigest(layer, policy.hashAlgorithm),
            signature: layerSignatureBytes(layer),
            key: policy.key,
        };
        const checked = await checkLegacyEntries(entity, expected, policy.trustedRoot);
        return await sigstore_verifyWithKey(checked.entity, policy, checked.verifiedEntries);
    }
    catch (error) {
        throw asTlogInvalid(error);
    }
}
/**
 * Verifies a Sigstore bundle attached to the image: content checks first (statement subject and
 * predicate type, or message digest), then the cryptography. `manifest`, the raw image manifest,
 * is needed only for a message-signature bundle, whose signature covers those bytes.
 */
async function verifyImageBundle(bundleJson, imageDigest, policy, manifest) {
    const bundle = parseBundle(bundleJson);
    const { signature } = checkBundleContent(bundle, imageDigest);
    const artifact = messageArtifact(bundle, imageDigest, manifest);
    const verified = await verifyBundleSignature(bundle, policy, artifact);
    return { ...verified, signature };
}
/**
 * Verifies the cryptography of a parsed bundle (signature, certificate or key, log entries,
 * timestamps, identity) without the image content checks of verifyImageBundle.
 */
async function verifyBundleSignature(bundle, policy, artifact) {
    const entity = toEntity(bundle, artifact);
    if (policy.kind === 'key') {
        return sigstore_verifyWithKey(entity, policy);
    }
    return verifyKeyless(entity, bundleCertificate(bundle), policy);
}
/**
 * Shared keyless path. `verifiedEntries` counts log entries already checked by the caller and
 * removed from the entity (the old `rekord` kind).
 */
async function verifyKeyless(entity, certificate, policy, verifiedEntries = 0) {
    validateIdentityPolicy(policy.identity);
    const notes = [];
    let checked = entity;
    if (policy.ignoreTlog) {
        checked = withoutTlog(entity);
        notes.push(IGNORE_TLOG_NOTE);
    }
    else if (checked.tlogEntries.length + verifiedEntries === 0) {
        throw new errors/* VerificationError */.mk('TLOG_MISSING', 'transparency-log check failed: the signature has no log entry; a keyless signature needs one unless ignore-tlog is set');
    }
    // The certificate is short-lived, so it must be checked at a signing time that something
    // trusted vouches for. With the log ignored, only an RFC 3161 timestamp can do that.
    const signingTime = earliestTime(checked.timestamps);
    if (signingTime === undefined) {
        const reason = policy.ignoreTlog
            ? 'ignore-tlog is set and the signature has no RFC 3161 timestamp'
            : 'the log entry has no signed entry timestamp and there is no RFC 3161 timestamp';
        throw new errors/* VerificationError */.mk('TLOG_MISSING', `signing time check failed: ${reason}, so nothing vouches for when the certificate was used`);
    }
    const material = await trustMaterial(policy.trustedRoot);
    runVerifier(material, checked, {
        tlogThreshold: policy.ignoreTlog ? 0 : Math.max(0, 1 - verifiedEntries),
        ctlogThreshold: policy.ignoreSct ? 0 : 1,
        timestampThreshold: 1,
    });
    checkCodeSigning(certificate);
    const signer = signerFromCertificate(certificate);
    checkIdentity(signer, policy.identity);
    const tlog = policy.ignoreTlog ? 'skipped' : 'verified';
    return { signer, tlog, signingTime, notes };
}
/**
 * Shared key-based path: the signature must verify with policy.key whatever key the bundle names,
 * and each log entry or timestamp present must verify, but none is required.
 */
async function sigstore_verifyWithKey(entity, policy, verifiedEntries = 0) {
    const notes = [];
    let checked = { ...entity, key: { $case: 'public-key', hint: '' } };
    if (policy.ignoreTlog) {
        checked = withoutTlog(checked);
        notes.push(IGNORE_TLOG_NOTE);
    }
    // The trust root is only needed for log entries and timestamps, so skip loading it otherwise.
    const needsTrustRoot = checked.tlogEntries.length > 0 || checked.timestamps.length > 0;
    const material = needsTrustRoot
        ? await trustMaterial(policy.trustedRoot, policy)
        : keyOnlyTrustMaterial(policy);
    runVerifier(material, checked, { tlogThreshold: 0, ctlogThreshold: 0, timestampThreshold: 0 });
    const logged = checked.tlogEntries.length + verifiedEntries > 0;
    if (!logged && !policy.ignoreTlog)
        notes.push(NO_TLOG_NOTE);
    let tlog = logged ? 'verified' : 'absent';
    if (policy.ignoreTlog)
        tlog = 'skipped';
    const signingTime = earliestTime(checked.timestamps);
    return signingTime === undefined ? { tlog, notes } : { tlog, signingTime, notes };
}
function runVerifier(material, entity, options) {
    try {
        new verify_dist/* Verifier */.BL(material, options).verify(entity);
    }
    catch (error) {
        throw toVerificationError(error);
    }
}
async function trustMaterial(trustedRoot, keyPolicy) {
    const root = await trustedRoot();
    if (keyPolicy === undefined)
        return (0,verify_dist/* toTrustMaterial */.jO)(root);
    return (0,verify_dist/* toTrustMaterial */.jO)(root, () => ({ publicKey: keyPolicy.key, validFor: () => true }));
}
function keyOnlyTrustMaterial(policy) {
    return {
        certificateAuthorities: [],
        timestampAuthorities: [],
        tlogs: [],
        ctlogs: [],
        publicKey: () => ({ publicKey: policy.key, validFor: () => true }),
    };
}
function toEntity(bundle, artifact) {
    try {
        return (0,verify_dist/* toSignedEntity */.DC)(bundle, artifact);
    }
    catch (error) {
        throw new errors/* VerificationError */.mk('MALFORMED', `cannot read the bundle certificate or timestamp: ${(0,errors/* errorMessage */.gJ)(error)}`, { cause: error });
    }
}
function withoutTlog(entity) {
    const timestamps = entity.timestamps.filter(({ $case }) => $case === 'timestamp-authority');
    return { ...entity, tlogEntries: [], timestamps };
}
/** Earliest time vouched for by a signed entry timestamp or an RFC 3161 timestamp. */
function earliestTime(timestamps) {
    const times = timestamps.flatMap((timestamp) => {
        if (timestamp.$case === 'timestamp-authority')
            return [timestampSigningTime(timestamp)];
        const entry = timestamp.tlogEntry;
        return entry.inclusionPromise ? [new Date(Number(entry.integratedTime) * 1000)] : [];
    });
    return times.length === 0 ? undefined : new Date(Math.min(...times.map(Number)));
}
/** Reads a TSA time, which @sigstore/core parses on first access and may reject. */
function timestampSigningTime(timestamp) {
    try {
        return timestamp.timestamp.signingTime;
    }
    catch (error) {
        throw new errors/* VerificationError */.mk('MALFORMED', `RFC 3161 timestamp check failed: its time cannot be read (${(0,errors/* errorMessage */.gJ)(error)})`, { cause: error });
    }
}
function checkCodeSigning(certificate) {
    const usages = new external_node_crypto_.X509Certificate(certificate).keyUsage ?? [];
    if (!usages.includes(CODE_SIGNING_EKU)) {
        throw new errors/* VerificationError */.mk('UNTRUSTED_CERTIFICATE', 'certificate check failed: the signing certificate has no code-signing extended key usage');
    }
}
/** Maps a sigstore-js error onto our codes, with a message naming the check that failed. */
function toVerificationError(error) {
    if (error instanceof errors/* VerificationError */.mk || error instanceof errors/* ConfigError */.xL)
        return error;
    if (error instanceof verify_dist/* PolicyError */.pn) {
        return new errors/* VerificationError */.mk('IDENTITY_MISMATCH', `identity check failed: ${error.message}`, {
            cause: error,
        });
    }
    if (!(error instanceof verify_dist/* VerificationError */.mk)) {
        return new errors/* VerificationError */.mk('MALFORMED', `cannot verify the signature: ${(0,errors/* errorMessage */.gJ)(error)}`, {
            cause: error,
        });
    }
    const detail = error.cause === undefined ? error.message : `${error.message} (${(0,errors/* errorMessage */.gJ)(error.cause)})`;
    const [code, check] = failedCheck(error);
    return new errors/* VerificationError */.mk(code, `${check} check failed: ${detail}`, { cause: error });
}
function failedCheck(error) {
    const thresholdNotMet = error.message.startsWith('expected ');
    switch (error.code) {
        case 'SIGNATURE_ERROR':
        case 'PUBLIC_KEY_ERROR':
            return ['BAD_SIGNATURE', 'signature'];
        case 'CERTIFICATE_ERROR':
            return ['UNTRUSTED_CERTIFICATE', error.message.includes('SCT') ? 'SCT' : 'certificate chain'];
        case 'TIMESTAMP_ERROR':
            return thresholdNotMet
                ? ['TLOG_MISSING', 'signing time']
                : ['TLOG_INVALID', 'RFC 3161 timestamp'];
        case 'TLOG_ERROR':
            return [thresholdNotMet ? 'TLOG_MISSING' : 'TLOG_INVALID', 'transparency-log'];
        case 'TLOG_INCLUSION_PROMISE_ERROR':
            return ['TLOG_INVALID', 'log entry signed entry timestamp'];
        case 'TLOG_INCLUSION_PROOF_ERROR':
        case 'TLOG_MISSING_INCLUSION_ERROR':
            return ['TLOG_INVALID', 'log entry inclusion proof'];
        case 'TLOG_BODY_ERROR':
            return ['TLOG_INVALID', 'log entry body'];
        case 'NOT_IMPLEMENTED_ERROR':
            return ['MALFORMED', 'bundle format'];
    }
}
/** Reports every failure of the key-based log check as TLOG_INVALID, keeping its message. */
function asTlogInvalid(error) {
    if (error instanceof errors/* ConfigError */.xL)
        return error;
    if (error instanceof errors/* VerificationError */.mk && error.code === 'TLOG_INVALID')
        return error;
    const message = (0,errors/* errorMessage */.gJ)(error);
    const prefixed = message.includes('check failed')
        ? message
        : `transparency-log check failed: ${message}`;
    return new errors/* VerificationError */.mk('TLOG_INVALID', prefixed, { cause: error });
}

;// CONCATENATED MODULE: ./src/cosign/verify.ts





const NOTHING_VERIFIED = 'no public key or identity was given, so nothing was verified';
/**
 * Checks one legacy signature layer against the image digest and the policy. Throws
 * VerificationError naming the failed check.
 */
async function verifyLegacyLayer(layer, imageDigest, policy) {
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
                throw new errors/* VerificationError */.mk('UNTRUSTED_CERTIFICATE', `the signature has no ${CERTIFICATE_ANNOTATION} annotation: it was signed with a key, so verify it with public-key`);
            }
            // The certificate and log checks prove who signed the payload; the payload must also name this image.
            const verified = await verifyLegacyKeyless(layer, policy);
            checkPayload(parsePayload(layer.payload), imageDigest);
            return verified;
        }
    }
}
async function verifyLegacyWithKey(layer, signature, imageDigest, policy) {
    if (!verifyWithKey(policy.key, layer.payload, signature, policy.hashAlgorithm)) {
        throw new errors/* VerificationError */.mk('BAD_SIGNATURE', `the signature does not verify with the public key and ${policy.hashAlgorithm}: check the key and signature-digest-algorithm`);
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
async function verifyBundle(bundle, imageDigest, policy, loadManifest) {
    if (policy.kind === 'presence') {
        const { signature } = inspectImageBundle(bundle, imageDigest);
        return { signature, tlog: 'absent', notes: [NOTHING_VERIFIED] };
    }
    const manifest = isMessageSignature(bundle) ? await loadManifest() : undefined;
    return verifyImageBundle(bundle, imageDigest, policy, manifest);
}
function isMessageSignature(bundle) {
    return typeof bundle === 'object' && bundle !== null && 'messageSignature' in bundle;
}

;// CONCATENATED MODULE: ./src/check.ts






/**
 * Resolves the image digest, finds its signatures and checks them. Every failure becomes the
 * result's status and message, so one image cannot stop the others.
 */
async function checkImage(input, options) {
    const logger = options.logger ?? silentLogger;
    const result = {
        image: input,
        digest: '',
        signatureTag: '',
        signature: '',
        status: 'error',
        message: '',
    };
    let target;
    try {
        target = await resolveTarget(parseReference(input), options, logger);
        result.digest = target.digest;
    }
    catch (error) {
        result.message = describeLookupError(error, 'resolving the image digest');
        return result;
    }
    if (options.signatureFormat !== 'bundle')
        result.signatureTag = signatureTag(target.digest) ?? '';
    const { attempts, lookupErrors, notes } = await collectAttempts(target, options, logger);
    return decide(result, attempts, lookupErrors, notes);
}
async function resolveTarget(reference, options, logger) {
    const image = {
        registry: reference.registry,
        apiHost: reference.apiHost,
        repository: reference.repository,
    };
    const signatures = options.signatureRepository ?? image;
    // A digest reference is the identity itself: no request is needed to resolve it.
    if (reference.digest !== undefined) {
        const digest = reference.digest;
        let manifest;
        const loadManifest = () => (manifest ??= options.client.getManifest(image, digest).then((fetched) => fetched.bytes));
        return { digest, image, signatures, loadManifest };
    }
    const fetched = await options.client.getManifest(image, reference.tag ?? 'latest');
    logger.info(`Resolved ${reference.input} to ${fetched.digest}`);
    return {
        digest: fetched.digest,
        image,
        signatures,
        loadManifest: () => Promise.resolve(fetched.bytes),
    };
}
async function collectAttempts(target, options, logger) {
    const attempts = [];
    const lookupErrors = [];
    const notes = [];
    if (options.signatureFormat !== 'bundle') {
        const tag = signatureTag(target.digest);
        if (tag === undefined) {
            notes.push(`a ${target.digest.split(':')[0]} image digest has no legacy .sig tag, since the tag would exceed 128 characters`);
        }
        else {
            try {
                attempts.push(...(await legacyAttempts(target, tag, options, logger)));
            }
            catch (error) {
                lookupErrors.push(describeLookupError(error, `reading signature tag ${tag}`));
            }
        }
    }
    if (options.signatureFormat !== 'legacy' &&
        !attempts.some((attempt) => attempt.status === 'verified')) {
        try {
            attempts.push(...(await bundleAttempts(target, options, logger)));
        }
        catch (error) {
            lookupErrors.push(describeLookupError(error, 'listing referrers'));
        }
    }
    return { attempts, lookupErrors, notes };
}
async function legacyAttempts(target, tag, options, logger) {
    const signatures = await fetchLegacySignatures(options.client, target.signatures, tag);
    if (!signatures.found) {
        logger.info(`No signature tag ${tag} in ${target.signatures.repository}`);
        return [];
    }
    logger.info(`Found ${signatures.layers.length} signature layer(s) at ${tag}`);
    if (signatures.skipped > 0) {
        logger.debug(`Skipped ${signatures.skipped} layer(s) of other media types at ${tag}`);
    }
    const attempts = [];
    for (const read of signatures.layers) {
        const base = { signatureTag: tag, source: 'tag', format: 'simplesigning' };
        if ('error' in read) {
            attempts.push({ ...base, signature: '', ...failure(read.error) });
            continue;
        }
        const signature = read.layer.signature.replace(/\s+/g, '');
        try {
            const verified = await verifyLegacyLayer(read.layer, target.digest, options.policy);
            attempts.push({ ...base, signature, status: success(options.policy), message: '', verified });
        }
        catch (error) {
            attempts.push({ ...base, signature, ...failure(error) });
        }
        if (attempts.at(-1)?.status === 'verified')
            break;
    }
    return attempts;
}
async function bundleAttempts(target, options, logger) {
    const { digest, signatures: repo } = target;
    const referrers = await fetchReferrers(options.client, repo, digest, BUNDLE_MEDIA_TYPE_PREFIX);
    const where = referrers.source === 'api' ? 'the referrers API' : `referrers tag ${referrers.tag}`;
    logger.info(`Found ${referrers.descriptors.length} Sigstore bundle(s) through ${where}`);
    const attempts = [];
    const source = referrers.source === 'api' ? 'referrers' : 'tag';
    const base = { signatureTag: referrers.tag, source, format: 'bundle' };
    for (const read of await fetchBundles(options.client, repo, digest, referrers.descriptors)) {
        if ('error' in read) {
            attempts.push({ ...base, signature: '', ...failure(read.error) });
            continue;
        }
        try {
            const verified = await verifyBundle(read.bundle, digest, options.policy, target.loadManifest);
            attempts.push({
                ...base,
                signature: verified.signature,
                status: success(options.policy),
                message: '',
                verified,
            });
        }
        catch (error) {
            attempts.push({ ...base, signature: '', ...failure(error) });
        }
        if (attempts.at(-1)?.status === 'verified')
            break;
    }
    return attempts;
}
function success(policy) {
    return policy.kind === 'presence' ? 'present' : 'verified';
}
/** Maps a failed check to `mismatch` (the signature is wrong) or `error` (it could not be checked). */
function failure(error) {
    if (error instanceof errors/* VerificationError */.mk) {
        const unreadable = error.code === 'MALFORMED' || error.code === 'TRUST_ROOT';
        return { status: unreadable ? 'error' : 'mismatch', message: error.message };
    }
    return { status: 'error', message: (0,errors/* errorMessage */.gJ)(error) };
}
function describeLookupError(error, step) {
    if (error instanceof errors/* InvalidReferenceError */.x_)
        return error.message;
    if (error instanceof errors/* RegistryError */.gl)
        return `${step} failed: ${error.message}`;
    if (error instanceof errors/* VerificationError */.mk)
        return error.message;
    return `${step} failed: ${(0,errors/* errorMessage */.gJ)(error)}`;
}
const PREFERENCE = ['verified', 'present', 'mismatch', 'error'];
function decide(result, attempts, lookupErrors, notes) {
    const best = PREFERENCE.map((status) => attempts.find((attempt) => attempt.status === status)).find(Boolean);
    if (best?.status === 'verified' || best?.status === 'present') {
        const caveats = [...(best.verified?.notes ?? [])];
        const signer = best.verified?.signer;
        const kind = best.format === 'bundle' ? 'Sigstore bundle' : 'simple-signing signature';
        const by = signer ? ` by ${signer.identity} (${signer.issuer})` : '';
        const verb = best.status === 'verified' ? 'verified' : 'found';
        const message = [`${kind} ${verb}${by}`, ...caveats].join('; ');
        return { ...fromAttempt(result, best, message), signer };
    }
    // With nothing verified, a lookup that failed could have hidden a valid signature: report it.
    if (lookupErrors.length > 0 && !attempts.some((attempt) => attempt.status === 'mismatch')) {
        return {
            ...result,
            status: 'error',
            message: [...lookupErrors, ...attempts.map((a) => a.message)].join('; '),
        };
    }
    if (best) {
        const others = attempts.length > 1 ? ` (${attempts.length} signatures checked, none passed)` : '';
        const lookups = lookupErrors.length > 0 ? `; ${lookupErrors.join('; ')}` : '';
        return fromAttempt(result, best, `${best.message}${others}${lookups}`);
    }
    const detail = notes.length > 0 ? `; ${notes.join('; ')}` : '';
    return {
        ...result,
        status: 'missing',
        message: `no cosign signature was found for ${result.digest}${detail}`,
    };
}
function fromAttempt(result, attempt, message) {
    return {
        ...result,
        status: attempt.status,
        signatureTag: attempt.signatureTag,
        signature: attempt.signature,
        source: attempt.source,
        format: attempt.format,
        message,
    };
}

;// CONCATENATED MODULE: ./src/batch.ts


/** Images checked at the same time. Registries rate-limit per client, so this stays small. */
const MAX_PARALLEL_IMAGES = 4;
/**
 * Checks up to MAX_PARALLEL_IMAGES images at a time. Each image logs into its own buffer, which
 * is written out as one group in input order, so parallel work never interleaves in the log.
 */
async function checkAll(settings, shared, group = (_name, work) => work()) {
    const checks = settings.images.map((image) => ({
        image,
        log: new BufferedLogger(),
        done: deferred(),
    }));
    let next = 0;
    const worker = async () => {
        for (let index = next++; index < checks.length; index = next++) {
            const check = checks[index];
            // The time limit starts when the image's own work starts, not when the run does.
            const client = shared.client.withDeadline(Date.now() + settings.timeoutSeconds * 1000);
            const options = {
                client,
                policy: shared.policy,
                signatureRepository: shared.signatureRepository,
                signatureFormat: settings.signatureFormat,
                logger: check.log,
            };
            // checkImage turns every failure into a result; the catch keeps a bug from losing a row.
            const result = await shared.imageLogs
                .run(check.log, () => checkImage(check.image, options))
                .catch((error) => unexpectedFailure(check.image, error));
            check.log.info(`Status ${result.status}: ${result.message}`);
            check.done.resolve(result);
        }
    };
    const workers = Array.from({ length: Math.min(MAX_PARALLEL_IMAGES, checks.length) }, worker);
    const results = [];
    for (const check of checks) {
        const result = await check.done.promise;
        await group(check.image, () => Promise.resolve(check.log.replay(shared.logger)));
        results.push(result);
    }
    await Promise.all(workers);
    return results;
}
function unexpectedFailure(image, error) {
    return {
        image,
        digest: '',
        signatureTag: '',
        signature: '',
        status: 'error',
        message: `the check failed unexpectedly: ${(0,errors/* errorMessage */.gJ)(error)}`,
    };
}
/** Log lines of one image, kept until its group can be written. */
class BufferedLogger {
    lines = [];
    info(message) {
        this.lines.push(['info', message]);
    }
    debug(message) {
        this.lines.push(['debug', message]);
    }
    warning(message) {
        this.lines.push(['warning', message]);
    }
    replay(logger) {
        for (const [level, message] of this.lines)
            logger[level](message);
    }
}
function deferred() {
    let resolve;
    const promise = new Promise((done) => (resolve = done));
    return { promise, resolve };
}

// EXTERNAL MODULE: external "node:fs/promises"
var promises_ = __webpack_require__(1455);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(6760);
var external_node_path_default = /*#__PURE__*/__webpack_require__.n(external_node_path_);
// EXTERNAL MODULE: ./node_modules/@sigstore/tuf/dist/index.js
var tuf_dist = __webpack_require__(4423);
;// CONCATENATED MODULE: ./src/cosign/trust.ts
/**
 * Loading of the Sigstore trust root (`trusted_root.json`): the Fulcio CAs, Rekor keys, CT logs and
 * timestamp authorities that keyless and transparency-log checks verify against.
 */






/** Media type prefix shared by all `trusted_root.json` versions (0.1 and later). */
const TRUSTED_ROOT_MEDIA_TYPE = 'application/vnd.dev.sigstore.trustedroot';
/** Folder under `cacheDir` that contains the TUF metadata and targets. */
const TUF_CACHE_FOLDER = 'sigstore-tuf';
/**
 * Loads the trust root from `options.path`, or else from the Sigstore TUF repository.
 * Throws ConfigError with a one-line message naming the file or mirror, the reason and the fix.
 */
async function loadTrustedRoot(options) {
    if (options.path !== undefined) {
        return loadTrustedRootFile(options.path);
    }
    const mirrorUrl = options.mirrorUrl ?? tuf_dist.DEFAULT_MIRROR_URL;
    if (options.fetch === false) {
        throw new errors/* ConfigError */.xL(`no trust root: fetching it from ${mirrorUrl} is disabled; pass trusted-root with a trusted_root.json for offline runs`);
    }
    return fetchTrustedRoot(mirrorUrl, options);
}
/** Returns a provider that loads the trust root on first use and then reuses it for the run. */
function cachedTrustedRoot(options) {
    let loading;
    return () => {
        loading ??= loadTrustedRoot(options);
        return loading;
    };
}
async function loadTrustedRootFile(file) {
    let text;
    try {
        text = await (0,promises_.readFile)(file, 'utf8');
    }
    catch (error) {
        throw new errors/* ConfigError */.xL(`cannot read trust root ${file}: ${(0,errors/* errorMessage */.gJ)(error)}; check the trusted-root path`);
    }
    let json;
    try {
        json = JSON.parse(text);
    }
    catch (error) {
        throw new errors/* ConfigError */.xL(`trust root ${file} is not valid JSON: ${(0,errors/* errorMessage */.gJ)(error)}; pass a trusted_root.json file`);
    }
    return parseTrustedRoot(json, file);
}
function parseTrustedRoot(json, source) {
    let root;
    try {
        root = protobuf_specs_dist.TrustedRoot.fromJSON(json);
    }
    catch (error) {
        throw new errors/* ConfigError */.xL(`trust root ${source} is invalid: ${(0,errors/* errorMessage */.gJ)(error)}; pass a Sigstore trusted_root.json`);
    }
    return checkTrustedRoot(root, source);
}
/** Checks the media type and builds the keys and certificates once, so a bad entry fails here. */
function checkTrustedRoot(root, source) {
    if (!root.mediaType.startsWith(TRUSTED_ROOT_MEDIA_TYPE)) {
        throw new errors/* ConfigError */.xL(`trust root ${source} has media type ${JSON.stringify(root.mediaType)}, expected ${TRUSTED_ROOT_MEDIA_TYPE}+json; pass a Sigstore trusted_root.json`);
    }
    try {
        (0,verify_dist/* toTrustMaterial */.jO)(root);
    }
    catch (error) {
        throw new errors/* ConfigError */.xL(`trust root ${source} is invalid: ${(0,errors/* errorMessage */.gJ)(error)}; pass a Sigstore trusted_root.json`);
    }
    return root;
}
async function fetchTrustedRoot(mirrorUrl, options) {
    const cachePath = options.cacheDir === undefined ? undefined : external_node_path_default().join(options.cacheDir, TUF_CACHE_FOLDER);
    let root;
    try {
        root = await (0,tuf_dist.getTrustedRoot)({
            mirrorURL: mirrorUrl,
            ...(cachePath === undefined ? {} : { cachePath }),
            ...(options.tufRootPath === undefined ? {} : { rootPath: options.tufRootPath }),
        });
    }
    catch (error) {
        throw new errors/* ConfigError */.xL(`cannot fetch the trust root from TUF mirror ${mirrorUrl}: ${trust_oneLine(error)}; pass trusted-root for offline runs`);
    }
    return checkTrustedRoot(root, `from ${mirrorUrl}`);
}
/** Message of a TUF error with its cause, on one line (tuf-js wraps fetch errors). */
function trust_oneLine(error) {
    let message = (0,errors/* errorMessage */.gJ)(error);
    const cause = error instanceof Error ? error.cause : undefined;
    if (cause !== undefined) {
        message += ` (${(0,errors/* errorMessage */.gJ)(cause)})`;
    }
    return message.replace(/\s+/g, ' ');
}

// EXTERNAL MODULE: external "node:child_process"
var external_node_child_process_ = __webpack_require__(1421);
;// CONCATENATED MODULE: ./src/registry/credentials.ts






const HELPER_TIMEOUT_MS = 30_000;
const DOCKER_HUB_LEGACY_KEY = 'https://index.docker.io/v1/';
/** Finds credentials for `registry` (as written in the reference), or undefined for anonymous. */
async function resolveCredentials(registry, options) {
    const mask = options.onSecret ?? (() => { });
    if (options.username && options.password && registry === options.usernameRegistry) {
        mask(options.password);
        mask(Buffer.from(`${options.username}:${options.password}`).toString('base64'));
        return { kind: 'basic', username: options.username, password: options.password };
    }
    const config = await readDockerConfig(options.dockerConfigDir);
    if (config) {
        const found = (await fromHelpers(config, registry, mask)) ?? fromAuths(config, registry, mask);
        if (found)
            return found;
    }
    if (registry === 'ghcr.io' && options.githubToken) {
        mask(options.githubToken);
        mask(Buffer.from(`github-actions:${options.githubToken}`).toString('base64'));
        return { kind: 'basic', username: 'github-actions', password: options.githubToken };
    }
    return undefined;
}
/** Keys under which docker config files store a registry's entry. */
function configKeys(registry) {
    const keys = [registry, `https://${registry}`, `http://${registry}`, `https://${registry}/v1/`];
    if (isDockerHub(registry)) {
        keys.push(DOCKER_HUB_LEGACY_KEY, 'index.docker.io', DOCKER_HUB);
    }
    return keys;
}
function isDockerHub(registry) {
    return (registry === DOCKER_HUB || registry === DOCKER_HUB_API_HOST || registry === 'index.docker.io');
}
async function readDockerConfig(dir) {
    const folder = dir ?? process.env.DOCKER_CONFIG ?? (0,external_node_path_.join)((0,external_node_os_.homedir)(), '.docker');
    const path = (0,external_node_path_.join)(folder, 'config.json');
    let text;
    try {
        text = await (0,promises_.readFile)(path, 'utf8');
    }
    catch {
        return undefined;
    }
    try {
        return JSON.parse(text);
    }
    catch (error) {
        throw new errors/* ConfigError */.xL(`docker config ${path} is not valid JSON (${error.message}): fix or remove it`);
    }
}
function fromAuths(config, registry, mask) {
    for (const key of configKeys(registry)) {
        const entry = config.auths?.[key];
        if (!entry)
            continue;
        if (entry.identitytoken) {
            mask(entry.identitytoken);
            return { kind: 'identity-token', token: entry.identitytoken };
        }
        if (entry.auth) {
            mask(entry.auth);
            const decoded = Buffer.from(entry.auth, 'base64').toString('utf8');
            const colon = decoded.indexOf(':');
            if (colon < 0) {
                throw new errors/* ConfigError */.xL(`docker config entry "${key}": "auth" is not base64 of user:password; log in again`);
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
async function fromHelpers(config, registry, mask) {
    const helper = configKeys(registry)
        .map((key) => config.credHelpers?.[key])
        .find((name) => name !== undefined) ?? config.credsStore;
    if (!helper)
        return undefined;
    // Docker stores Docker Hub credentials in helpers under the legacy index URL, not the host.
    const serverUrl = isDockerHub(registry) ? DOCKER_HUB_LEGACY_KEY : registry;
    const reply = await runHelper(helper, serverUrl);
    if (!reply)
        return undefined;
    mask(reply.Secret);
    if (reply.Username === '<token>')
        return { kind: 'identity-token', token: reply.Secret };
    mask(Buffer.from(`${reply.Username}:${reply.Secret}`).toString('base64'));
    return { kind: 'basic', username: reply.Username, password: reply.Secret };
}
function runHelper(name, registry) {
    const program = `docker-credential-${name}`;
    return new Promise((resolve, reject) => {
        const child = (0,external_node_child_process_.execFile)(program, ['get'], { timeout: HELPER_TIMEOUT_MS, maxBuffer: 1024 * 1024 }, (error, stdout) => {
            // Helpers print "credentials not found" and exit 1 when they hold nothing for the host.
            if (error && /not found/i.test(stdout))
                return resolve(undefined);
            if (error) {
                const reason = error.code === 'ENOENT' ? 'is not installed' : 'failed';
                return reject(new errors/* ConfigError */.xL(`credential helper ${program} ${reason} for ${registry}: install it or remove it from the docker config`));
            }
            try {
                const reply = JSON.parse(stdout);
                if (typeof reply.Username !== 'string' || typeof reply.Secret !== 'string') {
                    throw new Error('missing Username or Secret');
                }
                resolve({ Username: reply.Username, Secret: reply.Secret });
            }
            catch {
                reject(new errors/* ConfigError */.xL(`credential helper ${program} returned an unreadable reply for ${registry}`));
            }
        });
        child.stdin?.end(registry);
    });
}

;// CONCATENATED MODULE: ./src/run.ts











const HASH_ALGORITHMS = ['sha256', 'sha384', 'sha512'];
const FORMATS = ['auto', 'legacy', 'bundle'];
/**
 * Checks every image and returns one result per image, in input order. Throws ConfigError
 * before any request when the settings are invalid.
 */
async function run(settings, hooks = {}) {
    const logger = hooks.logger ?? silentLogger;
    const onSecret = hooks.onSecret ?? (() => { });
    const policy = buildPolicy(settings, hooks.cacheDir);
    // Keyless checks always need the trust root, and a given trusted-root file is a setting to
    // check up front: either failure ends the run with one message before any registry request.
    if (policy.kind === 'keyless' || (policy.kind === 'key' && settings.trustedRoot)) {
        await policy.trustedRoot();
    }
    const signatureRepository = parseSignatureRepository(settings.signatureRepository);
    if (settings.images.length === 0) {
        throw new errors/* ConfigError */.xL('no images were given: set images to one or more image references');
    }
    const usernameRegistry = credentialRegistry(settings, signatureRepository);
    // Registry requests log into the buffer of the image they serve, found through the async context.
    const imageLogs = new external_node_async_hooks_.AsyncLocalStorage();
    const routedLogger = {
        info: (message) => (imageLogs.getStore() ?? logger).info(message),
        debug: (message) => (imageLogs.getStore() ?? logger).debug(message),
        warning: (message) => (imageLogs.getStore() ?? logger).warning(message),
    };
    const client = new RegistryClient({
        dispatcher: hooks.dispatcher,
        logger: routedLogger,
        onSecret,
        insecureRegistries: settings.insecureRegistries,
        credentials: (registry) => resolveCredentials(registry, {
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
    }
    finally {
        await client.close();
    }
}
/** Builds the verification policy from the key and identity settings. */
function buildPolicy(settings, cacheDir) {
    if (!HASH_ALGORITHMS.includes(settings.signatureDigestAlgorithm)) {
        throw new errors/* ConfigError */.xL(`signature-digest-algorithm "${String(settings.signatureDigestAlgorithm)}" is not supported: use sha256, sha384 or sha512`);
    }
    if (!FORMATS.includes(settings.signatureFormat)) {
        throw new errors/* ConfigError */.xL(`signature-format "${String(settings.signatureFormat)}" is not supported: use auto, legacy or bundle`);
    }
    const trustedRoot = cachedTrustedRoot({
        path: settings.trustedRoot,
        cacheDir: cacheDir ?? process.env.RUNNER_TOOL_CACHE ?? (0,external_node_os_.tmpdir)(),
    });
    const hasIdentity = Object.values(settings.identity).some((value) => value !== undefined && value !== '');
    if (settings.publicKey) {
        if (hasIdentity) {
            throw new errors/* ConfigError */.xL('public-key and certificate identity inputs were both given: use public-key for key-signed images, or the certificate-* inputs for keyless ones');
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
function parseSignatureRepository(value) {
    if (!value)
        return undefined;
    const reference = parseReference(value);
    const lastComponent = value.split('/').at(-1) ?? '';
    if (reference.digest !== undefined || lastComponent.includes(':')) {
        throw new errors/* ConfigError */.xL(`signature-repository "${value}" must name a repository without a tag or digest, such as ghcr.io/org/signatures`);
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
function credentialRegistry(settings, signatureRepository) {
    if (Boolean(settings.registryUsername) !== Boolean(settings.registryPassword)) {
        const missing = settings.registryUsername ? 'registry-password' : 'registry-username';
        throw new errors/* ConfigError */.xL(`${missing} is empty while the other credential input is set: set both, or neither to read the docker config`);
    }
    if (!settings.registryUsername)
        return undefined;
    if (settings.registry)
        return normalizeRegistry(settings.registry);
    const registries = new Set();
    for (const image of settings.images) {
        try {
            registries.add(parseReference(image).registry);
        }
        catch {
            // An invalid reference gets its own error result; it names no registry to send to.
        }
    }
    if (signatureRepository)
        registries.add(signatureRepository.registry);
    if (registries.size > 1) {
        throw new errors/* ConfigError */.xL(`registry-username is set but the images are on several registries (${[...registries].join(', ')}): set registry to the one host the credentials are for`);
    }
    return [...registries][0];
}
/** Reduces a registry input such as `https://index.docker.io/v1/` to the host references use. */
function normalizeRegistry(value) {
    const host = value
        .trim()
        .replace(/^https?:\/\//, '')
        .replace(/\/.*$/, '');
    return host === 'index.docker.io' || host === 'registry-1.docker.io' ? 'docker.io' : host;
}
/** Splits the images input: one reference per line or comma-separated, blank entries ignored. */
function parseImageList(text) {
    return text
        .split(/[\n,]/)
        .map((item) => item.trim())
        .filter((item) => item !== '');
}


/***/ })

};
