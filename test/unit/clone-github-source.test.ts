import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openGitHubSource } from '../../src/clone/github-source.js';
import { FerryError } from '../../src/errors.js';
import { startServer, type TestResponse, type TestServer } from '../support/http.js';

/** One server whose next answer each test chooses. */
describe('GitHub source answers', () => {
    let server: TestServer;
    let answer: TestResponse = { status: 200, body: [] };
    beforeAll(async () => {
        server = await startServer(() => answer);
    });
    afterAll(() => server.close());

    const open = (env: Record<string, string> = {}) =>
        openGitHubSource({ repo: { owner: 'acme', name: 'templates' }, ref: 'main', env: { FERRY_GITHUB_API_URL: server.url, FERRY_GITHUB_RAW_URL: `${server.url}/raw`, ...env } });

    const failure = async (task: Promise<unknown>): Promise<FerryError> => {
        const error = await task.then(
            () => undefined,
            (e: unknown) => e
        );
        expect(error).toBeInstanceOf(FerryError);
        return error as FerryError;
    };

    it('reads a listing and asks for the ref', async () => {
        answer = { status: 200, body: [{ name: 'github', type: 'dir' }, { name: 'README.md', type: 'file' }, { name: 'link', type: 'symlink' }] };
        const source = open();
        expect(await source.list('integrations')).toEqual([
            { name: 'github', kind: 'dir' },
            { name: 'README.md', kind: 'file' },
            { name: 'link', kind: 'other' }
        ]);
        const request = server.requests.at(-1)!;
        expect(request.path).toBe('/repos/acme/templates/contents/integrations');
        expect(request.query.get('ref')).toBe('main');
        expect(request.headers['authorization']).toBeUndefined();
        await source.close();
    });

    it('treats a file path as no folder, and a 404 as nothing there', async () => {
        const source = open();
        answer = { status: 200, body: { type: 'file', name: 'x.ts' } };
        expect(await source.list('integrations/x.ts')).toBeUndefined();
        answer = { status: 404, body: { message: 'Not Found' } };
        expect(await source.list('integrations/nope')).toBeUndefined();
        expect(await source.read('integrations/nope.ts')).toBeUndefined();
        await source.close();
    });

    it('rejects an answer that is not a contents listing', async () => {
        const source = open();
        answer = { status: 200, body: [{ title: 'not a listing' }] };
        expect((await failure(source.list('integrations'))).code).toBe('GITHUB_BAD_RESPONSE');
        answer = { status: 200, headers: { 'content-type': 'text/html' }, body: Buffer.from('<html>') };
        expect((await failure(source.list('integrations'))).message).toContain('not JSON');
        await source.close();
    });

    it('names a bad token without printing it, and a server error as GitHub-side', async () => {
        const token = 'ghp_secret-value-123';
        const source = open({ GITHUB_TOKEN: token });
        answer = { status: 401, body: { message: 'Bad credentials' } };
        const bad = await failure(source.list('integrations'));
        expect(bad.code).toBe('GITHUB_BAD_TOKEN');
        expect(bad.message).toContain('GITHUB_TOKEN');
        expect(JSON.stringify(bad.toJSON())).not.toContain(token);
        expect(server.requests.at(-1)!.headers['authorization']).toBe(`Bearer ${token}`);

        // A proxy that echoes the header back still does not get the token printed.
        answer = { status: 403, body: { message: `token ${token} cannot read acme/templates` } };
        const echoed = await failure(source.list('integrations'));
        expect(echoed.message).toContain('token *** cannot read');
        expect(JSON.stringify(echoed.toJSON())).not.toContain(token);

        answer = { status: 502, body: { message: 'Server Error' } };
        const down = await failure(source.read('integrations/github/actions/x.ts'));
        expect(down.code).toBe('GITHUB_ERROR');
        expect(down.hint).toContain("GitHub's side");
        await source.close();
    });

    it('reads the rate limit from a 429 with retry-after too', async () => {
        const source = open();
        answer = { status: 429, headers: { 'retry-after': '30' }, body: { message: 'slow down' } };
        const limited = await failure(source.list('integrations'));
        expect(limited.code).toBe('GITHUB_RATE_LIMITED');
        expect(limited.message).toContain('retry after 30 s');
        expect(limited.hint).toContain('GITHUB_TOKEN');
        await source.close();
    });

    it('refuses a base URL that is not http(s)', () => {
        expect(() => open({ FERRY_GITHUB_API_URL: 'file:///etc' })).toThrow(/FERRY_GITHUB_API_URL is not an http\(s\) URL/);
    });
});
