/**
 * Integrations and connections in the database. Credentials and OAuth client secrets are sealed
 * (AES-256-GCM) before they reach SQL and opened only where a request needs them; every value
 * reaches SQL as a parameter.
 */
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
}

export interface NewIntegration {
    unique_key: string;
    provider: string;
    display_name?: string | undefined;
    custom?: Record<string, string> | undefined;
    oauth_client_id?: string | undefined;
    oauth_client_secret?: string | undefined;
    oauth_scopes?: string | undefined;
}

export type NewConnection = Pick<ConnectionRow, 'provider_config_key' | 'connection_id' | 'credentials' | 'connection_config' | 'metadata' | 'credentials_expires_at'>;

const INTEGRATION_COLUMNS = 'unique_key, provider, display_name, custom, oauth_client_id, oauth_client_secret, oauth_scopes, created_at, updated_at';
const CONNECTION_COLUMNS =
    'id, provider_config_key, connection_id, credentials, connection_config, metadata, credentials_expires_at, last_fetched_at, created_at, updated_at, webhook_url_override';

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

    async deleteIntegration(key: string): Promise<boolean> {
        const rows = await this.db.query('delete from ferry_integrations where unique_key = $1 returning unique_key', [key]);
        return rows.length > 0;
    }

    /** Creates or replaces (Nango's "override") the connection; says which. */
    async upsertConnection(input: NewConnection): Promise<{ connection: ConnectionRow; operation: 'creation' | 'override' }> {
        const rows = await this.db.query<ConnectionRow & { inserted: boolean }>(
            `insert into ferry_connections (provider_config_key, connection_id, credentials, connection_config, metadata, credentials_expires_at)
             values ($1, $2, $3, $4::jsonb, $5::jsonb, $6)
             on conflict (provider_config_key, connection_id) do update set
                credentials = excluded.credentials, connection_config = excluded.connection_config, metadata = excluded.metadata,
                credentials_expires_at = excluded.credentials_expires_at, updated_at = now()
             returning ${CONNECTION_COLUMNS}, (xmax = 0) as inserted`,
            [
                input.provider_config_key,
                input.connection_id,
                this.sealer.seal(input.credentials),
                JSON.stringify(input.connection_config),
                JSON.stringify(input.metadata),
                input.credentials_expires_at
            ]
        );
        const row = rows[0]!;
        return { connection: this.openConnection(row), operation: row.inserted ? 'creation' : 'override' };
    }

    async listConnections(filter: { connectionId?: string | undefined; integrationIds?: string[] | undefined; search?: string | undefined; limit: number; offset: number }): Promise<(ConnectionRow & { provider: string })[]> {
        const where: string[] = [];
        const params: (string | number)[] = [];
        if (filter.connectionId !== undefined) {
            params.push(filter.connectionId);
            where.push(`c.connection_id = $${params.length}`);
        }
        if (filter.integrationIds?.length) {
            const placeholders = filter.integrationIds.map((id) => {
                params.push(id);
                return `$${params.length}`;
            });
            where.push(`c.provider_config_key in (${placeholders.join(', ')})`);
        }
        if (filter.search !== undefined) {
            // The search text is a parameter; its LIKE wildcards are escaped so they match themselves.
            params.push(`%${filter.search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
            where.push(`c.connection_id ilike $${params.length}`);
        }
        params.push(filter.limit, filter.offset);
        const rows = await this.db.query<ConnectionRow & { provider: string }>(
            `select ${CONNECTION_COLUMNS.split(', ').map((c) => `c.${c}`).join(', ')}, i.provider
             from ferry_connections c join ferry_integrations i on i.unique_key = c.provider_config_key
             ${where.length ? `where ${where.join(' and ')}` : ''}
             order by c.created_at, c.id limit $${params.length - 1} offset $${params.length}`,
            params
        );
        return rows.map((row) => ({ ...this.openConnection(row), provider: row.provider }));
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
