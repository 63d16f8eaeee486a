/**
 * The part of a function's checks that needs its sources rather than its live definition, run on
 * compile's own thread after the evaluation worker answered: Nango's source rules (static-checks.ts),
 * its console warning on the bundle, Ferry's warnings (validate.ts summaryWarnings), and the
 * manifest's `features`, which Nango derives from the source too.
 */
import { loadStaticChecks, staticChecks } from './static-checks.js';
import type { CompileDiagnostic, FunctionSummary } from './types.js';
import { isWarning, summaryWarnings } from './validate.js';
import type { FunctionRef } from '../project/types.js';

interface ReviewedFunction {
    /** Present when nothing is wrong; carries the function's warnings. */
    summary?: FunctionSummary;
    /** The errors. */
    diagnostics: CompileDiagnostic[];
}

function reviewFunction(bundle: { ref: FunctionRef; code: string; inputs: readonly string[] }, analysis: ReviewedFunction): ReviewedFunction {
    const { ref } = bundle;
    const source = staticChecks(ref, bundle.inputs);
    const found = [...source.diagnostics];
    if (/\bconsole\.\w+/.test(bundle.code)) {
        found.push({
            file: ref.file,
            code: 'CONSOLE_STATEMENT',
            message: `${ref.relPath} (or a file it imports) writes to console, which the platform's logs do not show: use \`await nango.log(...)\``,
            function: `${ref.integration}/${ref.name}`,
            severity: 'warning'
        });
    }
    const errors = [...analysis.diagnostics.filter((d) => !isWarning(d)), ...found.filter((d) => !isWarning(d))];
    if (errors.length > 0 || !analysis.summary) return { diagnostics: errors };
    const summary = analysis.summary;
    const entry = summary.entry.type === 'onEvent' ? summary.entry : { ...summary.entry, features: source.features };
    const reviewed: FunctionSummary = { ...summary, entry };
    const warnings = [...found.filter(isWarning), ...summaryWarnings(ref, reviewed)];
    return { summary: warnings.length > 0 ? { ...reviewed, warnings } : reviewed, diagnostics: [] };
}

/** reviewFunction for each bundle and its evaluation answer, in order. */
export async function reviewFunctions(bundles: readonly { ref: FunctionRef; code: string; inputs: readonly string[] }[], analyses: readonly ReviewedFunction[]): Promise<ReviewedFunction[]> {
    await loadStaticChecks();
    return bundles.map((bundle, i) => reviewFunction(bundle, analyses[i]!));
}
