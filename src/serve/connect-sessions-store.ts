/**
 * Nango's connect sessions: what a backend allows one end user to connect, behind a token the
 * backend hands to its frontend. The token is shown once and kept only as a hash; a session lives
 * 30 minutes, as in Nango. A reconnect session points at the connection it may replace.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { PublicEndUser } from './connection-tags.js';
import type { Queryable } from './storage.js';

export const CONNECT_SESSION_PREFIX = 'nango_connect_session_';
const TTL_MS = 30 * 60 * 1000;

export interface ConnectSessionRow {
    id: number;
    end_user: PublicEndUser | null;
    tags: Record<string, string>;
    allowed_integrations: string[] | null;
    integrations_config_defaults: Record<string, Record<string, unknown>> | null;
    overrides: Record<string, Record<string, unknown>> | null;
    webhook_url_override: string | null;
    /** The connection (its row id) a reconnect session is for. */
    connection_id: number | null;
    expires_at: Date;
}

export type NewConnectSession = Omit<ConnectSessionRow, 'id' | 'expires_at'>;

const hashOf = (token: string): string => createHash('sha256').update(token).digest('hex');
const json = (value: unknown): string | null => (value === null ? null : JSON.stringify(value));

export async function createConnectSession(db: Queryable, session: NewConnectSession): Promise<{ token: string; expiresAt: Date }> {
    // Expired sessions are of no use to anyone: they go when a new one comes.
    await db.query('delete from ferry_connect_sessions where expires_at <= now()');
    const token = CONNECT_SESSION_PREFIX + randomBytes(32).toString('hex');
    const expiresAt = new Date(Date.now() + TTL_MS);
    await db.query(
        `insert into ferry_connect_sessions (token_hash, end_user, tags, allowed_integrations, integrations_config_defaults, overrides, webhook_url_override, connection_id, expires_at)
         values ($1, $2::jsonb, $3::jsonb, $4::jsonb, $5::jsonb, $6::jsonb, $7, $8, $9)`,
        [
            hashOf(token),
            json(session.end_user),
            JSON.stringify(session.tags),
            json(session.allowed_integrations),
            json(session.integrations_config_defaults),
            json(session.overrides),
            session.webhook_url_override,
            session.connection_id,
            expiresAt.toISOString()
        ]
    );
    return { token, expiresAt };
}

/** The live session the token stands for, if any. */
export async function findConnectSession(db: Queryable, token: string): Promise<ConnectSessionRow | undefined> {
    const [row] = await db.query<ConnectSessionRow>(
        `select id, end_user, tags, allowed_integrations, integrations_config_defaults, overrides, webhook_url_override, connection_id, expires_at
         from ferry_connect_sessions where token_hash = $1 and expires_at > now()`,
        [hashOf(token)]
    );
    return row && { ...row, id: Number(row.id), connection_id: row.connection_id === null ? null : Number(row.connection_id), expires_at: new Date(row.expires_at) };
}

export async function deleteConnectSession(db: Queryable, id: number): Promise<void> {
    await db.query('delete from ferry_connect_sessions where id = $1', [id]);
}
