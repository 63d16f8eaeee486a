/** How a dev session's events read on a terminal: one short line per rebuild, errors with frames. */
import { diagnosticHead } from '../compiler/diagnostic-text.js';
import type { Colors } from '../context.js';
import type { CompileDiagnostic } from '../compiler/types.js';
import { formatDuration } from '../util/duration.js';
import type { DevEvent, DevFunction } from './events.js';

export interface PrintStyle {
    colors: Colors;
    /** Paths are shown relative to this folder. */
    root: string;
    /** Also show what is routine (type-check started, changes that touched nothing). */
    verbose?: boolean;
}

/** Above this many, a rebuild lists a count instead of every function. */
const LIST_LIMIT = 8;

/** `<integration>/<name>`, as compile, test, deploy and dryrun name a function. */
const label = (fn: Pick<DevFunction, 'integration' | 'name'>): string => `${fn.integration}/${fn.name}`;
/** The `<integration>_<folder>_<name>` ids of a rebuild's `added`/`removed`, named as above. */
function labelOfId(id: string): string {
    const match = /^(.+?)_(?:syncs|actions|on-events)_(.+)$/.exec(id);
    return match ? label({ integration: match[1]!, name: match[2]! }) : id;
}
const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

/** The lines for one event; empty when it is not worth a line. */
export function formatEvent(event: DevEvent, style: PrintStyle): string[] {
    const c = style.colors;
    switch (event.event) {
        case 'ready': {
            const check = event.typecheck ? ', type-checking in the background' : '';
            const state = event.ok ? `${c.green('✓')} ${plural(event.functions.length, 'function')} ready` : `${c.yellow('!')} ${plural(event.functions.length, 'function')}, some with errors (above)`;
            return [`${state} in ${formatDuration(event.durationMs)}${check}. Watching for changes (Ctrl-C to stop)`];
        }
        case 'rebuild-start':
            return style.verbose ? [c.dim(`… ${event.files.map((f) => `${f.file} (${f.kind})`).join(', ')}: ${plural(event.functions.length, 'function')} to build`)] : [];
        case 'rebuild': {
            const lines: string[] = [];
            const recovered = event.recovered ? c.green(' (all errors fixed)') : '';
            if (event.functions.length === 1) {
                lines.push(`${c.green('✓')} ${label(event.functions[0]!)} rebuilt in ${formatDuration(event.durationMs)}${recovered}`);
            } else if (event.functions.length > 1) {
                lines.push(`${c.green('✓')} ${plural(event.functions.length, 'function')} rebuilt in ${formatDuration(event.durationMs)}${recovered}`);
                const shown = event.functions.slice(0, LIST_LIMIT).map((fn) => `  ${label(fn)}`);
                lines.push(...shown.map((line) => c.dim(line)));
                if (event.functions.length > LIST_LIMIT) lines.push(c.dim(`  … and ${event.functions.length - LIST_LIMIT} more`));
            } else if (event.removed.length > 0 || event.added.length > 0) {
                lines.push(`${c.green('✓')} manifest updated in ${formatDuration(event.durationMs)}${recovered}`);
            } else if (event.recovered) {
                lines.push(`${c.green('✓')} all errors fixed, nothing to rebuild`);
            }
            for (const id of event.added) lines.push(`  ${c.green('+')} ${labelOfId(id)} added`);
            for (const id of event.removed) lines.push(`  ${c.red('-')} ${labelOfId(id)} removed (its bundle was deleted)`);
            return lines;
        }
        case 'unchanged':
            return style.verbose ? [c.dim(`· ${event.files.map((f) => f.file).join(', ')}: no function uses it, nothing to rebuild`)] : [];
        case 'error': {
            const what = { project: 'index.ts has problems', bundle: 'build failed', validate: 'invalid function definition', write: 'could not write the build' }[event.phase];
            const head = `${c.red('✗')} ${what} (${plural(event.errors.length, 'error')}); the previous bundles are kept`;
            return [head, ...event.errors.flatMap((d) => formatDiagnostic(d, style))];
        }
        case 'typecheck-start':
            return style.verbose ? [c.dim('· type-checking…')] : [];
        case 'typecheck':
            if (event.ok) return [`${c.green('✓')} type-check: no errors ${c.dim(`(${formatDuration(event.durationMs)})`)}`];
            return [`${c.red('✗')} type-check: ${plural(event.errors.length, 'error')} ${c.dim(`(${formatDuration(event.durationMs)})`)}`, ...event.errors.flatMap((d) => formatDiagnostic(d, style))];
        case 'stop':
            return [c.dim(`stopped: ${event.reason}`)];
    }
}

/**
 * compile's `file:line:col  message [CODE]`, indented under the event's line, then the code frame:
 * a dev session runs in a terminal, so the frame is always shown.
 */
function formatDiagnostic(d: CompileDiagnostic, style: PrintStyle): string[] {
    const head = `  ${diagnosticHead(d, style).split('\n').join('\n    ')}`;
    if (!d.frame) return [head];
    return [head, ...d.frame.split('\n').map((line) => `    ${line}`)];
}
