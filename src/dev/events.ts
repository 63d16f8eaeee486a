/**
 * What a dev session reports, in the order it happens. The session emits these; the command prints
 * them as human lines on stderr or, with --json, one JSON object per line on stdout. The shape is a
 * public contract for editors and agents: fields are only ever added.
 */
import type { CompileDiagnostic } from '../compiler/types.js';
import type { FunctionType } from '../project/types.js';

export interface DevFunction {
    /** Function name (the file's basename). */
    name: string;
    integration: string;
    type: FunctionType;
}

export interface RebuiltFunction extends DevFunction {
    /** Time for this function's share of the rebuild, ms. */
    durationMs: number;
    /** Absolute path of build/<id>.cjs */
    bundlePath: string;
    /** Bundle size in bytes. */
    size: number;
}

/** Why the functions were rebuilt: the files that changed, relative to the project root. */
export type ChangeKind = 'add' | 'change' | 'unlink';
export interface ChangedFile {
    file: string;
    kind: ChangeKind;
}

export type ErrorPhase = 'project' | 'bundle' | 'validate' | 'write';

export type DevEvent =
    /** The first full compile finished and the watcher is running. `ok` false when it had errors (they came just before, as an `error` event). */
    | { event: 'ready'; root: string; ok: boolean; functions: DevFunction[]; durationMs: number; typecheck: boolean }
    /**
     * Changed files were picked up (after debouncing) and a rebuild begins. `functions` are the
     * ones it will build (empty when the change touches none: `unchanged` follows).
     */
    | { event: 'rebuild-start'; files: ChangedFile[]; functions: DevFunction[] }
    /**
     * A rebuild succeeded: bundles, definitions and the manifest are written. `functions` lists
     * what was rebuilt; `added`/`removed` are function ids that entered or left index.ts. All
     * three are empty, with `recovered` true, when an index.ts edit fixed the last error.
     */
    | { event: 'rebuild'; functions: RebuiltFunction[]; added: string[]; removed: string[]; durationMs: number; recovered: boolean }
    /** A change touched no function (a file outside every source graph, an index.ts edit that adds or removes none): nothing to rebuild. */
    | { event: 'unchanged'; files: ChangedFile[]; durationMs: number }
    /** A rebuild failed; the previous bundles and manifest are left as they were. */
    | { event: 'error'; phase: ErrorPhase; errors: CompileDiagnostic[]; durationMs: number }
    /** The background type-check started a run. */
    | { event: 'typecheck-start' }
    /** The background type-check finished: `errors` is the complete current list (empty when clean). */
    | { event: 'typecheck'; ok: boolean; errors: CompileDiagnostic[]; durationMs: number }
    /** The session ends (signal, or the project folder went away). */
    | { event: 'stop'; reason: string };

/** The function as the events name it. */
export function describeFunction(ref: { name: string; integration: string; type: FunctionType }): DevFunction {
    return { name: ref.name, integration: ref.integration, type: ref.type };
}

/** Durations in events: milliseconds to one decimal. */
export const roundMs = (ms: number): number => Math.round(ms * 10) / 10;
