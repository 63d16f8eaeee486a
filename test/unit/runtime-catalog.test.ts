// The provider catalog: Nango's providers.yaml reduced to what the runtime uses, cached as JSON.
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { getProviderDefaults, reduceCatalog } from '../../src/providers/catalog.js';

describe('provider catalog', () => {
    it("loads GitHub's base URL, Link-header pagination and rate-limit headers from @nangohq/providers, and caches them", async () => {
        const cacheDir = await mkdtemp(join(tmpdir(), 'ferry-catalog-'));
        try {
            const github = await getProviderDefaults('github', { cacheDir });
            expect(github).toEqual({
                name: 'github',
                baseUrl: 'https://api.github.com',
                paginate: { type: 'link', limit_name_in_request: 'per_page', link_rel_in_response_header: 'next' },
                retry: { at: ['x-ratelimit-reset'], remaining: 'x-ratelimit-remaining', errorCodes: expect.arrayContaining(['403', '429', '5xx']) }
            });
            // An alias inherits its target's proxy settings.
            expect((await getProviderDefaults('github-app', { cacheDir }))?.paginate).toEqual(github?.paginate);
            expect(await getProviderDefaults('no-such-provider-anywhere', { cacheDir })).toBeUndefined();
            expect((await readdir(cacheDir)).some((name) => /^providers-.*\.json$/.test(name))).toBe(true);
        } finally {
            await rm(cacheDir, { recursive: true, force: true });
        }
    });

    it('keeps only what the runtime uses and lets an entry override its alias', () => {
        const catalog = reduceCatalog({
            base: { display_name: 'Base', proxy: { base_url: 'https://api.base.io', paginate: { type: 'cursor' }, retry: { after: 'retry-after-ms', error_code: 429 }, decompress: true } },
            child: { alias: 'base', proxy: { base_url: 'https://${connectionConfig.region}.base.io' } }
        });
        expect(catalog['base']).toEqual({ name: 'base', baseUrl: 'https://api.base.io', paginate: { type: 'cursor' }, retry: { after: ['retry-after-ms'], errorCodes: ['429'] }, decompress: true });
        expect(catalog['child']).toMatchObject({ name: 'child', baseUrl: 'https://${connectionConfig.region}.base.io', paginate: { type: 'cursor' } });
    });
});
