/**
 * A hint per compile diagnostic: what to do about it, on one line, for an agent that reads the
 * diagnostics as data rather than the terminal's code frames. The message says what is wrong;
 * the hint says where to act and how to check the fix.
 */

const BY_CODE: Record<string, string> = {
    ENTRY_NOT_FOUND: 'Create the file index.ts imports, or remove that import line from index.ts.',
    ENTRY_BAD_PATH: 'Functions live at <integration>/<syncs|actions|on-events>/<name>.ts: move the file there and import it from index.ts with a .js extension.',
    ENTRY_SYNTAX: "Rewrite that index.ts line as a side-effect import: import './<integration>/<folder>/<name>.js';",
    DISALLOWED_IMPORT: "Only 'zod', 'crypto', 'url' and the SDK are provided at run time: copy the code you need into the project, or call the API through nango.",
    MODULE_NOT_FOUND: 'Fix the import path (relative imports need the file to exist), or install the package the types need.',
    BUNDLE_ERROR: 'Fix the syntax or import at that location; the message quotes the bundler.',
    INVALID_DEFAULT_EXPORT: 'The file must `export default` createSync, createAction or createOnEvent, matching its folder.',
    NO_DEFAULT_EXPORT: 'Add `export default createSync(...)` (or createAction / createOnEvent, matching the folder).',
    NAMED_EXPORT_NOT_ALLOWED: 'Keep only the default export in a function file; move shared code to another file and import it.',
    WRONG_FOLDER: 'Move the file to the folder of its type (syncs/, actions/ or on-events/) and update index.ts, or change the create* call.',
    DUPLICATE_NAME: 'Function names must be unique per integration: rename one file (and its import in index.ts).',
    CONSOLE_STATEMENT: 'Replace console.* with `await nango.log(...)`.',
    NANGO_CALL_NOT_AWAITED: 'Add `await` before the nango call.',
    PACKAGE_JSON_INVALID: 'Fix package.json so it parses as JSON, then compile again.',
    TYPECHECK_FAILED: 'The type-check could not run: check that typescript is installed and tsconfig.json parses.'
};

export function diagnosticHint(diagnostic: { code?: unknown; file?: unknown; line?: unknown; column?: unknown }): string {
    const code = typeof diagnostic.code === 'string' ? diagnostic.code : '';
    const known = BY_CODE[code];
    if (known) return known;
    const where = typeof diagnostic.file === 'string' ? `${diagnostic.file}${typeof diagnostic.line === 'number' ? `:${diagnostic.line}${typeof diagnostic.column === 'number' ? `:${diagnostic.column}` : ''}` : ''}` : 'the function';
    if (/^TS\d+$/.test(code)) return `Fix the type error at ${where} (TypeScript ${code}), then compile again.`;
    if (/^BAD_|^MISSING_|^EMPTY_|^NO_/.test(code)) return `Fix the definition at ${where} as the message says (the create* call's options), then compile again.`;
    return `Fix the problem at ${where} as the message says, then compile again.`;
}

/** Diagnostics as `--json` reports them, each with its hint. */
export function withHints(diagnostics: unknown): Record<string, unknown>[] {
    if (!Array.isArray(diagnostics)) return [];
    return diagnostics.map((d: Record<string, unknown>) => ({ ...d, hint: diagnosticHint(d) }));
}
