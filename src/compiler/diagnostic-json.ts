/** A compile diagnostic as `--json` reports it, the same in every command: paths relative to the project root. */
import { relative } from 'node:path';
import type { CompileDiagnostic } from './types.js';

export function diagnosticJson(d: CompileDiagnostic, root: string): Record<string, unknown> {
    return {
        file: d.file ? relative(root, d.file).split('\\').join('/') : null,
        line: d.line ?? null,
        column: d.column ?? null,
        code: d.code,
        severity: d.severity ?? 'error',
        message: d.message,
        ...(d.function ? { function: d.function } : {})
    };
}
