/**
 * Integrations and connections in the database. Credentials and OAuth client secrets are sealed
 * (AES-256-GCM) before they reach SQL and opened only where a request needs them; every value
 * reaches SQL as a parameter.
 */
import type { PublicEndUser } from './connection-tags.js';
import type { Sealer } from './crypto.js';
import type { Queryable } from './storage.js';

export interface IntegrationRow {
    unique_key: string;
    provider: string;
    display_name: string | null;
    custom: Record<string, string>;
    oauth_client_id: string | null;
    oauth_client_secret: string | null;
    oauth_scopes: string | null;
    created_at: Date;
    updated_at: Date;
}

export interface ConnectionRow {
    id: number;
    provider_config_key: string;
    connection_id: string;
    credentials: Record<string, unknown>;
    connection_config: Record<string, unknown>;
    metadata: Record<string, unknown>;
    credentials_expires_at: Date | null;
    last_fetched_at: Date | null;
    created_at: Date;
    updated_at: Date;
    /** Where this connection's webhooks go instead of the environment's URLs (set by ferry connect). */
    webhook_url_override?: string | null;
    tags?: Record<string, string>;
    end_user?: PublicEndUser | null;
}

interface NewIntegration {
    unique_key: string;
    provider: string;
    display_name?: string | undefined;
    custom?: Record<string, string> | undefined;
    oauth_client_id?: string | undefined;
    oauth_client_secret?: string | undefined;
    oauth_scopes?: string | undefined;
}

/** Without tags, a replaced connection keeps its own; without an end user, its end user. */
type NewConnection = Pick<ConnectionRow, 'provider_config_key' | 'connection_id' | 'credentials' | 'connection_config' | 'metadata' | 'credentials_expires_at' | 'tags' | 'end_user'>;

interface ConnectionFilter {
    connectionId?: string | undefined;
    integrationIds?: string[] | undefined;
    search?: string | undefined;
    endUserId?: string | undefined;
    endUserOrganizationId?: string | undefined;
    tags?: Record<string, string> | undefined;
    /** GET /connections lists the newest first, as Nango; the server's own uses keep creation order. */
    newestFirst?: boolean | undefined;
    limit: number;
    offset: number;
}

const INTEGRATION_COLUMNS = 'unique_key, provider, display_name, custom, oauth_client_id, oauth_client_secret, oauth_scopes, created_at, updated_at';
const CONNECTION_COLUMNS =
    'id, provider_config_key, connection_id, credentials, connection_config, metadata, credentials_expires_at, last_fetched_at, created_at, updated_at, webhook_url_override, tags, end_user';

export class Store {
    constructor(
        private readonly db: Queryable,
        private readonly sealer: Sealer
    ) {}

    async createIntegration(input: NewIntegration): Promise<IntegrationRow | undefined> {
        const rows = await this.db.query<IntegrationRow>(
            `insert into ferry_integrations (unique_key, provider, display_name, custom, oauth_client_id, oauth_client_secret, oauth_scopes)
             values ($1, $2, $3, $4::jsonb, $5, $6, $7) on conflict (unique_key) do nothing returning ${INTEGRATION_COLUMNS}`,
            [
                input.unique_key,
                input.provider,
                input.display_name ?? null,
                JSON.stringify(input.custom ?? {}),
                input.oauth_client_id ?? null,
                input.oauth_client_secret === undefined ? null : this.sealer.seal(input.oauth_client_secret),
                input.oauth_scopes ?? null
            ]
        );
        return rows[0] && this.openIntegration(rows[0]);
    }

    async listIntegrations(): Promise<IntegrationRow[]> {
        const rows = await this.db.query<IntegrationRow>(`select ${INTEGRATION_COLUMNS} from ferry_integrations order by created_at, unique_key`);
        return rows.map((row) => this.openIntegration(row));
    }

    async getIntegration(key: string): Promise<IntegrationRow | undefined> {
        const rows = await this.db.query<IntegrationRow>(`select ${INTEGRATION_COLUMNS} from ferry_integrations where unique_key = $1`, [key]);
        return rows[0] && this.openIntegration(rows[0]);
    }

    /** PATCH /integrations/{key}: the given values replace the stored ones (`custom` is merged by the caller). */
    async updateIntegration(
        key: string,
        patch: { unique_key: string; display_name: string | null; custom: Record<string, string>; oauth_client_id: string | null; oauth_client_secret: string | null; oauth_scopes: string | null }
    ): Promise<IntegrationRow | undefined> {
        const rows = await this.db.query<IntegrationRow>(
            `update ferry_integrations set unique_key = $2, display_name = $3, custom = $4::jsonb, oauth_client_id = $5, oauth_client_secret = $6, oauth_scopes = $7, updated_at = now()
             where unique_key = $1 returning ${INTEGRATION_COLUMNS}`,
            [
                key,
                patch.unique_key,
                patch.display_name,
                JSON.stringify(patch.custom),
                patch.oauth_client_id,
                patch.oauth_client_secret === null ? null : this.sealer.seal(patch.oauth_client_secret),
                patch.oauth_scopes
            ]
        );
        return rows[0] && this.openIntegration(rows[0]);
    }

    async deleteIntegration(key: string): Promise<boolean> {
        const rows = await this.db.query('delete from ferry_integrations where unique_key = $1 returning unique_key', [key]);
        return rows.length > 0;
    }

    /** Creates or replaces (Nango's "override") the connection; says which. */
    async upsertConnection(input: NewConnection): Promise<{ connection: ConnectionRow; operation: 'creation' | 'override' }> {
        const rows = await this.db.query<ConnectionRow & { inserted: boolean }>(
            `insert into ferry_connections (provider_config_key, connection_id, credentials, connection_config, metadata, credentials_expires_at, tags, end_user)
             values ($1, $2, $3, $4::jsonb, $5::jsonb, $6, coalesce($7::jsonb, '{}'), $8::jsonb)
             on conflict (provider_config_key, connection_id) do update set
                credentials = excluded.credentials, connection_config = excluded.connection_config, metadata = excluded.metadata,
                credentials_expires_at = excluded.credentials_expires_at, updated_at = now(),
                tags = coalesce($7::jsonb, ferry_connections.tags), end_user = coalesce(excluded.end_user, ferry_connections.end_user)
             returning ${CONNECTION_COLUMNS}, (xmax = 0) as inserted`,
            [
                input.provider_config_key,
                input.connection_id,
                this.sealer.seal(input.credentials),
                JSON.stringify(input.connection_config),
                JSON.stringify(input.metadata),
                input.credentials_expires_at,
                input.tags === undefined ? null : JSON.stringify(input.tags),
                input.end_user ? JSON.stringify(input.end_user) : null
            ]
        );
        const row = rows[0]!;
        return { connection: this.openConnection(row), operation: row.inserted ? 'creation' : 'override' };
    }

    async listConnections(filter: ConnectionFilter): Promise<(ConnectionRow & { provider: string })[]> {
        const where: string[] = [];
        const params: (string | number)[] = [];
        const param = (value: string | number): string => {
            params.push(value);
            return `$${params.length}`;
        };
        if (filter.connectionId !== undefined) where.push(`c.connection_id = ${param(filter.connectionId)}`);
        if (filter.integrationIds?.length) where.push(`c.provider_config_key in (${filter.integrationIds.map(param).join(', ')})`);
        if (filter.endUserId !== undefined) where.push(`c.end_user->>'id' = ${param(filter.endUserId)}`);
        if (filter.endUserOrganizationId !== undefined) where.push(`c.end_user->'organization'->>'id' = ${param(filter.endUserOrganizationId)}`);
        if (filter.tags && Object.keys(filter.tags).length > 0) where.push(`c.tags @> ${param(JSON.stringify(filter.tags))}::jsonb`);
        if (filter.search !== undefined) {
            // The search text is a parameter; its LIKE wildcards are escaped so they match themselves.
            const like = param(`%${filter.search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
            where.push(`(c.connection_id ilike ${like} or c.end_user->>'display_name' ilike ${like} or c.end_user->>'email' ilike ${like})`);
        }
        const rows = await this.db.query<ConnectionRow & { provider: string }>(
            `select ${CONNECTION_COLUMNS.split(', ').map((c) => `c.${c}`).join(', ')}, i.provider
             from ferry_connections c join ferry_integrations i on i.unique_key = c.provider_config_key
             ${where.length ? `where ${where.join(' and ')}` : ''}
             order by ${filter.newestFirst ? 'c.created_at desc, c.id desc' : 'c.created_at, c.id'} limit ${param(filter.limit)} offset ${param(filter.offset)}`,
            params
        );
        return rows.map((row) => ({ ...this.openConnection(row), provider: row.provider }));
    }

    /** PATCH /connections/{id}: what is given replaces what was (an empty webhook URL clears it). */
    async patchConnection(id: number, patch: { tags?: Record<string, string> | undefined; end_user?: PublicEndUser | undefined; webhook_url_override?: string | undefined }): Promise<void> {
        await this.db.query(
            `update ferry_connections set tags = coalesce($2::jsonb, tags), end_user = coalesce($3::jsonb, end_user),
                webhook_url_override = case when $4::text is null then webhook_url_override when $4::text = '' then null else $4::text end, updated_at = now()
             where id = $1`,
            [id, patch.tags === undefined ? null : JSON.stringify(patch.tags), patch.end_user ? JSON.stringify(patch.end_user) : null, patch.webhook_url_override ?? null]
        );
    }

    async getConnection(integration: string, connectionId: string): Promise<ConnectionRow | undefined> {
        const rows = await this.db.query<ConnectionRow>(
            `select ${CONNECTION_COLUMNS} from ferry_connections where provider_config_key = $1 and connection_id = $2`,
            [integration, connectionId]
        );
        return rows[0] && this.openConnection(rows[0]);
    }

    async touchConnection(id: number): Promise<void> {
        await this.db.query('update ferry_connections set last_fetched_at = now() where id = $1', [id]);
    }

    async updateCredentials(id: number, credentials: Record<string, unknown>, expiresAt: Date | null): Promise<void> {
        await this.db.query('update ferry_connections set credentials = $2, credentials_expires_at = $3, updated_at = now() where id = $1', [
            id,
            this.sealer.seal(credentials),
            expiresAt
        ]);
    }

    async deleteConnection(integration: string, connectionId: string): Promise<boolean> {
        const rows = await this.db.query('delete from ferry_connections where provider_config_key = $1 and connection_id = $2 returning id', [
            integration,
            connectionId
        ]);
        return rows.length > 0;
    }

    private openIntegration(row: IntegrationRow): IntegrationRow {
        return { ...row, oauth_client_secret: row.oauth_client_secret === null ? null : this.sealer.open<string>(row.oauth_client_secret) };
    }

    private openConnection(row: ConnectionRow): ConnectionRow {
        const { inserted: _inserted, ...rest } = row as ConnectionRow & { inserted?: boolean };
        return { ...rest, id: Number(rest.id), credentials: this.sealer.open(rest.credentials as unknown as string) };
    }
}
