/**
 * Reading index.ts: its side-effect imports (relative ones are the functions it registers), in
 * order, and the imports that start like one but do not parse. An index.ts as Ferry and Nango
 * write it is read a line at a time; any other goes through the parser (parser.ts), so comments,
 * strings, templates and regular expressions are never mistaken for code.
 */
import { lineIndex, lineStartsOf, loadParser, parseImports } from './parser.js';

export interface IndexEntry {
    specifier: string;
    line: number;
}

interface IndexScan {
    entries: IndexEntry[];
    /**
     * `import` keywords followed by something that is not a whole import (`import './x` without
     * its closing quote). TypeScript rejects them, but without the type-check nothing else reads
     * index.ts, so they would silently register nothing. `text` runs from `import` to the end of
     * its line; `fix` says what to change.
     */
    broken: { line: number; text: string; fix: string }[];
}

const EXAMPLE = "import './<integration>/<syncs|actions|on-events>/<name>.js';";

/** The scan of index.ts; sync, so the parser is loaded on first need (see scanIndexLoaded for callers that can wait). */
export function scanIndex(source: string): IndexScan {
    return scanPlainIndex(source) ?? parseIndex(source);
}

/** scanIndex, with the parser loaded first when the file is not plain. */
export async function scanIndexLoaded(source: string): Promise<IndexScan> {
    const plain = scanPlainIndex(source);
    if (plain) return plain;
    await loadParser();
    return parseIndex(source);
}

// An index.ts as Ferry and Nango write it: nothing but `import './x.js';` lines, blank lines and
// `//` comments. Read a line at a time with one native regex that cannot backtrack far; every
// other file goes through the parser, which gives the same answer for these (tested) but costs
// ~80 ms to load.
const PLAIN_LINE = /^[ \t]*(?:import[ \t]+(?:'([^'\\\r\n]*)'|"([^"\\\r\n]*)")[ \t]*(?:;[ \t]*)?|\/\/.*)?$/;

/**
 * A side-effect import of a file rather than a package: `./x`, and also `../x` and `/x`, which
 * can never be a function of this project but must be refused, not skipped (an index.ts holding
 * only such lines would otherwise compile as "0 functions" and delete every bundle).
 */
function isPathSpecifier(specifier: string): boolean {
    return (specifier.startsWith('./') && specifier.length > 2) || specifier.startsWith('../') || specifier === '..' || specifier.startsWith('/');
}

/** The scan of a plain index.ts, or undefined when it holds anything else. */
function scanPlainIndex(source: string): IndexScan | undefined {
    // JavaScript ends a line (and a comment) at U+2028 and U+2029 too: the parser knows, the regex does not.
    if (source.includes('\u2028') || source.includes('\u2029')) return undefined;
    const entries: IndexEntry[] = [];
    const lines = source.split(/\r?\n/);
    for (let index = 0; index < lines.length; index++) {
        const match = PLAIN_LINE.exec(lines[index]!);
        if (!match) return undefined;
        const specifier = match[1] ?? match[2];
        if (specifier !== undefined && isPathSpecifier(specifier)) entries.push({ specifier, line: index + 1 });
    }
    return { entries, broken: [] };
}

/**
 * Any index.ts TypeScript accepts, and the imports that break it. The parser stops at the first
 * syntax error: a broken import there is reported and blanked out (its line breaks kept, so
 * offsets and lines stay), other broken code is blanked likewise (the type-check reports it),
 * and the file is read again, until it parses.
 */
export function parseIndex(source: string): IndexScan {
    const starts = lineStartsOf(source);
    const lineOf = (at: number): number => lineIndex(starts, at) + 1;
    const broken: IndexScan['broken'] = [];
    let text = source;
    // Each round blanks at least one more line; the bound only guards against a parser that
    // reports an error where nothing is left to blank.
    for (let round = 0; round < 1000; round++) {
        const parsed = parseImports('index.ts', text);
        if (!parsed.error) {
            const entries = parsed.imports
                .filter((entry) => entry.sideEffect && isPathSpecifier(entry.specifier))
                .map((entry) => ({ specifier: entry.specifier, line: lineOf(entry.start) }));
            return { entries, broken };
        }
        const found = brokenImport(text, parsed.error.at);
        if (found) broken.push({ line: lineOf(found.start), text: clean(text.slice(found.start, found.end)), fix: found.fix });
        // Other code that does not parse is blanked from the statement the error is in (after the
        // last `;` before it on its line) to the next `;`: imports beside it on its line still count.
        const at = parsed.error.at;
        let from = found?.start ?? Math.max(lineStart(text, at), text.lastIndexOf(';', at - 1) + 1);
        const to = found ? (found.blankTo ?? found.end) : statementEnd(text, at, lineEnd(text, at));
        // An error at a blank line (the end of the file) belongs to the code before it.
        while (from > 0 && !/\S/.test(text.slice(from, to))) from = lineStart(text, from - 1);
        text = text.slice(0, from) + text.slice(from, to).replace(/[^\n\r\u2028\u2029]/g, ' ') + text.slice(to);
    }
    return { entries: [], broken };
}

const KEYWORD = /(?<![\w$.\\])import(?![\w$\\])/g;
const TRIVIA_AFTER = /(?:\s|\/\/[^\n\r\u2028\u2029]*|\/\*[\s\S]*?\*\/)*/y;
const TRIVIA_ONLY = /^(?:[ \t]|\/\*.*?\*\/)*$/;

/**
 * The `import` whose statement holds the syntax error at `at`, when what follows the keyword is
 * a side-effect import gone wrong: its extent (to the end of the line its path is on) and the fix.
 */
function brokenImport(text: string, at: number): { start: number; end: number; blankTo?: number; fix: string } | undefined {
    const from = lineStart(text, lineStart(text, at) - 1);
    let start: number | undefined;
    for (const match of text.slice(from, at + 'import'.length).matchAll(KEYWORD)) start = from + match.index;
    if (start === undefined) return undefined;
    TRIVIA_AFTER.lastIndex = start + 'import'.length;
    TRIVIA_AFTER.exec(text);
    const next = TRIVIA_AFTER.lastIndex;
    const end = lineEnd(text, next);
    // The error lies past this import's line: it belongs to other code.
    if (at > end) return undefined;
    const c = text[next];
    if (c === "'" || c === '"') {
        const close = text.indexOf(c, next + 1);
        if (close === -1 || close > end) return { start, end, fix: `close the quote, e.g. ${EXAMPLE}` };
        // Closed, and the error is the first thing after it: something follows the path on its
        // line. Only the import is blanked: another may follow it on the line.
        if (close >= at || !TRIVIA_ONLY.test(text.slice(close + 1, at))) return undefined;
        return { start, end, blankTo: close + 1, fix: `end the line after the quoted path, e.g. ${EXAMPLE}` };
    }
    if (c === '`') return { start, end, blankTo: statementEnd(text, text.indexOf('`', next + 1), end), fix: `quote the path with ' instead of a backtick, e.g. ${EXAMPLE}` };
    if (text.startsWith('./', next) || text.startsWith('../', next)) return { start, end, blankTo: statementEnd(text, next, end), fix: `quote the path, e.g. ${EXAMPLE}` };
    return undefined;
}

/** Just past the first `;` from `at` (a rough statement end), or `end` when the line has none. */
function statementEnd(text: string, at: number, end: number): number {
    const semicolon = at < 0 ? -1 : text.indexOf(';', at);
    return semicolon === -1 || semicolon >= end ? end : semicolon + 1;
}

function lineStart(text: string, at: number): number {
    let pos = Math.max(0, at);
    while (pos > 0 && !isLineBreak(text.charCodeAt(pos - 1))) pos--;
    return pos;
}

function lineEnd(text: string, at: number): number {
    let pos = at;
    while (pos < text.length && !isLineBreak(text.charCodeAt(pos))) pos++;
    return pos;
}

function isLineBreak(code: number): boolean {
    return code === 10 || code === 13 || code === 0x2028 || code === 0x2029;
}

function clean(text: string): string {
    return text.replace(/\s+/g, ' ').trim();
}
