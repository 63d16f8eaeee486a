/** The document a clone reports (`ferry clone --json`, and `ferry mcp`'s clone tool). */
import type { CloneResult } from './clone.js';

export function cloneResultJson(result: CloneResult): Record<string, unknown> {
    return {
        template: result.template,
        source: result.source,
        written: result.written,
        skipped: result.skipped,
        registered: result.registered,
        conflicts: result.conflicts,
        functions: result.functions,
        warnings: result.warnings
    };
}
