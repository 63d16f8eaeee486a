/** The document a compile reports (`ferry compile --json`, and `ferry mcp`'s compile tool). */
import { relative } from 'node:path';
import { diagnosticJson } from './diagnostic-json.js';
import type { CompileDiagnostic, ProjectCompileResult } from './types.js';

export function compileResultJson(result: ProjectCompileResult): Record<string, unknown> {
    const rel = (path: string): string => relative(result.root, path).split('\\').join('/');
    const diagnostic = (d: CompileDiagnostic): Record<string, unknown> => diagnosticJson(d, result.root);
    return {
        ok: result.ok,
        root: result.root,
        durationMs: Math.round(result.durationMs),
        functions: result.functions.map((f) => ({
            type: f.ref.type,
            integration: f.ref.integration,
            name: f.ref.name,
            file: f.ref.relPath,
            bundlePath: rel(f.bundlePath),
            size: f.size,
            cached: f.cached
        })),
        errors: result.errors.map(diagnostic),
        warnings: result.warnings.map(diagnostic),
        typecheck: { ...result.typecheck, durationMs: Math.round(result.typecheck.durationMs) },
        removed: result.removed.map(rel),
        manifestPath: rel(result.manifestPath)
    };
}
