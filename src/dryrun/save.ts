/**
 * `dryrun --save`: turns a finished run into a fixture (docs/fixtures.md) that `ferry test` replays.
 * Credentials never reach the file: secret headers are filtered out of every request and answer,
 * the connection is stripped of credentials, and the serialized file is scanned for the secret
 * key (and other secret-looking variables) before anything is written.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ExitCode, FerryError } from '../errors.js';
import { requestHash, type Fixture, type FixtureEntry } from '../runtime/fixture.js';
import { publicConnection } from '../secrets/credentials.js';
import { withoutSecretHeaders } from '../secrets/names.js';
import { findLeakedSecrets, type NamedSecret } from '../secrets/values.js';
import { writeFileAtomic } from '../util/fs.js';
import type { Connection } from '../runtime/types.js';
import type { RecordedExchange, RunResult } from '../runtime/run-types.js';

/** Headers that describe one transfer rather than the answer: replaying them would mislead. */
const TRANSIENT_HEADERS = new Set(['date', 'connection', 'keep-alive', 'transfer-encoding', 'content-length', 'content-encoding', 'age', 'via', 'server-timing']);

export interface FixtureSource {
    result: RunResult;
    connection: Connection;
    input?: unknown;
    /** --metadata, when given: what getMetadata answers instead of the connection's. */
    metadata?: Record<string, unknown> | null;
    /** The starting checkpoint and lastSyncDate, when given: replays need them to make the same requests. */
    checkpoint?: Record<string, unknown> | null;
    lastSyncDate?: Date;
    /** The instant the function's clock was frozen at: a replay starts its clock there too. */
    recordedAt?: Date;
    /** dryrun --webhook: the payload; the fixture goes beside exec's, as <name>.webhook.test.json. */
    webhook?: unknown;
}

/** What a webhook recording adds to the function's name in its fixture's file name. */
const WEBHOOK_FIXTURE_TAG = '.webhook';

export function fixturePath(root: string, integration: string, name: string, options: { webhook?: boolean } = {}): string {
    return join(root, integration, 'tests', `${name}${options.webhook ? WEBHOOK_FIXTURE_TAG : ''}.test.json`);
}

const FAILURE: Record<string, string> = {
    exception: 'the function threw',
    timeout: 'it timed out',
    validation: 'validation',
    invalid_function: 'the file is not a function definition',
    http: 'a provider call failed',
    internal: 'the runtime failed'
};

/** Why a run cannot be saved, or undefined when it can. */
export function whyNotSavable(result: RunResult): string | undefined {
    if (result.validation.length > 0) {
        const count = `${result.validation.length} validation issue${result.validation.length === 1 ? '' : 's'}`;
        return `${count} (a fixture records a run without any: fix ${result.validation.length === 1 ? 'it' : 'them'}, then save again)`;
    }
    // An ActionError is an expected result an action can be tested for; any other failure is not.
    if (!result.ok && result.error?.kind !== 'action_error') return `the run failed (${FAILURE[result.error?.kind ?? ''] ?? 'error'})`;
    if (!result.exchanges) return 'the exchanges were not recorded';
    return undefined;
}

export function buildFixture(source: FixtureSource): Fixture & Record<string, unknown> {
    const { result } = source;
    const nango: NonNullable<Fixture['nango']> = {
        getConnection: publicConnection(source.connection),
        // What getMetadata would answer, even when this run never asked: a replay may.
        getMetadata: result.metadata ?? source.metadata ?? source.connection.metadata ?? null
    };
    if (result.type === 'sync') {
        nango.batchSave = result.saved ?? {};
        nango.batchDelete = result.deleted ?? {};
        if (result.updated && Object.values(result.updated).some((records) => records.length > 0)) nango.batchUpdate = result.updated;
    }
    if (source.checkpoint) nango['getCheckpoint'] = source.checkpoint;
    if (source.lastSyncDate) nango['lastSyncDate'] = source.lastSyncDate.toISOString();

    const fixture: Fixture & Record<string, unknown> = {};
    if (source.recordedAt) fixture.recordedAt = source.recordedAt.toISOString();
    if (result.type === 'action') {
        fixture.input = source.input ?? null;
        if (result.error?.kind === 'action_error') {
            fixture.output = result.actionError ?? null;
            fixture['actionError'] = true;
        } else {
            fixture.output = result.output ?? null;
        }
    }
    if (source.webhook !== undefined) fixture.webhook = source.webhook;
    fixture.nango = nango;
    fixture.api = apiSection(result.exchanges ?? []);
    return fixture;
}

/** lower-case method -> endpoint -> one entry, or a list in call order when an endpoint was called more than once. */
export function apiSection(exchanges: readonly RecordedExchange[]): NonNullable<Fixture['api']> {
    const grouped = new Map<string, Map<string, FixtureEntry[]>>();
    for (const exchange of exchanges) {
        const method = exchange.request.method.toLowerCase();
        const byEndpoint = grouped.get(method) ?? new Map<string, FixtureEntry[]>();
        grouped.set(method, byEndpoint);
        const list = byEndpoint.get(exchange.request.endpoint) ?? [];
        byEndpoint.set(exchange.request.endpoint, list);
        list.push(toEntry(exchange));
    }
    const api: NonNullable<Fixture['api']> = {};
    for (const [method, byEndpoint] of grouped) {
        api[method] = {};
        for (const [endpoint, list] of byEndpoint) api[method][endpoint] = list.length === 1 ? list[0]! : list;
    }
    return api;
}

function toEntry({ request, response }: RecordedExchange): FixtureEntry {
    const headers = withoutSecretHeaders(response.headers);
    for (const name of Object.keys(headers)) if (TRANSIENT_HEADERS.has(name)) delete headers[name];
    return {
        response: serializableBody(response.data),
        status: response.status,
        headers,
        hash: requestHash(request),
        request: {
            params: { ...(request.params ?? {}) },
            headers: withoutSecretHeaders(request.headers),
            ...(request.data === undefined ? {} : { data: serializableBody(request.data) })
        }
    };
}

/** Bytes have no JSON form: recorded as text so the fixture stays readable. */
function serializableBody(data: unknown): unknown {
    if (data instanceof Uint8Array) return Buffer.from(data).toString('utf8');
    return data;
}

interface SaveOptions {
    root: string;
    /** Values that must not appear in the file: the secret key first. */
    secrets: readonly NamedSecret[];
}

/** Serializes, scans and writes atomically; returns the file written and whether it replaced one. */
export async function saveFixture(source: FixtureSource, options: SaveOptions): Promise<{ file: string; replaced: boolean }> {
    const { result } = source;
    const file = fixturePath(options.root, result.integration, result.function, { webhook: source.webhook !== undefined });
    const text = `${JSON.stringify(buildFixture(source), null, 2)}\n`;
    // Several values may share a name (the connection's credentials): each name is said once.
    const leaked = [...new Set(findLeakedSecrets(text, options.secrets))];
    if (leaked.length > 0) {
        throw new FerryError({
            code: 'FIXTURE_HAS_SECRET',
            message: `Refused to write ${file}: the recording contains the value of ${leaked.join(', ')}`,
            hint: 'A response or a log echoes a secret; remove it from what the function returns or logs, then run again. Nothing was written.',
            exitCode: ExitCode.Dryrun,
            details: { variables: leaked }
        });
    }
    const replaced = existsSync(file);
    await writeFileAtomic(file, text);
    return { file, replaced };
}
