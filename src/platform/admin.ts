/**
 * Managing integrations and connections through the platform's API (Nango's public routes), so
 * the same commands work against `ferry serve` and hosted Nango. Credentials the platform returns
 * are dropped here: nothing above this module can print them.
 */
import { ExitCode, FerryError } from '../errors.js';
import type { PlatformClient, RawRequest } from './client.js';
import { checkConnectionId } from './connection-id.js';

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

/** A 2xx JSON answer, or one line saying what the platform refused and why. */
async function call(client: PlatformClient, req: RawRequest, notFound?: () => FerryError): Promise<unknown> {
    const response = await client.raw(req);
    let body: unknown = null;
    try {
        body = response.body.length ? JSON.parse(response.body.toString('utf8')) : null;
    } catch {
        body = null;
    }
    if (response.status >= 200 && response.status < 300) return body;
    if (notFound && (response.status === 404 || (response.status === 400 && isObject(body) && isObject(body['error']) && body['error']['code'] === 'unknown_connection'))) {
        throw notFound();
    }
    if (response.status === 401 || response.status === 403 || response.status === 429 || response.status >= 500) throw client.statusError(response, req);
    const error = isObject(body) && isObject(body['error']) ? body['error'] : {};
    const issues = Array.isArray(error['errors']) ? (error['errors'] as Json[]) : [];
    const first = issues[0];
    const detail =
        typeof error['message'] === 'string'
            ? error['message']
            : first
              ? `${Array.isArray(first['path']) && first['path'].length ? `${first['path'].join('.')}: ` : ''}${String(first['message'])}`
              : `status ${response.status}`;
    throw new FerryError({
        code: 'PLATFORM_REQUEST_REJECTED',
        message: `The platform refused ${req.method} ${req.path}: ${detail}`,
        hint: 'Check the arguments and try again.',
        details: { status: response.status, ...(typeof error['code'] === 'string' ? { platformCode: error['code'] } : {}) }
    });
}

export interface IntegrationInput {
    key: string;
    provider: string;
    baseUrl?: string | undefined;
    displayName?: string | undefined;
    clientId?: string | undefined;
    clientSecret?: string | undefined;
    scopes?: string | undefined;
    /** OAuth endpoints replacing the provider's (a self-hosted provider, tests). */
    authorizationUrl?: string | undefined;
    tokenUrl?: string | undefined;
    /** Checks the signature of the provider's webhooks (ferry serve). */
    webhookSecret?: string | undefined;
}

const integrationNotFound = (key: string) => () =>
    new FerryError({ code: 'INTEGRATION_NOT_FOUND', message: `The platform has no integration '${key}'`, hint: 'See the ones it has with `ferry integrations list`.' });

export async function createIntegration(client: PlatformClient, input: IntegrationInput): Promise<Json> {
    const body: Json = { unique_key: input.key, provider: input.provider };
    if (input.displayName) body['display_name'] = input.displayName;
    // Ferry's local platform reads the base URL from the integration's custom values.
    const custom = { ...(input.baseUrl ? { base_url: input.baseUrl } : {}), ...(input.authorizationUrl ? { authorization_url: input.authorizationUrl } : {}), ...(input.tokenUrl ? { token_url: input.tokenUrl } : {}), ...(input.webhookSecret ? { webhookSecret: input.webhookSecret } : {}) };
    if (Object.keys(custom).length) body['custom'] = custom;
    if (input.clientId || input.clientSecret) {
        body['credentials'] = { type: 'OAUTH2', client_id: input.clientId ?? '', client_secret: input.clientSecret ?? '', ...(input.scopes ? { scopes: input.scopes } : {}) };
    }
    const answer = await call(client, { method: 'POST', path: '/integrations', body });
    return dataOf(answer);
}

export async function listIntegrations(client: PlatformClient): Promise<Json[]> {
    const answer = await call(client, { method: 'GET', path: '/integrations' });
    const list = isObject(answer) && Array.isArray(answer['data']) ? answer['data'] : [];
    return list.filter(isObject);
}

export async function getIntegration(client: PlatformClient, key: string): Promise<Json> {
    return dataOf(await call(client, { method: 'GET', path: `/integrations/${encodeURIComponent(key)}` }, integrationNotFound(key)));
}

export async function deleteIntegration(client: PlatformClient, key: string): Promise<void> {
    await call(client, { method: 'DELETE', path: `/integrations/${encodeURIComponent(key)}` }, integrationNotFound(key));
}

export interface ConnectionInput {
    integration: string;
    connectionId: string;
    credentials: Json;
    metadata?: Json | undefined;
    config?: Json | undefined;
}

const connectionNotFound = (integration: string, id: string) => () =>
    new FerryError({
        code: 'CONNECTION_NOT_FOUND',
        message: `No connection '${id}' for integration '${integration}'`,
        hint: `See the connections with \`ferry connections list --integration ${integration}\`.`
    });

/** A connection without its credentials; `credentials_type` says which kind it holds. */
export function withoutSecrets(connection: Json): Json {
    const { credentials, ...rest } = connection;
    const type = isObject(credentials) && typeof credentials['type'] === 'string' ? credentials['type'] : undefined;
    return { ...rest, ...(type ? { credentials_type: type } : {}) };
}

export async function createConnection(client: PlatformClient, input: ConnectionInput): Promise<Json> {
    checkConnectionId(input.connectionId);
    const body: Json = { provider_config_key: input.integration, connection_id: input.connectionId, credentials: input.credentials };
    if (input.metadata) body['metadata'] = input.metadata;
    if (input.config) body['connection_config'] = input.config;
    const answer = await call(client, { method: 'POST', path: '/connections', body }, () => integrationNotFound(input.integration)());
    return withoutSecrets(isObject(answer) ? answer : {});
}

export async function listConnections(client: PlatformClient, integration?: string): Promise<Json[]> {
    const answer = await call(client, { method: 'GET', path: '/connections', query: { integrationId: integration } });
    const list = isObject(answer) && Array.isArray(answer['connections']) ? answer['connections'] : [];
    return list.filter(isObject).map(withoutSecrets);
}

export async function getConnection(client: PlatformClient, integration: string, connectionId: string): Promise<Json> {
    const answer = await call(
        client,
        { method: 'GET', path: `/connections/${encodeURIComponent(connectionId)}`, query: { provider_config_key: integration } },
        connectionNotFound(integration, connectionId)
    );
    return withoutSecrets(isObject(answer) ? answer : {});
}

export async function deleteConnection(client: PlatformClient, integration: string, connectionId: string): Promise<void> {
    await call(
        client,
        { method: 'DELETE', path: `/connections/${encodeURIComponent(connectionId)}`, query: { provider_config_key: integration } },
        connectionNotFound(integration, connectionId)
    );
}

function dataOf(answer: unknown): Json {
    if (isObject(answer) && isObject(answer['data'])) return answer['data'];
    return isObject(answer) ? answer : {};
}

/** A client for the environment's platform, settings read as every command reads them (`local` included). */
export async function adminClient(cwd: string, processEnv: NodeJS.ProcessEnv, environment: string): Promise<PlatformClient> {
    const [{ PlatformClient }, { resolvePlatformSettings }, { projectRootOf }] = await Promise.all([
        import('./client.js'),
        import('./env.js'),
        import('./local-server.js')
    ]);
    const settings = resolvePlatformSettings(projectRootOf(cwd) ?? cwd, environment, processEnv, ExitCode.Failure);
    return new PlatformClient({ host: settings.host, secretKey: settings.secretKey, exitCode: ExitCode.Failure, keyVariable: settings.keyVariable, keySource: settings.keySource, tlsEnv: { ...settings.dotEnv, ...processEnv } });
}
