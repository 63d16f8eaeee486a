/**
 * A live dry run's second step: bundling the function and looking the connection up, side by side
 * (they do not depend on each other, and time to the first request is what a developer feels).
 */
import { createRequire } from 'node:module';
import { bundleFunctions } from '../compiler/bundle.js';
import { ExitCode, FerryError } from '../errors.js';
import type { PlatformClient } from '../platform/client.js';
import { fetchConnection, fetchIntegration, type ConnectionLookup } from '../platform/connections.js';
import type { FunctionRef } from '../project/types.js';
import type { ProviderDefaults } from '../runtime/run-types.js';
import type { Connection } from '../runtime/types.js';
import type { Redactor } from '../secrets/redact.js';
import { MIN_CREDENTIAL_LENGTH } from '../secrets/values.js';
import { upToDateBundle, type prepareCompiledCheck } from './compiled.js';
import { untilInterrupted, type Prepared } from './prepare.js';

interface LookedUp {
    connection: Connection;
    /** For getIntegration/getWebhookURL; absent when the platform could not say and the connection names its provider. */
    integration?: Record<string, unknown>;
    /** The credential values of both answers, for the redactor and the --save scan. */
    secrets: string[];
}

export interface Connected extends LookedUp {
    code: string;
    /** Unknown provider: null (no defaults). Undefined: the catalog failed to load, the runtime decides. */
    provider: ProviderDefaults | null | undefined;
}

export async function connect(
    prepared: Prepared,
    client: PlatformClient,
    redactor: Redactor,
    signal: AbortSignal | undefined,
    debug: (what: string) => void
): Promise<Connected> {
    const { root, ref, environment } = prepared;
    // The provider catalog loads while the main thread waits on esbuild and the platform.
    const catalog = import('../providers/catalog.js').then((module) => {
        module.providerNames().catch(() => undefined);
        return module;
    });
    // Both settle before either error is thrown: leaving esbuild mid-build when the process
    // exits makes its service print a crash dump on the shared stderr. An interrupt does not
    // wait for them: the caller closes the client's sockets, and esbuild is stopped.
    let building = true;
    const [bundled, looked] = await untilInterrupted(
        Promise.allSettled([
            bundleOne(root, ref, prepared.compiledCheck, debug).finally(() => {
                building = false;
            }),
            lookUp(client, { connectionId: prepared.connectionId, integration: ref.integration, environment, exitCode: ExitCode.Dryrun }, redactor).finally(() => debug('connection looked up'))
        ]),
        signal
    ).catch((error: unknown) => {
        if (building) stopBundler();
        throw error;
    });
    if (looked.status === 'rejected') throw looked.reason;
    if (bundled.status === 'rejected') throw bundled.reason;
    const { connection } = looked.value;
    const provider = connection.provider
        ? await catalog.then((module) => module.getProviderDefaults(connection.provider)).then((found) => found ?? null, () => undefined)
        : null;
    return { ...looked.value, code: bundled.value.code, provider };
}

/**
 * The connection, and the integration, asked side by side; the integration is required only when
 * the connection does not name its provider. The credential values of each answer are masked
 * from the moment it arrives, before any error is thrown: an error may quote what the platform
 * or the function echoes.
 */
async function lookUp(client: PlatformClient, lookup: ConnectionLookup, redactor: Redactor): Promise<LookedUp> {
    const [connection, record] = await Promise.allSettled([fetchConnection(client, lookup), fetchIntegration(client, lookup.integration, lookup.exitCode)]);
    const secrets = [connection, record].flatMap((answer) => (answer.status === 'fulfilled' ? answer.value.secrets : []));
    redactor.add(secrets, MIN_CREDENTIAL_LENGTH);
    if (connection.status === 'rejected') throw connection.reason;
    const found = connection.value.value;
    if (found.provider) return { connection: found, ...(record.status === 'fulfilled' ? { integration: record.value.value } : {}), secrets };
    if (record.status === 'rejected') throw record.reason;
    return { connection: { ...found, provider: record.value.value.provider }, integration: record.value.value, secrets };
}

/**
 * Stops esbuild's service mid-build. Its process shares Ferry's stderr: left running, it keeps
 * the stream open for a second after Ferry exits (a caller reading to the end waits for it).
 */
function stopBundler(): void {
    try {
        (createRequire(import.meta.url)('esbuild') as typeof import('esbuild')).stop();
    } catch {
        // Not installed or already stopped: nothing is running.
    }
}

async function bundleOne(root: string, ref: FunctionRef, compiledCheck: ReturnType<typeof prepareCompiledCheck>, debug: (what: string) => void): Promise<{ code: string }> {
    const compiled = await upToDateBundle(root, ref, compiledCheck);
    if (compiled !== undefined) {
        debug(`bundle read from build/ (compiled, sources unchanged)`);
        return { code: compiled };
    }
    const output = await bundleFunctions(root, [ref]);
    debug('bundled');
    const first = output.errors[0];
    if (first || !output.bundles[0]) {
        const where = first?.file ? `${first.file}${first.line ? `:${first.line}:${first.column ?? 1}` : ''}: ` : '';
        throw new FerryError({
            code: 'BUNDLE_ERROR',
            message: `${ref.relPath} does not build: ${where}${first?.message ?? 'no output'}`,
            hint: output.errors.length > 1 ? `${output.errors.length - 1} more error(s); run \`ferry compile\` to see them all.` : 'Fix the error and run again.',
            exitCode: ExitCode.Compile,
            details: { frames: output.errors.map((e) => e.frame ?? e.message) }
        });
    }
    return output.bundles[0];
}
