/**
 * Reading one function's definition from its bundle: evaluate it, validate the definition and
 * summarize it. Runs inside the evaluation worker (evaluate.worker.ts), never in the CLI's thread:
 * the definition holds zod schemas, which cannot cross threads, so only the plain result
 * (summary and diagnostics) leaves it.
 */
import type { FunctionRef } from '../project/types.js';
import { EvaluationError } from './evaluate.js';
import { summarizeDefinition } from './summarize.js';
import type { CompileDiagnostic, FunctionDefinition, FunctionSummary } from './types.js';
import { validateDefinition } from './validate.js';

/** What compile learns from one bundle: its summary when it is valid, else why not. */
export interface DefinitionAnalysis {
    summary?: FunctionSummary;
    diagnostics: CompileDiagnostic[];
}

/** Evaluates a bundle and returns its default export; throws EvaluationError for problems in the code. */
type DefinitionReader = (code: string, filename: string) => unknown;

/** The one-line EVALUATION_ERROR of a function whose top-level code failed, `what` saying how. */
export function evaluationFailure(ref: FunctionRef, what: string): CompileDiagnostic {
    return {
        file: ref.file,
        code: 'EVALUATION_ERROR',
        message: `${what}. Top-level code runs at compile and deploy time: move side effects into exec`,
        function: `${ref.integration}/${ref.name}`
    };
}

/** Never throws for problems in user code: they come back as diagnostics. */
export function analyzeDefinition(ref: FunctionRef, code: string, filename: string, read: DefinitionReader): DefinitionAnalysis {
    let definition: unknown;
    try {
        definition = read(code, filename);
    } catch (error) {
        if (!(error instanceof EvaluationError)) throw error;
        return { diagnostics: [evaluationFailure(ref, error.message)] };
    }
    const diagnostics = validateDefinition(ref, definition);
    if (diagnostics.length > 0) return { diagnostics };
    try {
        return { summary: summarizeDefinition(ref, definition as FunctionDefinition), diagnostics };
    } catch (error) {
        return {
            diagnostics: [
                {
                    file: ref.file,
                    code: 'SCHEMA_ERROR',
                    message: `the schemas of ${ref.relPath} cannot be turned into JSON Schema (${error instanceof Error ? error.message : String(error)}): use plain zod types for models, input, output and metadata`,
                    function: `${ref.integration}/${ref.name}`
                }
            ]
        };
    }
}
