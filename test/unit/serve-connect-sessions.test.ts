/**
 * Connect sessions in the database: the token is kept only as a hash, answers for 30 minutes and
 * then no more, and a deleted session is gone.
 */
import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConnectSession, deleteConnectSession, findConnectSession } from '../../src/serve/connect-sessions-store.js';
import { migrate } from '../../src/serve/migrations.js';
import { openPglite, type Storage } from '../../src/serve/storage.js';

const session = {
    end_user: { id: 'u-1', email: null, display_name: 'Ann', tags: null, organization: null },
    tags: { end_user_id: 'u-1' },
    allowed_integrations: ['goo'],
    integrations_config_defaults: null,
    overrides: null,
    webhook_url_override: null,
    connection_id: null
};

describe('connect sessions in the database', () => {
    let dir: string;
    let storage: Storage;

    beforeAll(async () => {
        dir = await mkdtemp(join(tmpdir(), 'ferry-connect-sessions-'));
        storage = await openPglite(join(dir, 'db'));
        await migrate(storage);
    });
    afterAll(async () => {
        await storage.close();
        await rm(dir, { recursive: true, force: true });
    });

    it('keeps the token as a hash and finds the session by it until it expires', async () => {
        const { token, expiresAt } = await createConnectSession(storage, session);
        expect(token).toMatch(/^nango_connect_session_[a-f0-9]{64}$/);
        const [row] = await storage.query<{ token_hash: string }>('select token_hash from ferry_connect_sessions');
        expect(row!.token_hash).toBe(createHash('sha256').update(token).digest('hex'));
        const found = await findConnectSession(storage, token);
        expect(found).toMatchObject({ end_user: session.end_user, tags: session.tags, allowed_integrations: ['goo'], connection_id: null });
        expect(found!.expires_at.getTime()).toBe(expiresAt.getTime());
        expect(await findConnectSession(storage, token.replace(/.$/, (c) => (c === '0' ? '1' : '0')))).toBeUndefined();

        await storage.query('update ferry_connect_sessions set expires_at = now() - interval \'1 second\'');
        expect(await findConnectSession(storage, token)).toBeUndefined();
        // The next session clears the expired ones away.
        const next = await createConnectSession(storage, session);
        expect(await storage.query('select id from ferry_connect_sessions')).toHaveLength(1);
        await deleteConnectSession(storage, (await findConnectSession(storage, next.token))!.id);
        expect(await findConnectSession(storage, next.token)).toBeUndefined();
    });
});
