/**
 * OAuth flows in progress, kept in the database (as Nango keeps its OAuth sessions), so a server
 * restarted between the authorization redirect and the callback still finishes the flow. One row
 * per `ferry connect`: found by the `state` the provider sends back (random, 32 bytes; only its
 * SHA-256 is stored, and cleared on first use) and polled by the CLI under a separate id. The PKCE
 * verifier is sealed like credentials. A flow can be completed for 15 minutes; its outcome stays
 * readable for as long again, then the row is removed.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Sealer } from '../crypto.js';
import type { Queryable } from '../storage.js';

export interface OAuthSession {
    id: string;
    state: string;
    providerConfigKey: string;
    connectionId: string;
    codeVerifier: string;
    redirectUri: string;
    connectionConfig: Record<string, unknown>;
    webhookUrlOverride: string | null;
    createdAt: number;
    status: 'pending' | 'success' | 'error';
    error?: { code: string; message: string };
}

const LIFETIME_MS = 15 * 60 * 1000;

interface Row {
    id: string;
    provider_config_key: string;
    connection_id: string;
    code_verifier: string;
    redirect_uri: string;
    connection_config: Record<string, unknown>;
    webhook_url_override: string | null;
    status: OAuthSession['status'];
    error: OAuthSession['error'] | null;
    created_at: string | Date;
}

const hashOf = (state: string): string => createHash('sha256').update(state).digest('hex');
const COLUMNS = 'id, provider_config_key, connection_id, code_verifier, redirect_uri, connection_config, webhook_url_override, status, error, created_at';

export class OAuthSessions {
    constructor(
        private readonly db: Queryable,
        private readonly sealer: Sealer
    ) {}

    async create(input: Pick<OAuthSession, 'providerConfigKey' | 'connectionId' | 'redirectUri' | 'connectionConfig' | 'webhookUrlOverride'>): Promise<OAuthSession> {
        const now = Date.now();
        await this.db.query('delete from ferry_oauth_sessions where created_at < $1', [new Date(now - 2 * LIFETIME_MS).toISOString()]);
        const session: OAuthSession = {
            ...input,
            id: randomBytes(16).toString('hex'),
            state: randomBytes(32).toString('base64url'),
            // RFC 7636: 43 to 128 characters of the unreserved set; base64url of 48 bytes is 64.
            codeVerifier: randomBytes(48).toString('base64url'),
            createdAt: now,
            status: 'pending'
        };
        await this.db.query(
            `insert into ferry_oauth_sessions (id, state_hash, provider_config_key, connection_id, code_verifier, redirect_uri, connection_config, webhook_url_override, created_at)
             values ($1, $2, $3, $4, $5, $6, $7::jsonb, $8, $9)`,
            [session.id, hashOf(session.state), session.providerConfigKey, session.connectionId, this.sealer.seal(session.codeVerifier), session.redirectUri, JSON.stringify(session.connectionConfig), session.webhookUrlOverride, new Date(now).toISOString()]
        );
        return session;
    }

    /** The flow with this id, while its outcome is kept. */
    async get(id: string): Promise<OAuthSession | undefined> {
        const [row] = await this.db.query<Row>(`select ${COLUMNS} from ferry_oauth_sessions where id = $1 and created_at >= $2`, [id, new Date(Date.now() - 2 * LIFETIME_MS).toISOString()]);
        return row && this.fromRow(row);
    }

    /** The pending flow this state belongs to; a state is good for one callback only (cleared here, atomically). */
    async take(state: string): Promise<OAuthSession | undefined> {
        const [row] = await this.db.query<Row>(
            `update ferry_oauth_sessions set state_hash = null where state_hash = $1 and status = 'pending' and created_at >= $2 returning ${COLUMNS}`,
            [hashOf(state), new Date(Date.now() - LIFETIME_MS).toISOString()]
        );
        return row && { ...this.fromRow(row), state };
    }

    async finish(session: OAuthSession, outcome: { status: 'success' } | { status: 'error'; error: { code: string; message: string } }): Promise<void> {
        session.status = outcome.status;
        if (outcome.status === 'error') session.error = outcome.error;
        await this.db.query('update ferry_oauth_sessions set status = $2, error = $3::jsonb where id = $1', [session.id, outcome.status, outcome.status === 'error' ? JSON.stringify(outcome.error) : null]);
    }

    private fromRow(row: Row): OAuthSession {
        return {
            id: row.id,
            state: '',
            providerConfigKey: row.provider_config_key,
            connectionId: row.connection_id,
            codeVerifier: this.sealer.open<string>(row.code_verifier),
            redirectUri: row.redirect_uri,
            connectionConfig: row.connection_config ?? {},
            webhookUrlOverride: row.webhook_url_override,
            createdAt: new Date(row.created_at).getTime(),
            status: row.status,
            ...(row.error ? { error: row.error } : {})
        };
    }
}
