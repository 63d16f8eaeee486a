/**
 * Nango's source checks for one function: every TypeScript file its bundle is built from gets the
 * call rules (awaited nango calls, retryOn with retries), its own file also the export and exec
 * order rules, and tells whether the function uses checkpoints (the manifest's `features`).
 *
 * Parsed with oxc-parser: a native parser that ships its binary inside its npm package and reads
 * a typical function file in a fraction of a millisecond, so checking thousands of functions stays
 * a small part of a compile. Each file is analysed once per content, however many functions
 * include it.
 */
import { readFileSync } from 'node:fs';
import { lineIndex, lineStartsOf, loadParser, parser } from '../project/parser.js';
import type { FunctionRef } from '../project/types.js';
import { analyzeProgram, type FileAnalysis, type Node } from './static-checks-rules.js';
import type { CompileDiagnostic } from './types.js';

/** Loads the parser before the first check (the checks themselves are synchronous). */
export async function loadStaticChecks(): Promise<void> {
    await loadParser();
}

interface AnalysedFile {
    source: string;
    /** Undefined when the file does not parse: esbuild and tsc report the syntax error. */
    analysis: FileAnalysis | undefined;
    lineStarts: number[];
}

const analysed = new Map<string, AnalysedFile>();

/** One file's analysis, reused while its content is the same (dev compiles again and again). */
function analyseFile(file: string, read: (file: string) => string | undefined): AnalysedFile | undefined {
    const source = read(file);
    if (source === undefined) return undefined;
    const known = analysed.get(file);
    if (known && known.source === source) return known;
    const lineStarts = lineStartsOf(source);
    const parsed = parser()(file, source, { lang: 'ts', sourceType: 'module', preserveParens: false });
    const analysis = parsed.errors.length > 0 ? undefined : analyzeProgram(parsed.program as unknown as Node, (offset) => lineIndex(lineStarts, offset) + 1);
    const entry = { source, analysis, lineStarts };
    analysed.set(file, entry);
    return entry;
}

interface StaticCheckResult {
    diagnostics: CompileDiagnostic[];
    /** `['checkpoints']` when the function's own file calls the checkpoint methods. */
    features: string[];
}

const readSource = (file: string): string | undefined => {
    try {
        return readFileSync(file, 'utf8');
    } catch {
        return undefined;
    }
};

/**
 * The checks for `ref`, whose bundle was built from `inputs` (absolute paths, its own file among
 * them). Only `.ts` files are read, as Nango only checks those.
 */
export function staticChecks(ref: FunctionRef, inputs: readonly string[], read: (file: string) => string | undefined = readSource): StaticCheckResult {
    const diagnostics: CompileDiagnostic[] = [];
    let features: string[] = [];
    const files = [ref.file, ...inputs.filter((input) => input !== ref.file)].filter((file) => file.endsWith('.ts') && !file.endsWith('.d.ts'));
    for (const file of files) {
        const entry = analyseFile(file, read);
        if (!entry?.analysis) continue;
        const own = file === ref.file;
        const issues = own ? [...entry.analysis.shared, ...entry.analysis.entry] : entry.analysis.shared;
        for (const issue of issues) {
            const index = lineIndex(entry.lineStarts, issue.at);
            diagnostics.push({
                file,
                line: index + 1,
                column: issue.at - entry.lineStarts[index]! + 1,
                code: issue.code,
                message: issue.message,
                // A helper's problem is the same for every function built from it: reported once, unnamed.
                ...(own ? { function: `${ref.integration}/${ref.name}` } : {})
            });
        }
        if (own && entry.analysis.checkpoints) features = ['checkpoints'];
    }
    return { diagnostics, features };
}
