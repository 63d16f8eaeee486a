/**
 * Connections and integrations as the platform describes them (reference §5), checked against a
 * schema before use. Credentials the platform may include in its answer are dropped here, at the
 * edge: nothing downstream (the function, the output, a fixture) can ever see them.
 */
import { z } from 'zod';
import { FerryError, type ExitCode } from '../errors.js';
import type { Connection, RuntimeBackend } from '../dryrun/types.js';
import type { PlatformClient } from './client.js';

const connectionSchema = z
    .object({
        connection_id: z.string().min(1),
        provider_config_key: z.string().min(1),
        provider: z.string().optional(),
        metadata: z.record(z.string(), z.unknown()).nullable().optional()
    })
    .passthrough();

/** `{ data: { provider } }` (Nango's shape) or a bare `{ provider }`. */
const integrationSchema = z.union([
    z.object({ data: z.object({ provider: z.string().min(1) }).passthrough() }).passthrough(),
    z.object({ provider: z.string().min(1) }).passthrough()
]);

/** Keys whose values are credentials, at any depth of a connection object. */
const CREDENTIAL_KEY = /^(credentials?(_iv|_tag)?|.*(access|refresh|id|bearer|session)_?token.*|.*secret.*|.*password.*|.*passwd.*|api_?key|private_?key|client_?secret|token|jwt|signature)$/i;

/** A deep copy without credential-bearing fields. */
export function withoutCredentials<T>(value: T): T {
    if (Array.isArray(value)) return value.map((item) => withoutCredentials(item)) as T;
    if (value && typeof value === 'object') {
        const kept: Record<string, unknown> = {};
        for (const [key, field] of Object.entries(value as Record<string, unknown>)) {
            if (!CREDENTIAL_KEY.test(key)) kept[key] = withoutCredentials(field);
        }
        return kept as T;
    }
    return value;
}

export interface ConnectionLookup {
    connectionId: string;
    integration: string;
    environment: string;
    exitCode: ExitCode;
}

/** GET /connections/{id}?provider_config_key=, with a 404 phrased in the user's terms. */
export async function fetchConnection(client: PlatformClient, lookup: ConnectionLookup): Promise<Connection> {
    const path = `/connections/${encodeURIComponent(lookup.connectionId)}`;
    const answer = await client.json(
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
    );
    // Metadata is the user's own configuration, handed to the function as it is.
    const { metadata, ...rest } = answer;
    return {
        ...withoutCredentials(rest),
        connection_id: answer.connection_id,
        provider_config_key: answer.provider_config_key,
        provider: answer.provider ?? '',
        metadata: metadata ?? null
    };
}

/** GET /integrations/{key}: the integration record (used for the provider name and getIntegration). */
export async function fetchIntegration(client: PlatformClient, key: string, exitCode: ExitCode): Promise<Record<string, unknown> & { provider: string }> {
    const answer = await client.json({ method: 'GET', path: `/integrations/${encodeURIComponent(key)}` }, integrationSchema, () =>
        new FerryError({
            code: 'INTEGRATION_NOT_FOUND',
            message: `The platform has no integration '${key}'`,
            hint: 'Create it in the dashboard, or pass the right one with --integration-id.',
            exitCode
        })
    );
    const body = 'data' in answer ? answer.data : answer;
    return withoutCredentials(body as Record<string, unknown> & { provider: string });
}

const envVarsSchema = z.array(z.object({ name: z.string(), value: z.string() }).passthrough());
const recordsSchema = z.object({ records: z.array(z.unknown()), next_cursor: z.string().nullable().optional() }).passthrough();

/**
 * Read-only platform calls a function may make besides /proxy. getToken is deliberately absent:
 * Ferry never holds provider credentials, so a function that asks for one gets a clear error.
 */
export function platformBackend(client: PlatformClient, connection: Pick<Connection, 'connection_id' | 'provider_config_key'>): RuntimeBackend {
    const scope = { 'Connection-Id': connection.connection_id, 'Provider-Config-Key': connection.provider_config_key };
    return {
        async getEnvironmentVariables() {
            const answer = await client.json({ method: 'GET', path: '/environment-variables' }, z.union([envVarsSchema, z.object({ data: envVarsSchema })]));
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
                { method: 'GET', path: '/records', headers: scope, query: { model, ids: ids.join(','), variant } },
                recordsSchema
            );
            return answer.records;
        }
    };
}
