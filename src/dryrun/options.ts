/** What a live dry run takes and returns, shared by its steps (live.ts runs them). */
import type { Sandbox } from '../runtime/sandbox.js';
import type { Connection } from '../runtime/types.js';
import type { RunEvent, RunOptions, RunResult } from '../runtime/run-types.js';

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
