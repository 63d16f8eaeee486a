/**
 * `ferry runs [--follow]` lists recent runs of deployed functions on a `ferry serve` (function,
 * connection, status, duration, records added/updated/deleted); `ferry runs show <id>` one run's
 * logs and error. --follow keeps printing runs as they start and finish until Ctrl-C.
 */
import type { CliContext } from '../context.js';
import { ExitCode, usageError } from '../errors.js';
import { adminClient } from '../platform/admin.js';
import { getRun, listRuns, type RunDetail, type RunSummary } from '../platform/runs.js';

interface RunsOptions {
    action?: string;
    id?: string;
    environment: string;
    follow?: boolean;
    limit?: string;
    integration?: string;
    connection?: string;
}

const FOLLOW_POLL_MS = 1_000;

export async function run(options: RunsOptions, ctx: CliContext): Promise<ExitCode> {
    if (options.action !== undefined && options.action !== 'show') throw usageError(`Unknown runs command '${options.action}'`, 'Use `ferry runs` to list runs, or `ferry runs show <id>`.');
    const id = options.action === 'show' ? Number(options.id) : undefined;
    if (options.action === 'show' && (!options.id || !/^\d+$/.test(options.id))) throw usageError('ferry runs show needs the id of a run', 'e.g. ferry runs show 12 (the ids are in `ferry runs`).');
    const limit = options.limit === undefined ? 20 : Number(options.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw usageError(`--limit must be a whole number from 1 to 1000, not '${options.limit}'`, 'e.g. --limit 50.');
    const client = await adminClient(ctx.cwd, ctx.env, options.environment);
    try {
        if (id !== undefined) {
            const found = await getRun(client, id);
            if (ctx.json) ctx.printJson(found);
            else for (const line of detailLines(found)) ctx.out(line);
            return ExitCode.Ok;
        }
        const query = { limit, integration: options.integration, connection: options.connection };
        const runs = (await listRuns(client, query)).reverse();
        if (!options.follow) {
            if (ctx.json) ctx.printJson({ runs: runs.reverse() });
            else if (runs.length === 0) ctx.log.info('No runs yet: deploy a sync or trigger an action on a connection.');
            else for (const item of runs) ctx.out(summaryLine(item));
            return ExitCode.Ok;
        }
        await follow(ctx, runs, (q) => listRuns(client, { ...query, ...q }));
        return ExitCode.Ok;
    } finally {
        await client.close();
    }
}

/** Prints runs as they appear and again when they finish, until SIGINT or SIGTERM. */
async function follow(ctx: CliContext, initial: RunSummary[], list: (q: { limit: number }) => Promise<RunSummary[]>): Promise<void> {
    const shown = new Map<number, string>();
    const show = (item: RunSummary): void => {
        if (shown.get(item.id) === item.status) return;
        shown.set(item.id, item.status);
        if (ctx.json) ctx.out(JSON.stringify(item));
        else ctx.out(summaryLine(item));
    };
    initial.forEach(show);
    let stop: (() => void) | undefined;
    const stopped = new Promise<void>((resolve) => (stop = resolve));
    const onSignal = (): void => stop?.();
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    try {
        let done = false;
        void stopped.then(() => (done = true));
        while (!done) {
            await Promise.race([stopped, new Promise((resolve) => setTimeout(resolve, FOLLOW_POLL_MS))]);
            if (done) break;
            (await list({ limit: 100 })).reverse().forEach(show);
        }
    } finally {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
    }
}

function duration(ms: number | null): string {
    if (ms === null) return '-';
    return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`;
}

function totals(item: RunSummary): string {
    const all = Object.values(item.result ?? {});
    if (all.length === 0) return '';
    const sum = (key: 'added' | 'updated' | 'deleted'): number => all.reduce((n, r) => n + (r[key] ?? 0), 0);
    return `+${sum('added')} ~${sum('updated')} -${sum('deleted')}`;
}

export function summaryLine(item: RunSummary): string {
    return [item.id, item.status, `${item.type} ${item.name}`, `${item.provider_config_key}/${item.connection_id}`, duration(item.duration_ms), totals(item) || '-', item.started_at].join('\t');
}

function detailLines(item: RunDetail): string[] {
    const lines = [
        `Run ${item.id}: ${item.type} ${item.name} on ${item.provider_config_key}/${item.connection_id}${item.mode ? ` (${item.mode})` : ''}: ${item.status}, ${duration(item.duration_ms)}`,
        `Started ${item.started_at}${item.finished_at ? `, finished ${item.finished_at}` : ''}`
    ];
    for (const [model, r] of Object.entries(item.result ?? {})) lines.push(`${model}: ${r.added} added, ${r.updated} updated, ${r.deleted} deleted`);
    if (item.error) lines.push(`Error (${item.error.type}): ${item.error.message}`);
    lines.push(item.logs.length ? 'Logs:' : 'No logs.');
    for (const log of item.logs) lines.push(`  ${log.time} ${log.level} ${log.message}`);
    if (item.logs_dropped > 0) lines.push(`  (${item.logs_dropped} more log lines were not kept)`);
    return lines;
}
