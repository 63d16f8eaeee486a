/**
 * OAuth flows in progress, kept in the database: what a restarted server needs to finish a flow is
 * there (the session outlives the store object that made it), the PKCE verifier is sealed and the
 * state stored only as a hash, a state completes one callback, and the outcome stays readable.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSealer } from '../../src/serve/crypto.js';
import { migrate } from '../../src/serve/migrations.js';
import { OAuthSessions } from '../../src/serve/oauth/sessions.js';
import { openPglite, type Storage } from '../../src/serve/storage.js';

describe('OAuth sessions in the database', () => {
    let dir: string;
    let storage: Storage;
    const sealer = createSealer(randomBytes(32));

    beforeAll(async () => {
        dir = await mkdtemp(join(tmpdir(), 'ferry-oauth-sessions-'));
        storage = await openPglite(join(dir, 'db'));
        await migrate(storage);
    });
    afterAll(async () => {
        await storage.close();
        await rm(dir, { recursive: true, force: true });
    });

    it('keeps a flow for another server object: one callback per state, the verifier sealed, the outcome readable', async () => {
        const started = await new OAuthSessions(storage, sealer).create({ providerConfigKey: 'goo', connectionId: 'c-1', redirectUri: 'http://127.0.0.1:3003/oauth/callback', connectionConfig: { subdomain: 'acme' }, webhookUrlOverride: null });
        const [row] = await storage.query<{ state_hash: string; code_verifier: string }>('select state_hash, code_verifier from ferry_oauth_sessions where id = $1', [started.id]);
        expect(row!.state_hash).toBe(createHash('sha256').update(started.state).digest('hex'));
        expect(row!.code_verifier).not.toContain(started.codeVerifier);

        // As after a restart: a new object on the same database.
        const later = new OAuthSessions(storage, sealer);
        expect(await later.take('not-the-state')).toBeUndefined();
        const taken = await later.take(started.state);
        expect(taken).toMatchObject({ id: started.id, providerConfigKey: 'goo', connectionId: 'c-1', codeVerifier: started.codeVerifier, connectionConfig: { subdomain: 'acme' }, status: 'pending' });
        expect(await later.take(started.state)).toBeUndefined();

        await later.finish(taken!, { status: 'error', error: { code: 'access_denied', message: 'refused' } });
        expect(await new OAuthSessions(storage, sealer).get(started.id)).toMatchObject({ status: 'error', error: { code: 'access_denied', message: 'refused' } });
    });

    it('refuses a state older than 15 minutes, and forgets flows after 30', async () => {
        const sessions = new OAuthSessions(storage, sealer);
        const old = await sessions.create({ providerConfigKey: 'goo', connectionId: 'c-2', redirectUri: 'http://x/oauth/callback', connectionConfig: {}, webhookUrlOverride: null });
        await storage.query('update ferry_oauth_sessions set created_at = $2 where id = $1', [old.id, new Date(Date.now() - 16 * 60 * 1000).toISOString()]);
        expect(await sessions.take(old.state)).toBeUndefined();
        expect((await sessions.get(old.id))?.status).toBe('pending');
        await storage.query('update ferry_oauth_sessions set created_at = $2 where id = $1', [old.id, new Date(Date.now() - 31 * 60 * 1000).toISOString()]);
        expect(await sessions.get(old.id)).toBeUndefined();
        await sessions.create({ providerConfigKey: 'goo', connectionId: 'c-3', redirectUri: 'http://x/oauth/callback', connectionConfig: {}, webhookUrlOverride: null });
        expect(await storage.query('select id from ferry_oauth_sessions where id = $1', [old.id])).toEqual([]);
    });
});
