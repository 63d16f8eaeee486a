/**
 * Connections and integrations as the platform describes them (docs/platform-api.md), checked against a
 * schema before use. Credentials the platform may include in its answer are taken out here, at
 * the edge, once: the lookup returns what may be shown and, apart, the secret values to mask.
 */
import { FerryError, type ExitCode } from '../errors.js';
import { credentialValues, publicConnection, withoutCredentials } from '../secrets/credentials.js';
import type { Connection } from '../runtime/types.js';
import type { RuntimeBackend } from '../runtime/run-types.js';
import type { PlatformClient, Schema } from './client.js';
import { DEFAULT_RETRY, networkCodeOf, readRetryReason, withRetry, type RetryPolicy } from './retry.js';

// Hand-written checks rather than zod: this module is on the path to a dry run's first request,
// and zod costs ~200 ms of CPU to load there (the function's own zod loads in its worker).
type Shape = Record<string, unknown>;
const isObject = (value: unknown): value is Shape => typeof value === 'object' && value !== null && !Array.isArray(value);

function schema<T>(check: (value: unknown) => { path: string; message: string } | undefined): Schema<T> {
    return {
        safeParse(value) {
            const problem = check(value);
            if (!problem) return { success: true, data: value as T };
            return { success: false, error: { issues: [{ path: problem.path ? problem.path.split('.') : [], message: problem.message }] } };
        }
    };
}

function firstProblem(value: unknown, fields: Record<string, (field: unknown) => string | undefined>): { path: string; message: string } | undefined {
    if (!isObject(value)) return { path: '', message: 'expected an object' };
    for (const [name, test] of Object.entries(fields)) {
        const message = test(value[name]);
        if (message) return { path: name, message };
    }
    return undefined;
}

const nonEmptyString = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? undefined : 'expected a non-empty string');
const optionalString = (v: unknown): string | undefined => (v === undefined || v === null || typeof v === 'string' ? undefined : 'expected a string');
const optionalObject = (v: unknown): string | undefined => (v === undefined || v === null || isObject(v) ? undefined : 'expected an object or null');

type ConnectionAnswer = Shape & { connection_id: string; provider_config_key: string; provider?: string | null; metadata?: Record<string, unknown> | null };
const connectionSchema = schema<ConnectionAnswer>((value) =>
    firstProblem(value, { connection_id: nonEmptyString, provider_config_key: nonEmptyString, provider: optionalString, metadata: optionalObject })
);

/** `{ data: { provider } }` (Nango's shape) or a bare `{ provider }`. */
const integrationSchema = schema<Shape & { data?: Shape & { provider: string }; provider?: string }>((value) => {
    if (!isObject(value) || !isObject(value['data'])) return firstProblem(value, { provider: nonEmptyString });
    const problem = firstProblem(value['data'], { provider: nonEmptyString });
    return problem && { path: `data.${problem.path}`, message: problem.message };
});

/** Lookups change nothing: a transient answer or a dropped connection is worth two more tries. */
const LOOKUP_RETRY: RetryPolicy = { ...DEFAULT_RETRY, attempts: 3, baseDelayMs: 250, maxDelayMs: 2_000 };

/** Unreachable is not retried (refused: nothing listens; a connect timeout: 10 s each): the user should hear so at once. */
const UNREACHABLE = new Set(['ECONNREFUSED', 'UND_ERR_CONNECT_TIMEOUT']);

function lookupWithRetry<T>(run: () => Promise<T>): Promise<T> {
    return withRetry('lookup', run, (error) => (UNREACHABLE.has(networkCodeOf(error) ?? '') ? undefined : readRetryReason(error)), LOOKUP_RETRY);
}

export interface ConnectionLookup {
    connectionId: string;
    integration: string;
    environment: string;
    exitCode: ExitCode;
}

/** A lookup's answer with its credentials taken out, and their values kept for masking. */
export interface WithSecrets<T> {
    /** Without credentials: what a function, the screen and a fixture may see. */
    value: T;
    /** The credential values the answer held (see credentialValues): what the output must mask. */
    secrets: string[];
}

/** GET /connections/{id}?provider_config_key=, with a 404 phrased in the user's terms. */
export async function fetchConnection(client: PlatformClient, lookup: ConnectionLookup): Promise<WithSecrets<Connection>> {
    const path = `/connections/${encodeURIComponent(lookup.connectionId)}`;
    const answer = await lookupWithRetry(() =>
        client.json(
            { method: 'GET', path, query: { provider_config_key: lookup.integration } },
            connectionSchema,
            () =>
                new FerryError({
                    code: 'CONNECTION_NOT_FOUND',
                    message: `No connection '${lookup.connectionId}' for integration '${lookup.integration}' in environment '${lookup.environment}'`,
                    hint: `List the connections of '${lookup.integration}' in the platform's dashboard (or GET ${client.host}/connections?integrationId=${lookup.integration}) and pass one of their ids.`,
                    exitCode: lookup.exitCode,
                    details: { connectionId: lookup.connectionId, integration: lookup.integration }
                })
        )
    );
    const connection = publicConnection<Connection>({ ...answer, provider: answer.provider ?? '', metadata: answer.metadata ?? null });
    return { value: connection, secrets: credentialValues(answer) };
}

/** GET /integrations/{key}: the integration record (used for the provider name and getIntegration). */
export async function fetchIntegration(client: PlatformClient, key: string, exitCode: ExitCode): Promise<WithSecrets<Record<string, unknown> & { provider: string }>> {
    const answer = await lookupWithRetry(() => client.json({ method: 'GET', path: `/integrations/${encodeURIComponent(key)}` }, integrationSchema, () =>
        new FerryError({
            code: 'INTEGRATION_NOT_FOUND',
            message: `The platform has no integration '${key}'`,
            hint: 'Create it in the dashboard, or pass the right one with --integration-id.',
            exitCode
        })
    ));
    const body = (answer.data ?? answer) as Record<string, unknown> & { provider: string };
    return { value: withoutCredentials(body), secrets: credentialValues(answer) };
}

type EnvVar = { name: string; value: string };
const isEnvVarList = (v: unknown): v is EnvVar[] => Array.isArray(v) && v.every((item) => isObject(item) && typeof item['name'] === 'string' && typeof item['value'] === 'string');
const envVarsSchema = schema<EnvVar[] | { data: EnvVar[] }>((value) =>
    isEnvVarList(value) || (isObject(value) && isEnvVarList(value['data'])) ? undefined : { path: '', message: 'expected a list of { name, value }' }
);
const recordsSchema = schema<{ records: unknown[]; next_cursor?: string | null }>((value) =>
    firstProblem(value, { records: (v) => (Array.isArray(v) ? undefined : 'expected an array'), next_cursor: optionalString })
);

/**
 * Read-only platform calls a function may make besides /proxy. getToken is deliberately absent:
 * Ferry never holds provider credentials, so a function that asks for one gets a clear error.
 */
export function platformBackend(client: PlatformClient, connection: Pick<Connection, 'connection_id' | 'provider_config_key'>): RuntimeBackend {
    const scope = { 'Connection-Id': connection.connection_id, 'Provider-Config-Key': connection.provider_config_key };
    return {
        async getEnvironmentVariables() {
            const answer = await client.json({ method: 'GET', path: '/environment-variables' }, envVarsSchema);
            const list = Array.isArray(answer) ? answer : answer.data;
            return list.map(({ name, value }) => ({ name, value }));
        },
        async listRecords(model, options) {
            const answer = await client.json(
                {
                    method: 'GET',
                    path: '/records',
                    headers: scope,
                    query: { model, cursor: options.cursor ?? undefined, limit: options.limit, variant: options.variant }
                },
                recordsSchema
            );
            return { records: answer.records, next_cursor: answer.next_cursor ?? null };
        },
        async getRecordsByIds(model, ids, variant) {
            const answer = await client.json(
                // One `ids` parameter per id, as Nango's API reads them (an id may hold a comma).
                { method: 'GET', path: `/records?${ids.map((id) => `ids=${encodeURIComponent(String(id))}`).join('&')}`, headers: scope, query: { model, variant } },
                recordsSchema
            );
            return answer.records;
        }
    };
}
