/**
 * Printers for a dry run: the live lines (requests, logs) as they happen, the human summary, and
 * the single `--json` document. Pure: they return text, the command decides where it goes.
 */
import type { Colors } from '../context.js';
import { formatDuration } from '../util/duration.js';
import { escapeControl } from '../util/escape.js';
import type { DryrunOutcome } from './live.js';
import type { LogEntry, RequestReport } from '../runtime/types.js';
import type { RunError, RunEvent, RunResult } from '../runtime/run-types.js';

/** Records shown per model in human mode (the JSON document carries the runtime's first N). */
const HUMAN_FIRST = 3;
const RECORD_WIDTH = 160;
const MESSAGE_WIDTH = 400;

export function formatRequest(request: RequestReport, colors: Colors): string {
    const status = request.status >= 400 ? colors.red(String(request.status)) : request.status >= 300 ? colors.yellow(String(request.status)) : colors.green(String(request.status));
    const attempts = request.attempts > 1 ? colors.dim(` (${request.attempts} attempts)`) : '';
    return `${colors.bold(escapeControl(request.method))} ${escapeControl(request.endpoint)} ${status} ${colors.dim(`${Math.round(request.durationMs)} ms`)}${attempts}`;
}

export function formatLog(entry: LogEntry, colors: Colors): string {
    const paint = entry.level === 'error' ? colors.red : entry.level === 'warn' ? colors.yellow : entry.level === 'debug' ? colors.dim : colors.cyan;
    return `${paint(`[${entry.level}]`)} ${escapeControl(entry.message)}`;
}

/** The line printed on stderr for a live event, or undefined when there is nothing to show. */
export function formatEvent(event: RunEvent, colors: Colors): { level: 'info' | 'warn'; text: string } | undefined {
    if (event.type === 'request' && event.request) return { level: 'info', text: formatRequest(event.request, colors) };
    if (event.type === 'log' && event.log) return { level: 'info', text: formatLog(event.log, colors) };
    if (event.type === 'warning' && event.warning) return { level: 'warn', text: escapeControl(event.warning) };
    return undefined;
}

function oneLine(value: unknown): string {
    const text = JSON.stringify(value) ?? String(value);
    return escapeControl(text.length > RECORD_WIDTH ? `${text.slice(0, RECORD_WIDTH - 1)}…` : text);
}

function pretty(value: unknown): string {
    return escapeControl(JSON.stringify(value, null, 2) ?? String(value)).split('\n').map((line) => `  ${line}`).join('\n');
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
    // "none" says something only when the sync declares a checkpoint or one was given; otherwise it is noise.
    if (result.checkpoint !== null || outcome.checkpointGiven || result.checkpointDeclared) stdout.push(`${colors.bold('Checkpoint')}: ${result.checkpoint === null ? 'none' : oneLine(result.checkpoint)}`);

    if (outcome.out) stdout.push(`Records streamed to ${outcome.out.file} (${outcome.out.records} lines)`);
    else if (outcome.outDiscarded) stdout.push(colors.dim(`--out: nothing written to ${outcome.outDiscarded} because the run failed`));
    if (outcome.savedTo) stdout.push(`${outcome.replaced ? 'Replaced fixture' : 'Saved fixture'} ${outcome.savedTo}`);
    else if (outcome.notSaved) stderr.push({ level: 'error', text: `--save: no fixture written: ${outcome.notSaved}` });

    // Each issue was already printed as it happened; a summary says what it means for the run.
    if (result.validation.length > 0) {
        const count = `${result.validation.length} validation issue${result.validation.length === 1 ? '' : 's'}`;
        stderr.push({ level: 'warn', text: result.error?.kind === 'validation' ? `${count}; the run failed validation` : `${count} (warnings only; --validate makes them fatal)` });
    }
    if (result.error && result.error.kind !== 'action_error') {
        const label = result.error.kind === 'exception' ? 'the function threw' : result.error.kind;
        // A thrown non-Error already reads "the function threw {...}".
        const full = result.error.message.startsWith(label) ? result.error.message : `${label}: ${result.error.message}`;
        // A thrown value can be any size; the terminal gets its start (--json keeps it whole, masked either way).
        const text = full.length > MESSAGE_WIDTH ? `${full.slice(0, MESSAGE_WIDTH - 1)}…` : full;
        stderr.push({ level: 'error', text: escapeControl(text) });
        if (result.error.stack) stderr.push({ level: 'info', text: colors.dim(escapeControl(result.error.stack)) });
        if (result.error.response) stderr.push({ level: 'info', text: colors.dim(`provider answered ${result.error.response.status}: ${oneLine(result.error.response.data)}`) });
    } else if (result.error) {
        stderr.push({ level: 'error', text: `the action failed with an ActionError: ${escapeControl(result.error.message)}` });
    }
    if (result.error) stderr.push({ level: 'info', text: colors.dim(runErrorHint(result.error, result)) });
    return { stdout, stderr };
}

/** Stable codes for a run's failures, as every other error has (`kind` stays for compatibility). */
const RUN_ERROR_CODES: Record<RunError['kind'], string> = {
    exception: 'FUNCTION_THREW',
    action_error: 'ACTION_ERROR',
    timeout: 'TIMEOUT',
    out_of_memory: 'OUT_OF_MEMORY',
    validation: 'VALIDATION_FAILED',
    invalid_function: 'INVALID_FUNCTION',
    http: 'PROVIDER_HTTP_ERROR',
    internal: 'RUNTIME_ERROR'
};

export function runErrorCode(error: RunError): string {
    return RUN_ERROR_CODES[error.kind] ?? 'RUN_FAILED';
}

/** What to do about a failed run, on one line. */
export function runErrorHint(error: RunError, result: Pick<RunResult, 'validation'>): string {
    switch (error.kind) {
        case 'exception':
            return error.stack ? 'Fix the function where the stack points, then run again.' : 'Fix the function, then run again (it threw something that is not an Error, so there is no stack).';
        case 'action_error':
            return 'The action reported an expected failure (its payload is in actionError); --save records it as the expected result.';
        case 'timeout':
            return 'Raise --timeout (e.g. --timeout 5m) if the function needs longer, or find what it waits for (the last request and log lines above).';
        case 'out_of_memory':
            return 'Hold less at once: save each page with batchSave as it arrives instead of collecting every record first, and drop what you no longer need.';
        case 'validation':
            return result.validation.some((issue) => issue.subject === 'input')
                ? "Pass an --input that matches the action's input schema (see validation for each path)."
                : 'Make the data match its schema (each issue names its path), or run without --validate to see the issues as warnings.';
        case 'invalid_function':
            return 'The file must `export default` createSync, createAction or createOnEvent of its folder\'s type.';
        case 'http':
            return providerHint(error.response);
        default:
            return 'Run again with --debug; if it happens again, report it with this message.';
    }
}

function providerHint(response: RunError['response']): string {
    const status = response?.status;
    if (status === 401 || status === 403) return `The provider refused the connection's credentials (${status}): re-authorise the connection in the platform's dashboard (with the scopes this call needs), then run again.`;
    if (status === 429) {
        const retryAfter = response?.headers['retry-after'];
        return `The provider rate-limited the run${retryAfter ? ` (Retry-After: ${retryAfter})` : ''}: wait before running again, or give the request \`retries\` so the run waits for the limit to reset.`;
    }
    if (status === 404) return 'The provider has nothing at that endpoint: check the path and its parameters (the provider\'s answer is in error.response).';
    if (status !== undefined && status >= 500) return 'The provider failed: try again in a moment, or give the request `retries`.';
    if (status !== undefined) return "The provider rejected the request: its answer (error.response) says why; check the parameters and body.";
    return 'The provider could not be reached through the platform: check the platform and the provider\'s status, then run again.';
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
        error: result.error ? { kind: result.error.kind, code: runErrorCode(result.error), message: result.error.message, hint: runErrorHint(result.error, result), ...withoutKindAndMessage(result.error) } : null,
        durationMs: Math.round(result.durationMs),
        saved: outcome.savedTo ?? null,
        ...(outcome.savedTo ? { replaced: Boolean(outcome.replaced) } : {}),
        ...(outcome.notSaved ? { notSaved: outcome.notSaved } : {}),
        out: outcome.out ?? null
    };
}

function withoutKindAndMessage({ kind: _kind, message: _message, ...rest }: RunError): Omit<RunError, 'kind' | 'message'> {
    return rest;
}
