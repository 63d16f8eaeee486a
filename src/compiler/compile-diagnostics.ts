/**
 * How compile's diagnostics are put together for the user: tsc's copies of what esbuild already
 * said dropped, each named by its function, code frames added, sorted by place.
 */
import { resolve } from 'node:path';
import type { FunctionRef } from '../project/types.js';
import { createFramer } from './frame.js';
import type { TypecheckOutcome } from './typecheck.js';
import type { CompileDiagnostic } from './types.js';

export function typecheckFailure(error: unknown): TypecheckOutcome {
    return {
        diagnostics: [{ code: 'TYPECHECK_FAILED', message: `could not run the type-check: ${error instanceof Error ? error.message : String(error)}. Rerun with --no-typecheck to skip it` }],
        cached: false,
        durationMs: 0
    };
}

export const sortDiagnostics = (a: CompileDiagnostic, b: CompileDiagnostic): number =>
    (a.file ?? '').localeCompare(b.file ?? '') || (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0) || a.code.localeCompare(b.code);

/**
 * A syntax error or a missing entry is reported by esbuild or index.ts parsing and again by tsc on
 * the same line; the first is the clearer of the two, so tsc's copy is dropped.
 */
export function withoutEchoes(typeDiagnostics: readonly CompileDiagnostic[], others: readonly CompileDiagnostic[]): CompileDiagnostic[] {
    const lines = new Set(others.filter((d) => d.file && d.line).map((d) => `${d.file}:${d.line}`));
    return typeDiagnostics.filter((d) => !(d.file && d.line && lines.has(`${d.file}:${d.line}`)));
}

/**
 * Names the function (`<integration>/<name>`) of each diagnostic in a function's own file, as
 * bundle and definition errors already are; tsc's errors come with a file only. A problem in a
 * shared helper stays unnamed: which functions it affects is not known for sure (an import used
 * for its types alone shows in no bundle), and a partial list would mislead.
 */
export function withFunctions(diagnostics: readonly CompileDiagnostic[], refs: readonly FunctionRef[]): CompileDiagnostic[] {
    const byFile = new Map(refs.map((ref) => [resolve(ref.file), `${ref.integration}/${ref.name}`]));
    return diagnostics.map((d) => {
        const fn = !d.function && d.file ? byFile.get(resolve(d.file)) : undefined;
        return fn ? { ...d, function: fn } : d;
    });
}

/** Code frames for located diagnostics that came without one (index.ts problems, definition checks). */
export function withFrames(diagnostics: CompileDiagnostic[]): CompileDiagnostic[] {
    const frameOf = createFramer();
    return diagnostics.map((d) => {
        if (d.frame || !d.file || !d.line) return d;
        const frame = frameOf(d.file, d.line, d.column ?? 1);
        return frame ? { ...d, frame } : d;
    });
}
