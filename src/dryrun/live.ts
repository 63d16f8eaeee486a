/**
 * A live dry run, start to finish: find the function, bundle only it, resolve the platform
 * settings, look the connection up, run the function with the platform's /proxy as transport,
 * then stream records (`--out`) and record a fixture (`--save`). Returns a plain outcome; the
 * command prints it. Bundling and the connection lookup run side by side: they do not depend on
 * each other, and time to the first request is what a developer feels.
 */
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { bundleFunctions } from '../compiler/bundle.js';
import { allSecrets, MIN_CREDENTIAL_LENGTH, secretsToCheck, type NamedSecret } from '../deploy/secrets.js';
import { ExitCode, FerryError, errnoCode } from '../errors.js';
import { PlatformClient, type RawRequest, type Schema } from '../platform/client.js';
import { fetchConnection, fetchIntegration, platformBackend } from '../platform/connections.js';
import { resolvePlatformSettings } from '../platform/env.js';
import { loadProject } from '../project/project.js';
import type { FunctionRef } from '../project/types.js';
import { prepareCompiledCheck, upToDateBundle } from './compiled.js';
import { credentialValues } from '../runtime/credentials.js';
import { pickRegistered } from './pick.js';
import { parseDateFlag, parseJsonFlag, parseTimeoutFlag } from './args.js';
import { readWebhookPayload } from './webhook-payload.js';
import { openOutSink, type JsonlSink } from './jsonl-sink.js';
import { createDirectFetchTransport } from '../runtime/direct-fetch.js';
import { createProxyTransport } from './proxy-transport.js';
import { createRedactor, type Redactor } from '../runtime/redact.js';
import { fixturePath, saveFixture, whyNotSavable, type FixtureSource } from './save.js';
import type { Sandbox } from '../runtime/sandbox.js';
import type { Connection, HttpTransport, RunEvent, RunOptions, RunResult } from '../runtime/types.js';

/** The flags as the CLI received them (strings, unparsed). */
export interface DryrunOptions {
    cwd: string;
    env: NodeJS.ProcessEnv;
    functionName: string;
    connectionId: string;
    environment?: string;
    integrationId?: string;
    input?: string;
    metadata?: string;
    checkpoint?: string;
    lastSyncDate?: string;
    variant?: string;
    validate?: boolean;
    save?: boolean;
    out?: string;
    timeout?: string;
    /** --webhook: a JSON file with the payload, or `-` for stdin; runs the sync's onWebhook. */
    webhook?: string;
    /** Where `--webhook -` reads from; process.stdin by default. */
    stdin?: NodeJS.ReadableStream;
    /** --diagnostics and --sourcemap: the command's to act on (the runtime ignores them). */
    diagnostics?: boolean;
    sourcemap?: boolean;
    /** Live events (requests, logs, warnings) as they happen. */
    onEvent?: (event: RunEvent) => void;
    /** Records per model kept for display; default 10. */
    firstN?: number;
    /** Ctrl-C: stops the function, discards --out, writes no fixture. */
    signal?: AbortSignal;
    /** Phase timings and other detail for --debug; free when absent. */
    debug?: (message: () => string) => void;
}

export interface DryrunOutcome {
    result: RunResult;
    environment: string;
    connection: Connection;
    /** The fixture written by --save. */
    savedTo?: string;
    /** --save replaced an earlier fixture of the function. */
    replaced?: boolean;
    /** Why --save wrote nothing. */
    notSaved?: string;
    /** --checkpoint was given: the final checkpoint is worth showing even when it is none. */
    checkpointGiven?: boolean;
    out?: { file: string; records: number };
    /** --out target left untouched because the run failed. */
    outDiscarded?: string;
    /** Ferry's own remarks about the flags (the function's warnings are in result.validation). */
    warnings: string[];
}

export interface DryrunDeps {
    runFunction(options: RunOptions): Promise<RunResult>;
    /** Starts the function's worker thread early, so its start-up overlaps bundling and the lookup. */
    createSandbox?: () => Sandbox;
}

/**
 * Exit codes: problems found before contacting the platform (flags, project, unknown function,
 * missing key, an --out that cannot be written) are usage errors (1); everything from the
 * platform on (401/403, unknown connection, unreachable, the function failing or failing
 * validation) is a dry run error (12); a function that does not bundle is a compile error (10),
 * as with `ferry compile`; an interrupt (the signal) wins over whatever is pending (130).
 * What it returns, reports through onEvent or throws has every known secret masked.
 */
export async function dryrun(options: DryrunOptions, deps: DryrunDeps): Promise<DryrunOutcome> {
    // Times are from the process start (performance's time origin): what a developer waits.
    const debug = (what: string): void => options.debug?.(() => `${what} at ${Math.round(performance.now())} ms`);
    debug('dry run started');
    const redactor = createRedactor();
    const onEvent = options.onEvent;
    const scrubbed: DryrunOptions = { ...options, ...(onEvent ? { onEvent: (event: RunEvent) => onEvent(redactor.value(event)) } : {}) };
    // The worker thread starts first: loading it (and the function's zod in it) is the longest
    // step after the bundle, and it overlaps everything below.
    const sandbox = deps.createSandbox?.();
    // Closing the sandbox ends the run at once (its worker is terminated). A worker that fails to
    // terminate changes nothing for the run: it is over either way.
    const onAbort = (): void => void sandbox?.close().catch(() => undefined);
    options.signal?.addEventListener('abort', onAbort, { once: true });
    try {
        return redactor.value(await prepareAndRun(scrubbed, deps.runFunction, sandbox, redactor, debug));
    } catch (error) {
        throw redactor.error(error);
    } finally {
        options.signal?.removeEventListener('abort', onAbort);
        await sandbox?.close().catch(() => undefined);
    }
}

async function prepareAndRun(
    options: DryrunOptions,
    runFunction: DryrunDeps['runFunction'],
    sandbox: Sandbox | undefined,
    redactor: Redactor,
    debug: (what: string) => void
): Promise<DryrunOutcome> {
    const stopIfInterrupted = (hint?: string): void => {
        if (options.signal?.aborted) throw interrupted(hint);
    };
    // A signal may have come before the command even started (its handler is installed early).
    stopIfInterrupted();
    const environment = options.environment ?? 'dev';
    const project = await loadProject(options.cwd);
    // The modules that check build/ load while the function is picked and the flags are read.
    const compiledCheck = prepareCompiledCheck(project.root);
    compiledCheck?.catch(() => undefined);
    const ref = pickRegistered(project.root, project.entries, options.functionName, options.integrationId);

    const [input, metadata, checkpoint] = await Promise.all([
        parseJsonFlag('--input', options.input, options.cwd),
        parseJsonFlag('--metadata', options.metadata, options.cwd, { object: true }),
        parseJsonFlag('--checkpoint', options.checkpoint, options.cwd, { object: true })
    ]);
    const warnings: string[] = [];
    const warn = (warning: string): void => {
        warnings.push(warning);
        options.onEvent?.({ type: 'warning', warning });
    };
    if (input !== undefined && ref.type !== 'action') {
        warn(`--input is ignored: ${ref.integration}/${ref.name} is ${ref.type === 'sync' ? 'a sync' : 'an on-event handler'}, only actions take input`);
    }
    const webhook = options.webhook === undefined ? undefined : await readWebhookPayload(options.webhook, options.cwd, ref, options.stdin);
    const lastSyncDate = parseDateFlag('--lastSyncDate', options.lastSyncDate);
    const timeoutMs = parseTimeoutFlag('--timeout', options.timeout);

    const settings = resolvePlatformSettings(project.root, environment, options.env, ExitCode.Failure);
    // The same values the --save scan refuses: the key, then secret-looking variables of .env and the environment.
    const secrets = secretsToCheck({ name: settings.keyVariable, value: settings.secretKey }, settings.dotEnv, options.env);
    redactor.add(secrets.map(({ value }) => value));
    debug(`${ref.relPath} picked, settings resolved (${settings.keyVariable}, ${settings.host})`);
    stopIfInterrupted();
    // Opened (its folder checked and created) before the platform is asked anything: a target
    // that cannot be written should not cost a run.
    const outFile = options.out ? resolve(options.cwd, options.out) : undefined;
    // --out is a file the developer keeps: a record that quotes a secret is written masked.
    let sink: JsonlSink | undefined = options.out && outFile ? await openOutSink(options.out, outFile, { scrub: redactor.json }) : undefined;
    const client = new CredentialTap({ host: settings.host, secretKey: settings.secretKey, exitCode: ExitCode.Dryrun, keyVariable: settings.keyVariable, keySource: settings.keySource, tlsEnv: { ...settings.dotEnv, ...options.env } });
    // The provider catalog loads while the main thread waits on esbuild and the platform.
    const catalog = import('../providers/catalog.js').then((module) => {
        module.providerNames().catch(() => undefined);
        return module;
    });
    try {
        // Both settle before either error is thrown: leaving esbuild mid-build when the process
        // exits makes its service print a crash dump on the shared stderr. An interrupt does not
        // wait for them: the finally below closes the client's sockets, and esbuild is stopped.
        let building = true;
        const [bundled, looked] = await untilInterrupted(
            Promise.allSettled([
                bundleOne(project.root, ref, compiledCheck, debug).finally(() => {
                    building = false;
                }),
                lookupConnection(client, options.connectionId, ref.integration, environment).finally(() => debug('connection looked up'))
            ]),
            options.signal
        ).catch((error: unknown) => {
            if (building) stopBundler();
            throw error;
        });
        redactor.add(client.credentials, MIN_CREDENTIAL_LENGTH);
        if (looked.status === 'rejected') throw looked.reason;
        if (bundled.status === 'rejected') throw bundled.reason;
        const bundle = bundled.value;
        const { connection, integration } = looked.value;
        // Unknown provider: no defaults (null). A catalog that fails to load: the runtime decides.
        const provider = connection.provider
            ? await catalog.then((module) => module.getProviderDefaults(connection.provider)).then((found) => found ?? null, () => undefined)
            : null;
        stopIfInterrupted();
        const save = Boolean(options.save);
        // A recording runs on a frozen clock (clock.ts) so its replay can start at the same instant.
        const recordedAt = save ? new Date() : undefined;

        // What the platform hands the function as environment variables is secret by nature:
        // --save must find none of it in the fixture, and the output shows none of it, whatever
        // the variables are called.
        const servedVariables: Record<string, string> = {};
        const platform = platformBackend(client, connection);
        const backend = {
            ...platform,
            getEnvironmentVariables: async () => {
                const variables = (await platform.getEnvironmentVariables?.()) ?? null;
                for (const { name, value } of variables ?? []) servedVariables[name] = value;
                redactor.add(Object.values(servedVariables));
                return variables;
            }
        };
        const result = await runFunction({
            code: bundle.code,
            filename: join(project.root, 'build', `${ref.id}.cjs`),
            ref: { integration: ref.integration, name: ref.name, type: ref.type },
            transport: withFirstSendNotice(createProxyTransport({ client, connection }), () => debug('first provider request sent')),
            // uncontrolledFetch goes straight to its URL, from this thread, with nothing of Ferry's added.
            fetchTransport: createDirectFetchTransport(),
            connection,
            ...(integration ? { integration } : {}),
            ...(provider !== undefined ? { provider } : {}),
            backend,
            ...(input !== undefined ? { input } : {}),
            ...(metadata !== undefined ? { metadata: metadata as Record<string, unknown> } : {}),
            ...(checkpoint !== undefined ? { checkpoint: checkpoint as Record<string, unknown> } : {}),
            ...(lastSyncDate ? { lastSyncDate } : {}),
            ...(recordedAt ? { now: recordedAt } : {}),
            ...(options.variant ? { variant: options.variant } : {}),
            ...(webhook !== undefined ? { webhookPayload: webhook } : {}),
            environment,
            validate: Boolean(options.validate),
            ...(timeoutMs ? { timeoutMs } : {}),
            ...(sink ? { recordSink: sink } : {}),
            // Keeping every record is what --out exists to avoid; --save needs them all.
            keepRecords: save || !sink,
            recordExchanges: save,
            firstN: options.firstN ?? 10,
            ...(options.onEvent ? { onEvent: options.onEvent } : {}),
            ...(sandbox ? { sandbox } : {})
        });
        debug('function finished');
        stopIfInterrupted();

        const outcome: DryrunOutcome = { result, environment, connection, warnings, ...(checkpoint !== undefined ? { checkpointGiven: true } : {}) };
        if (sink && outFile) {
            const finished = sink;
            sink = undefined;
            // An interrupt while the records are flushed still leaves the target as it was.
            Object.assign(outcome, await settleOut(finished, outFile, result.ok, () => stopIfInterrupted()));
        }
        if (save) {
            // Nothing awaits between this check and the fixture's write: an interrupt until now writes none.
            stopIfInterrupted(outcome.out ? `No fixture was saved; --out had already written ${outcome.out.file}.` : undefined);
            const source: FixtureSource = {
                result,
                connection,
                input,
                ...(metadata !== undefined ? { metadata: metadata as Record<string, unknown> } : {}),
                ...(checkpoint ? { checkpoint: checkpoint as Record<string, unknown> } : {}),
                ...(lastSyncDate ? { lastSyncDate } : {}),
                ...(recordedAt ? { recordedAt } : {}),
                ...(webhook !== undefined ? { webhook } : {})
            };
            const credentials = client.credentials
                .map((value) => ({ name: "the connection's credentials", value: value.trim() }))
                .filter(({ value }) => value.length >= MIN_CREDENTIAL_LENGTH);
            Object.assign(outcome, await trySave(source, project.root, [...secrets, ...allSecrets(servedVariables, 'platform environment variable'), ...credentials]));
        }
        return outcome;
    } finally {
        await Promise.all([sink?.abort(), client.close()]);
    }
}

/**
 * A successful run's records move into place; a failed run's are discarded, the target untouched.
 * `beforeRename` throws to stop the move (an interrupt); the records are discarded then too.
 */
async function settleOut(sink: JsonlSink, file: string, ok: boolean, beforeRename: () => void): Promise<Pick<DryrunOutcome, 'out' | 'outDiscarded'>> {
    if (!ok) {
        await sink.abort();
        return { outDiscarded: file };
    }
    await sink.commit(beforeRename);
    return { out: { file, records: sink.count } };
}

/**
 * --save after the run: a fixture that cannot or must not be written is reported (notSaved), it
 * does not throw away the run that was just made.
 */
async function trySave(source: FixtureSource, root: string, secrets: readonly NamedSecret[]): Promise<Pick<DryrunOutcome, 'savedTo' | 'replaced' | 'notSaved'>> {
    const why = whyNotSavable(source.result);
    if (why) return { notSaved: why };
    try {
        const saved = await saveFixture(source, { root, secrets });
        return { savedTo: saved.file, replaced: saved.replaced };
    } catch (error) {
        const leaked = error instanceof FerryError && error.code === 'FIXTURE_HAS_SECRET' ? error.details?.['variables'] : undefined;
        if (Array.isArray(leaked)) return { notSaved: `the recording contains the value of ${leaked.join(', ')} (a response or a log echoes it: keep it out of what the function returns or logs)` };
        if (error instanceof FerryError) return { notSaved: error.message };
        const code = errnoCode(error);
        const reason = error instanceof Error ? error.message.replace(/^E[A-Z]+: /, '').split(',')[0] : String(error);
        return { notSaved: `cannot write ${fixturePath(root, source.result.integration, source.result.function)} (${code ? `${code}: ` : ''}${reason})` };
    }
}

/** Resolves as `work` does, or rejects with INTERRUPTED as soon as the signal fires (the work goes on unobserved). */
function untilInterrupted<T>(work: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
    if (!signal) return work;
    if (signal.aborted) return Promise.reject(interrupted());
    return new Promise<T>((resolve, reject) => {
        const onAbort = (): void => reject(interrupted());
        signal.addEventListener('abort', onAbort, { once: true });
        work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
    });
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

/**
 * The platform client, keeping the credential values of the connection and integration answers
 * before the lookup drops them: they are what the redactor must mask if a provider echoes them.
 */
class CredentialTap extends PlatformClient {
    readonly credentials: string[] = [];

    override json<T>(req: RawRequest, schema: Schema<T>, notFound?: () => FerryError): Promise<T> {
        if (!/^\/(connections|integrations)\//.test(req.path)) return super.json(req, schema, notFound);
        const tapped: Schema<T> = {
            safeParse: (value) => {
                credentialValues(value, this.credentials);
                return schema.safeParse(value);
            }
        };
        return super.json(req, tapped, notFound);
    }
}

function interrupted(hint = 'Nothing was saved; --out left its target as it was.'): FerryError {
    return new FerryError({
        code: 'INTERRUPTED',
        message: 'Dry run interrupted',
        hint,
        exitCode: ExitCode.Interrupted
    });
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

function withFirstSendNotice(transport: HttpTransport, notice: () => void): HttpTransport {
    let first = true;
    return {
        send(request) {
            if (first) {
                first = false;
                notice();
            }
            return transport.send(request);
        }
    };
}

/**
 * The connection, and the integration for getIntegration/getWebhookURL, asked side by side. The
 * integration is required only when the connection does not name its provider.
 */
async function lookupConnection(
    client: PlatformClient,
    connectionId: string,
    integration: string,
    environment: string
): Promise<{ connection: Connection; integration?: Record<string, unknown> }> {
    const [connection, record] = await Promise.allSettled([
        fetchConnection(client, { connectionId, integration, environment, exitCode: ExitCode.Dryrun }),
        fetchIntegration(client, integration, ExitCode.Dryrun)
    ]);
    if (connection.status === 'rejected') throw connection.reason;
    if (connection.value.provider) return { connection: connection.value, ...(record.status === 'fulfilled' ? { integration: record.value } : {}) };
    if (record.status === 'rejected') throw record.reason;
    return { connection: { ...connection.value, provider: record.value.provider }, integration: record.value };
}

