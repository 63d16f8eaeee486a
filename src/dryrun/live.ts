/**
 * A live dry run, start to finish: prepare (find the function, read the flags, resolve the
 * platform settings) -> connect (bundle only that function and look the connection up, side by
 * side) -> execute (run it with the platform's /proxy as transport) -> settle (stream records to
 * `--out`, record a fixture with `--save`). Returns a plain outcome; the command prints it.
 */
import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { ExitCode } from '../errors.js';
import { PlatformClient } from '../platform/client.js';
import type { Sandbox } from '../runtime/sandbox.js';
import type { RunEvent } from '../runtime/run-types.js';
import { createRedactor, type Redactor } from '../secrets/redact.js';
import { connect } from './connect.js';
import { execute } from './execute.js';
import { openOutSink, type JsonlSink } from './jsonl-sink.js';
import type { DryrunDeps, DryrunOptions, DryrunOutcome } from './options.js';
import { interrupted, prepare } from './prepare.js';
import { saveRun, settleOut } from './settle.js';

export type { DryrunDeps, DryrunOptions, DryrunOutcome } from './options.js';

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
        return redactor.value(await runDryrun(scrubbed, deps.runFunction, sandbox, redactor, debug));
    } catch (error) {
        throw redactor.error(error);
    } finally {
        options.signal?.removeEventListener('abort', onAbort);
        await sandbox?.close().catch(() => undefined);
    }
}

async function runDryrun(
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
    const prepared = await prepare(options, redactor);
    const { settings } = prepared;
    debug(`${prepared.ref.relPath} picked, settings resolved (${settings.keyVariable}, ${settings.host})`);
    stopIfInterrupted();
    // Opened (its folder checked and created) before the platform is asked anything: a target
    // that cannot be written should not cost a run.
    const outFile = options.out ? resolve(options.cwd, options.out) : undefined;
    // --out is a file the developer keeps: a record that quotes a secret is written masked.
    let sink: JsonlSink | undefined = options.out && outFile ? await openOutSink(options.out, outFile, { scrub: redactor.json }) : undefined;
    const client = new PlatformClient({ host: settings.host, secretKey: settings.secretKey, exitCode: ExitCode.Dryrun, keyVariable: settings.keyVariable, keySource: settings.keySource, tlsEnv: { ...settings.dotEnv, ...options.env } });
    try {
        const connected = await connect(prepared, client, redactor, options.signal, debug);
        stopIfInterrupted();
        // A recording runs on a frozen clock (clock.ts) so its replay can start at the same instant.
        const recordedAt = options.save ? new Date() : undefined;
        const servedVariables: Record<string, string> = {};
        const result = await execute(options, prepared, connected, { client, runFunction, redactor, debug, servedVariables, ...(sandbox ? { sandbox } : {}), ...(sink ? { sink } : {}), ...(recordedAt ? { recordedAt } : {}) });
        debug('function finished');
        stopIfInterrupted();

        const outcome: DryrunOutcome = { result, environment: prepared.environment, connection: connected.connection, warnings: prepared.warnings, ...(prepared.checkpoint !== undefined ? { checkpointGiven: true } : {}) };
        if (sink && outFile) {
            const finished = sink;
            sink = undefined;
            // An interrupt while the records are flushed still leaves the target as it was.
            Object.assign(outcome, await settleOut(finished, outFile, result.ok, () => stopIfInterrupted()));
        }
        if (options.save) {
            // Nothing awaits between this check and the fixture's write: an interrupt until now writes none.
            stopIfInterrupted(outcome.out ? `No fixture was saved; --out had already written ${outcome.out.file}.` : undefined);
            Object.assign(outcome, await saveRun(result, prepared, connected, recordedAt, servedVariables));
        }
        return outcome;
    } finally {
        await Promise.all([sink?.abort(), client.close()]);
    }
}
