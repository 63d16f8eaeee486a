/**
 * Printers for a dry run: the live lines (requests, logs) as they happen, the human summary, and
 * the single `--json` document. Pure: they return text, the command decides where it goes.
 */
import type { Colors } from '../context.js';
import { formatDuration } from '../util/duration.js';
import type { DryrunOutcome } from './live.js';
import type { LogEntry, RequestReport, RunEvent } from './types.js';

/** Records shown per model in human mode (the JSON document carries the runtime's first N). */
const HUMAN_FIRST = 3;
const RECORD_WIDTH = 160;

export function formatRequest(request: RequestReport, colors: Colors): string {
    const status = request.status >= 400 ? colors.red(String(request.status)) : request.status >= 300 ? colors.yellow(String(request.status)) : colors.green(String(request.status));
    const attempts = request.attempts > 1 ? colors.dim(` (${request.attempts} attempts)`) : '';
    return `${colors.bold(request.method)} ${request.endpoint} ${status} ${colors.dim(`${Math.round(request.durationMs)} ms`)}${attempts}`;
}

export function formatLog(entry: LogEntry, colors: Colors): string {
    const paint = entry.level === 'error' ? colors.red : entry.level === 'warn' ? colors.yellow : entry.level === 'debug' ? colors.dim : colors.cyan;
    return `${paint(`[${entry.level}]`)} ${entry.message}`;
}

/** The line printed on stderr for a live event, or undefined when there is nothing to show. */
export function formatEvent(event: RunEvent, colors: Colors): { level: 'info' | 'warn'; text: string } | undefined {
    if (event.type === 'request' && event.request) return { level: 'info', text: formatRequest(event.request, colors) };
    if (event.type === 'log' && event.log) return { level: 'info', text: formatLog(event.log, colors) };
    if (event.type === 'warning' && event.warning) return { level: 'warn', text: event.warning };
    return undefined;
}

function oneLine(value: unknown): string {
    const text = JSON.stringify(value) ?? String(value);
    return text.length > RECORD_WIDTH ? `${text.slice(0, RECORD_WIDTH - 1)}…` : text;
}

function pretty(value: unknown): string {
    return (JSON.stringify(value, null, 2) ?? String(value)).split('\n').map((line) => `  ${line}`).join('\n');
}

/** The human summary: results for stdout; problems for stderr. */
export interface StderrLine {
    level: 'info' | 'warn' | 'error';
    text: string;
}

export function renderHuman(outcome: DryrunOutcome, colors: Colors): { stdout: string[]; stderr: StderrLine[] } {
    const { result } = outcome;
    const stdout: string[] = [];
    const stderr: StderrLine[] = [];
    const kind = result.type === 'onEvent' ? 'on-event' : result.type;
    const mark = result.ok ? colors.green('✓') : colors.red('✗');
    stdout.push(`${mark} ${result.integration}/${result.function} (${kind}) on connection ${outcome.connection.connection_id} [${outcome.environment}] in ${formatDuration(result.durationMs)}`);

    for (const [model, counts] of Object.entries(result.records)) {
        stdout.push(`${colors.bold(model)}: ${counts.saved} saved, ${counts.updated} updated, ${counts.deleted} deleted`);
        for (const record of counts.first.slice(0, HUMAN_FIRST)) stdout.push(`  ${oneLine(record)}`);
        const total = counts.saved + counts.updated + counts.deleted;
        const shown = Math.min(HUMAN_FIRST, counts.first.length);
        if (total > shown && shown > 0) stdout.push(colors.dim(`  … ${total - shown} more`));
    }
    if (result.type === 'sync' && Object.keys(result.records).length === 0) stdout.push(colors.dim('No records saved.'));

    if (result.type === 'action' && result.output !== undefined) stdout.push(`${colors.bold('Output')}:`, pretty(result.output));
    if (result.actionError !== undefined) stdout.push(`${colors.bold('ActionError payload')}:`, pretty(result.actionError));

    if (result.writes.length > 0) {
        stdout.push(`${colors.bold('Would-be writes')} ${colors.dim('(not sent: this is a dry run)')}:`);
        for (const write of result.writes) stdout.push(`  ${write.kind} ${oneLine(write.args)}`);
    }
    if (result.type === 'sync' || result.checkpoint !== null) stdout.push(`${colors.bold('Checkpoint')}: ${result.checkpoint === null ? 'none' : oneLine(result.checkpoint)}`);

    if (outcome.out) stdout.push(`Records streamed to ${outcome.out.file} (${outcome.out.records} lines)`);
    else if (outcome.outDiscarded) stdout.push(colors.dim(`--out: nothing written to ${outcome.outDiscarded} because the run failed`));
    if (outcome.savedTo) stdout.push(`Saved fixture ${outcome.savedTo}`);
    else if (outcome.notSaved) stderr.push({ level: 'warn', text: `--save: no fixture written because of ${outcome.notSaved}` });

    // Each issue was already printed as it happened; a summary says what it means for the run.
    if (result.validation.length > 0) {
        const count = `${result.validation.length} validation issue${result.validation.length === 1 ? '' : 's'}`;
        stderr.push({ level: 'warn', text: result.error?.kind === 'validation' ? `${count}: the run fails under --validate` : `${count} (warnings only; --validate makes them fatal)` });
    }
    if (result.error && result.error.kind !== 'action_error') {
        const label = result.error.kind === 'exception' ? 'the function threw' : result.error.kind;
        stderr.push({ level: 'error', text: `${label}: ${result.error.message}` });
        if (result.error.stack) stderr.push({ level: 'info', text: colors.dim(result.error.stack) });
        if (result.error.response) stderr.push({ level: 'info', text: colors.dim(`provider answered ${result.error.response.status}: ${oneLine(result.error.response.data)}`) });
    } else if (result.error) {
        stderr.push({ level: 'error', text: `the action failed with an ActionError: ${result.error.message}` });
    }
    return { stdout, stderr };
}

/** The one document `--json` prints. */
export function toJsonDocument(outcome: DryrunOutcome): Record<string, unknown> {
    const { result } = outcome;
    return {
        ok: result.ok,
        function: result.function,
        type: result.type,
        integration: result.integration,
        environment: outcome.environment,
        connection: { connectionId: outcome.connection.connection_id, providerConfigKey: outcome.connection.provider_config_key, provider: outcome.connection.provider },
        output: result.output ?? null,
        ...(result.actionError !== undefined ? { actionError: result.actionError } : {}),
        records: result.records,
        writes: result.writes,
        checkpoint: result.checkpoint,
        logs: result.logs,
        logsDropped: result.logsDropped,
        requests: result.requests,
        validation: result.validation,
        warnings: outcome.warnings,
        error: result.error ?? null,
        durationMs: Math.round(result.durationMs),
        saved: outcome.savedTo ?? null,
        ...(outcome.notSaved ? { notSaved: outcome.notSaved } : {}),
        out: outcome.out ?? null
    };
}
