/**
 * Reads the run history of a `ferry serve` (GET /runs, GET /runs/:id): recent runs of deployed
 * functions and one run's logs and error. Hosted Nango keeps its runs in its logs instead, so a
 * platform without these routes gets a clear error.
 */
import { FerryError } from '../errors.js';
import type { PlatformClient } from './client.js';

export interface RunSummary {
    id: number;
    type: string;
    name: string;
    provider_config_key: string;
    connection_id: string;
    mode: string | null;
    status: 'RUNNING' | 'SUCCESS' | 'ERROR';
    started_at: string;
    finished_at: string | null;
    duration_ms: number | null;
    result: Record<string, { added: number; updated: number; deleted: number }>;
    error: { type: string; message: string } | null;
}

export interface RunDetail extends RunSummary {
    logs: { level: string; message: string; time: string }[];
    logs_dropped: number;
}

interface RunQuery {
    limit?: number | undefined;
    after?: number | undefined;
    integration?: string | undefined;
    connection?: string | undefined;
}

async function get(client: PlatformClient, path: string, query: Record<string, string | number | undefined> = {}): Promise<unknown> {
    const response = await client.raw({ method: 'GET', path, query });
    const text = response.body.toString('utf8');
    if (response.status === 404 && path === '/runs') {
        throw new FerryError({ code: 'RUNS_NOT_AVAILABLE', message: `${client.host} has no run history (GET /runs)`, hint: 'ferry runs reads a ferry serve: start one and pass -e local; on hosted Nango, see the logs in its dashboard.' });
    }
    if (response.status === 404) throw new FerryError({ code: 'RUN_NOT_FOUND', message: `No run ${path.slice('/runs/'.length)}`, hint: 'See the recent runs with `ferry runs`.' });
    if (response.status < 200 || response.status >= 300) throw client.statusError(response, { method: 'GET', path });
    return JSON.parse(text) as unknown;
}

export async function listRuns(client: PlatformClient, query: RunQuery): Promise<RunSummary[]> {
    const answer = (await get(client, '/runs', { limit: query.limit, after: query.after, integration: query.integration, connection: query.connection })) as { runs?: RunSummary[] };
    return answer.runs ?? [];
}

export async function getRun(client: PlatformClient, id: number): Promise<RunDetail> {
    return (await get(client, `/runs/${id}`)) as RunDetail;
}
