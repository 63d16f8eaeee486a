/**
 * oxc-parser (a native parser, loaded once per process, shared with compile's static checks), and
 * the imports of a JavaScript or TypeScript file read with it: index.ts's registrations and the
 * files `ferry clone` follows come from this one reading, not from hand-written lexers.
 */
import { createRequire } from 'node:module';

interface Span {
    start: number;
    end: number;
}
interface OxcModule {
    staticImports: (Span & { moduleRequest: Span & { value: string }; entries: { isType: boolean }[] })[];
    staticExports: (Span & { entries: { moduleRequest: (Span & { value: string }) | null; isType: boolean }[] })[];
    dynamicImports: (Span & { moduleRequest: Span })[];
}
interface OxcResult {
    module: OxcModule;
    errors: { message: string; labels: Span[] }[];
    readonly program: { body: unknown[] };
}
type ParseSync = (filename: string, source: string, options?: Record<string, unknown>) => OxcResult;

let parseSync: ParseSync | undefined;

/**
 * Loads the parser (an ES module, ~80 ms) for the sync calls below; commands that never parse do
 * not pay for the native module, and callers that can wait load it first.
 */
export async function loadParser(): Promise<void> {
    parseSync ??= ((await import('oxc-parser')) as unknown as { parseSync: ParseSync }).parseSync;
}

/** oxc-parser's parseSync, loaded if no caller did (Node 20.19 and newer can require an ES module). */
export function parser(): ParseSync {
    parseSync ??= (createRequire(import.meta.url)('oxc-parser') as { parseSync: ParseSync }).parseSync;
    return parseSync;
}

interface SourceImport {
    specifier: string;
    /** Where the statement (or the call) starts. */
    start: number;
    /** `import './x'`: no bindings, no `from`; what index.ts registers a function with. */
    sideEffect: boolean;
    /** Only types come through it (`import type`, `export type`, every binding `type`): erased when bundling. */
    typeOnly: boolean;
}

interface ParsedImports {
    imports: SourceImport[];
    /** The first syntax error's message and offset, when the file does not parse (then `imports` is empty). */
    error?: { message: string; at: number };
}

const TRIVIA = /^(?:\s|\/\/[^\n\r\u2028\u2029]*|\/\*[\s\S]*?\*\/)*$/;

/**
 * Every module a file imports or re-exports, in source order: static imports and re-exports, and
 * with `calls`, `import('…')`, `require('…')` and `import x = require('…')` with a quoted path.
 */
export function parseImports(filename: string, source: string, options: { calls?: boolean } = {}): ParsedImports {
    const result = parser()(filename, source);
    const first = result.errors[0];
    if (first) return { imports: [], error: { message: first.message, at: first.labels[0]?.start ?? 0 } };
    const { module } = result;
    const imports: SourceImport[] = module.staticImports.map((entry) => ({
        specifier: entry.moduleRequest.value,
        start: entry.start,
        sideEffect: entry.entries.length === 0 && TRIVIA.test(source.slice(entry.start + 'import'.length, entry.moduleRequest.start)),
        typeOnly: entry.entries.length > 0 && entry.entries.every((e) => e.isType)
    }));
    for (const entry of module.staticExports) {
        const request = entry.entries.find((e) => e.moduleRequest)?.moduleRequest;
        if (request) imports.push({ specifier: request.value, start: entry.start, sideEffect: false, typeOnly: entry.entries.every((e) => e.isType) });
    }
    if (options.calls) {
        for (const entry of module.dynamicImports) {
            const quoted = /^(['"])(.*)\1$/s.exec(source.slice(entry.moduleRequest.start, entry.moduleRequest.end));
            if (quoted) imports.push({ specifier: quoted[2]!, start: entry.start, sideEffect: false, typeOnly: false });
        }
        if (source.includes('require')) findRequires(result.program, imports);
    }
    return { imports: imports.sort((a, b) => a.start - b.start) };
}

type Node = { type?: string; start?: number; [key: string]: unknown };

/** `require('…')` anywhere, and `import x = require('…')`: a walk of the syntax tree, which only files that say `require` pay for. */
function findRequires(program: unknown, found: SourceImport[]): void {
    const stack: unknown[] = [program];
    while (stack.length > 0) {
        const node = stack.pop();
        if (Array.isArray(node)) {
            stack.push(...node);
            continue;
        }
        if (!node || typeof node !== 'object') continue;
        const n = node as Node;
        const argument = requiredPath(n);
        if (argument !== undefined) found.push({ specifier: argument, start: n.start ?? 0, sideEffect: false, typeOnly: false });
        for (const [key, value] of Object.entries(n)) if (key !== 'parent' && value && typeof value === 'object') stack.push(value);
    }
}

function requiredPath(node: Node): string | undefined {
    if (node.type === 'CallExpression') {
        const callee = node['callee'] as Node | undefined;
        const [first] = (node['arguments'] as Node[] | undefined) ?? [];
        if (callee?.type === 'Identifier' && callee['name'] === 'require' && first?.type === 'Literal' && typeof first['value'] === 'string') return first['value'];
    }
    if (node.type === 'TSExternalModuleReference') {
        const expression = node['expression'] as Node | undefined;
        if (expression?.type === 'Literal' && typeof expression['value'] === 'string') return expression['value'];
    }
    return undefined;
}

/** Where each line starts (after each `\n`, as editors and diagnostics count lines). */
export function lineStartsOf(source: string): number[] {
    const starts = [0];
    for (let i = source.indexOf('\n'); i !== -1; i = source.indexOf('\n', i + 1)) starts.push(i + 1);
    return starts;
}

/** The 0-based line of an offset, given lineStartsOf. */
export function lineIndex(starts: readonly number[], offset: number): number {
    let low = 0;
    let high = starts.length - 1;
    while (low < high) {
        const mid = (low + high + 1) >> 1;
        if (starts[mid]! <= offset) low = mid;
        else high = mid - 1;
    }
    return low;
}
