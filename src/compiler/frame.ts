import { readFileSync } from 'node:fs';

/** A code frame for a diagnostic: the line before, the line, the line after, and a caret under `column` (1-based, in UTF-16 units as tsc counts). */
export function codeFrame(source: string | undefined, line: number, column: number): string | undefined {
    if (source === undefined || line < 1) return undefined;
    const lines = source.split(/\r?\n/);
    if (line > lines.length) return undefined;
    const first = Math.max(1, line - 1);
    const last = Math.min(lines.length, line + 1);
    const width = String(last).length;
    const out: string[] = [];
    for (let n = first; n <= last; n++) {
        const raw = lines[n - 1]!;
        out.push(`${n === line ? '>' : ' '} ${String(n).padStart(width)} | ${raw.replace(/\t/g, '    ')}`);
        // Tabs before the column are shown as four spaces, so the caret moves with them.
        const before = raw.slice(0, Math.max(0, column - 1)).replace(/\t/g, '    ').length + Math.max(0, column - 1 - raw.length);
        if (n === line) out.push(`  ${' '.repeat(width)} | ${' '.repeat(before)}^`);
    }
    return out.join('\n');
}

/** Frames for many diagnostics, reading each file once. */
export function createFramer(): (file: string, line: number, column: number) => string | undefined {
    const sources = new Map<string, string | undefined>();
    return (file, line, column) => {
        if (!sources.has(file)) {
            try {
                sources.set(file, readFileSync(file, 'utf8'));
            } catch {
                sources.set(file, undefined);
            }
        }
        return codeFrame(sources.get(file), line, column);
    };
}
