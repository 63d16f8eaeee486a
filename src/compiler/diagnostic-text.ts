/**
 * A compile diagnostic for a terminal: `file:line:col  message [CODE]`, then its code frame on a
 * TTY. Shared by every command that prints compile errors (compile, deploy, dev).
 */
import { relative } from 'node:path';
import type { Colors } from '../context.js';
import type { CompileDiagnostic } from './types.js';

export interface DiagnosticStyle {
    /** Paths are shown relative to this folder (where the user is). */
    root: string;
    colors: Colors;
    /** Code frames only make sense on a terminal. */
    tty: boolean;
}

export function formatDiagnostic(d: CompileDiagnostic, style: DiagnosticStyle): string {
    const where = d.file ? `${relative(style.root, d.file) || d.file}${d.line ? `:${d.line}:${d.column ?? 1}` : ''}` : '';
    const code = style.colors.dim(`[${d.code}]`);
    const head = where ? `${style.colors.cyan(where)}  ${d.message} ${code}` : `${d.message} ${code}`;
    const frame = style.tty ? frameOf(d) : undefined;
    return frame ? `${head}\n${frame}\n` : head;
}

/** The diagnostic's code frame without esbuild's heading, which repeats the message the head line already says. */
export function frameOf(d: CompileDiagnostic): string | undefined {
    if (!d.frame) return undefined;
    if (!/^(\x1b\[[0-9;]*m)*[✘▲]/.test(d.frame)) return d.frame;
    const lines = d.frame.split('\n');
    let i = 1;
    while (i < lines.length && lines[i]!.trim() === '') i++;
    // esbuild indents its frame by four; colour codes may come first.
    return lines.slice(i).join('\n').replace(/^((?:\x1b\[[0-9;]*m)*) {4}/gm, '$1');
}
