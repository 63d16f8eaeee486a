/**
 * A compile diagnostic for a terminal: `file:line:col  message [CODE]`, then its code frame on a
 * TTY. Shared by every command that prints compile errors (compile, deploy, dev), so a diagnostic
 * reads the same wherever it shows up.
 */
import { relative } from 'node:path';
import type { Colors } from '../context.js';
import { escapeControl } from '../util/escape.js';
import type { CompileDiagnostic } from './types.js';

interface DiagnosticStyle {
    /** Paths are shown relative to this folder (where the user is). */
    root: string;
    colors: Colors;
    /** Code frames only make sense on a terminal. */
    tty: boolean;
}

/** `file:line:col  message [CODE]` alone, without the frame. */
export function diagnosticHead(d: CompileDiagnostic, style: Omit<DiagnosticStyle, 'tty'>): string {
    const where = d.file ? `${relative(style.root, d.file) || d.file}${d.line ? `:${d.line}:${d.column ?? 1}` : ''}` : '';
    const code = style.colors.dim(`[${d.code}]`);
    // A message may quote what a function threw at load time: shown, never obeyed by the terminal.
    const message = escapeControl(d.message);
    return where ? `${style.colors.cyan(where)}  ${message} ${code}` : `${message} ${code}`;
}

export function formatDiagnostic(d: CompileDiagnostic, style: DiagnosticStyle): string {
    const head = diagnosticHead(d, style);
    return style.tty && d.frame ? `${head}\n${escapeControl(d.frame)}\n` : head;
}
