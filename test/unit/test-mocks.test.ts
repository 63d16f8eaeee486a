import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { makeTempDir } from '../support/cli.js';
import { legacyIdentity, unifiedIdentity } from '../../src/sdk/test-mocks-identity.js';
import { NangoActionMock, NangoSyncMock } from '../../src/sdk/test-mocks.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
    vi.unstubAllEnvs();
    for (const cleanup of cleanups.splice(0)) await cleanup();
});

/** A project folder with these files; returns `<root>/github/tests`. */
async function project(files: Record<string, unknown>): Promise<string> {
    const { dir, cleanup } = await makeTempDir('ferry-mocks-');
    cleanups.push(cleanup);
    for (const [relPath, content] of Object.entries(files)) {
        await mkdir(dirname(join(dir, relPath)), { recursive: true });
        await writeFile(join(dir, relPath), JSON.stringify(content));
    }
    await mkdir(join(dir, 'github/tests'), { recursive: true });
    return join(dir, 'github/tests');
}

describe('request identities', () => {
    // Both hashes are the ones nango 0.71.10's own mocks look recorded answers up by (checked by
    // running its nango/test against files named and keyed by them).
    it('hash a request as the mocks/ recorder did', () => {
        const identity = legacyIdentity({ endpoint: '/user/repos', params: { page: 1, sort: 'x' }, headers: { 'X-Api': 'v', Authorization: 'secret' } });
        expect(identity.requestIdentityHash).toBe('ad7159a898e78d6436187cb0e6b3f55672617aea');
        expect(identity.requestIdentity).toEqual({ method: 'get', endpoint: 'user/repos', params: [['page', 1], ['sort', 'x']], headers: [['X-Api', 'v']], data: undefined });
    });

    it('hash a request as the .test.json recorder does: Nango-Proxy- prefix dropped, default content type and credentials left out', () => {
        const identity = unifiedIdentity({
            endpoint: '/user/repos',
            method: 'POST',
            params: { page: 1, sort: 'x' },
            headers: { 'Nango-Proxy-X-Api': 'v', Authorization: 'secret', 'Content-Type': 'application/json' },
            data: { a: 1 }
        });
        expect(identity.requestIdentityHash).toBe('5139c456d3acc73ab769401214f932a8f1290684');
        expect(identity.requestIdentity).toEqual({ method: 'post', endpoint: 'user/repos', params: [['page', '1'], ['sort', 'x']], headers: [['X-Api', 'v']], data: '{"a":1}' });
    });
});

describe('NangoSyncMock and NangoActionMock', () => {
    it('answer from a .test.json file, paging as the platform does with the provider default', async () => {
        const tests = await project({
            'github/tests/issues.test.json': {
                nango: { batchSave: { Issue: [{ id: '1' }] }, getConnection: { connection_id: 'c' } },
                api: {
                    get: {
                        '/issues': [
                            { request: { params: { per_page: '1' } }, response: [{ id: 1 }], headers: { link: '<https://api.github.com/issues?per_page=1&page=2>; rel="next"' } },
                            { request: { params: { per_page: '1', page: '2' } }, response: [{ id: 2 }], headers: {} }
                        ]
                    }
                }
            }
        });
        const mock = new NangoSyncMock({ dirname: tests, name: 'issues', Model: 'Issue' });
        expect(mock.providerConfigKey).toBe('github');
        const pages: unknown[] = [];
        for await (const page of mock.paginate({ endpoint: '/issues', paginate: { limit: 1 } })) pages.push(page);
        expect(pages).toEqual([[{ id: 1 }], [{ id: 2 }]]);
        expect(await mock.getBatchSaveData('Issue')).toEqual([{ id: '1' }]);
        expect(await mock.getBatchDeleteData('Issue')).toBeUndefined();
        expect(await mock.getConnection()).toEqual({ connection_id: 'c' });
        expect(mock.getConnection).toHaveBeenCalledTimes(1);
        await expect(mock.getMetadata()).rejects.toThrow('Missing mock data for getMetadata');
        await expect(mock.get({ endpoint: '/other' })).rejects.toThrow(/^No mock found for GET other \(normalized: other\) with hash [0-9a-f]{40}/);
        await mock.saveCheckpoint({ cursor: 'a' });
        expect(await mock.getCheckpoint()).toEqual({ cursor: 'a' });
        expect(mock.zodValidateInput({ input: 3 })).toEqual({ data: 3 });
        expect(mock.getWebhookURL()).toBe('https://example.com/webhook');
        expect('batchUpdate' in mock).toBe(false);
    });

    it('answer from a mocks/ folder, an answer saved without headers being the only page, and convert it with MIGRATE_MOCKS', async () => {
        const tests = await project({
            'github/mocks/list/input.json': { id: 1 },
            'github/mocks/list/output.json': { ok: true },
            'github/mocks/nango/getConnection.json': { connection_id: 'legacy' },
            'github/mocks/nango/get/proxy/repos/list.json': { repos: [{ id: 1 }, { id: 2 }], total: 2 }
        });
        const mock = new NangoActionMock({ dirname: tests, name: 'list', Model: 'Out' });
        expect(await mock.getInput()).toEqual({ id: 1 });
        expect(await mock.getOutput()).toEqual({ ok: true });
        const pages: unknown[] = [];
        for await (const page of mock.paginate({ endpoint: '/repos', paginate: { type: 'cursor', cursor_name_in_request: 'c', cursor_path_in_response: 'next' } })) pages.push(page);
        expect(pages).toEqual([[{ id: 1 }, { id: 2 }]]);
        expect(await mock.get({ endpoint: '/repos' })).toEqual({ data: { repos: [{ id: 1 }, { id: 2 }], total: 2 }, headers: undefined, status: undefined });
        await expect(mock.getBatchSaveData('Repo')).rejects.toThrow(/^Failed to load mock data from .*batchSave\.json/);

        vi.stubEnv('MIGRATE_MOCKS', '1');
        const migrating = new NangoActionMock({ dirname: tests, name: 'list', Model: 'Out' });
        await migrating.getConnection();
        await migrating.get({ endpoint: '/repos' });
        const converted = JSON.parse(await readFile(join(tests, 'list.test.json'), 'utf8'));
        expect(converted).toMatchObject({ _migrated: true, nango: { getConnection: { connection_id: 'legacy' } }, api: { get: { repos: [{ response: { total: 2 } }] } } });
        expect(existsSync(join(tests, 'list.test.json'))).toBe(true);
    });
});
