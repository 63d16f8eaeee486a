import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir } from '../support/cli.js';
import { runFunction } from '../../src/dryrun/run.js';
import { bundleProject, connection, fakeTransport, json, type Bundle } from './runtime-support.js';

let temp: Awaited<ReturnType<typeof makeTempDir>>;
let bundles: Record<string, Bundle>;

beforeAll(async () => {
    temp = await makeTempDir('ferry-runtime-');
    bundles = await bundleProject(temp.dir, {
        'github/actions/create-issue.ts': `
import { createAction } from 'nango';
import { z } from 'zod';
export default createAction({
    description: 'create',
    input: z.object({ title: z.string() }),
    output: z.object({ id: z.number(), url: z.string() }),
    exec: async (nango, input) => {
        const res = await nango.post({ endpoint: '/repos/octo/hello/issues', data: { title: input.title } });
        return { id: res.data.number, url: res.data.html_url };
    }
});
`,
        'github/syncs/issues.ts': `
import { createSync } from 'nango';
import { z } from 'zod';
export default createSync({
    description: 'issues', frequency: 'every hour',
    models: { Issue: z.object({ id: z.string(), title: z.string() }) },
    exec: async (nango) => {
        for await (const page of nango.paginate({ endpoint: '/repos/octo/hello/issues', paginate: { limit: 2 } })) {
            await nango.batchSave(page.map((i: any) => ({ id: String(i.id), title: i.title })), 'Issue');
        }
    }
});
`
    });
}, 30_000);

afterAll(() => temp?.cleanup());

describe('runFunction smoke', () => {
    it('runs an action', async () => {
        const transport = fakeTransport((req) => (req.method === 'POST' ? json({ number: 7, html_url: 'https://x/7' }, 201) : undefined));
        const result = await runFunction({ ...bundles['github/create-issue']!, transport, connection, input: { title: 'Hi' } });
        expect(result.error).toBeUndefined();
        expect(result.output).toEqual({ id: 7, url: 'https://x/7' });
        expect(transport.sent[0]).toMatchObject({ method: 'POST', endpoint: '/repos/octo/hello/issues', data: { title: 'Hi' } });
    });

    it('runs a sync over Link-header pages with the GitHub defaults from the catalog', async () => {
        const transport = fakeTransport((req) => {
            const page = Number(req.params?.['page'] ?? 1);
            const link = page < 3 ? { link: `<https://api.github.com/repos/octo/hello/issues?per_page=2&page=${page + 1}>; rel="next"` } : {};
            return json([{ id: page * 10, title: `t${page}` }, { id: page * 10 + 1, title: `u${page}` }], 200, link);
        });
        const result = await runFunction({ ...bundles['github/issues']!, transport, connection, keepRecords: true });
        expect(result.error).toBeUndefined();
        expect(result.records['Issue']?.saved).toBe(6);
        expect(transport.sent.map((r) => r.params)).toEqual([{ per_page: 2 }, { per_page: '2', page: '2' }, { per_page: '2', page: '3' }]);
        expect(result.requests).toHaveLength(3);
    });
});
