/**
 * The deploy API client's retry and error policy, against real sockets on 127.0.0.1 (undici does
 * not go through msw's interceptors): the preview is retried on transient failures, the deploy
 * only when it cannot have arrived, and every error says whether anything was deployed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer } from 'node:net';
import { ExitCode, FerryError } from '../../src/errors.js';
import { PlatformClient } from '../../src/platform/client.js';
import { createDeployApi, type DeployApi, type RetryNotice } from '../../src/platform/deploy.js';
import { startServer, type TestResponse, type TestServer } from '../support/http.js';

const KEY = 'sk-test-unit-api-key-123456';
const PLAN = {
    newSyncs: [{ name: 'issues', providerConfigKey: 'github', connections: 2, auto_start: true }],
    deletedSyncs: [],
    newActions: [],
    deletedActions: [],
    deletedModels: []
};

type Step = TestResponse | 'reset' | ((body: string) => Promise<TestResponse>);

describe('deploy API retries and errors', () => {
    let server: TestServer;
    const script: Record<string, Step[]> = {};
    const fallback: Record<string, TestResponse> = {
        '/sync/deploy/confirmation': { status: 200, body: PLAN },
        '/sync/deploy': { status: 200, body: [{ name: 'issues', version: '1.0.0', providerConfigKey: 'github', type: 'sync' }] }
    };

    beforeAll(async () => {
        server = await startServer((req, res) => {
            const step = script[req.path]?.shift() ?? fallback[req.path];
            if (step === 'reset') {
                res.socket?.destroy();
                return { status: 599 };
            }
            return typeof step === 'function' ? step(req.body.toString('utf8')) : step;
        });
    });
    afterAll(() => server.close());

    const calls = (path: string): number => server.requests.filter((r) => r.path === path).length;
    const api = (host = server.url, notices: RetryNotice[] = [], timeoutMs?: number): DeployApi =>
        createDeployApi({
            newClient: () => new PlatformClient({ host, secretKey: KEY, keyVariable: 'NANGO_SECRET_KEY_PROD', exitCode: ExitCode.Deploy }),
            retry: { sleep: async () => {}, random: () => 0 },
            onRetry: (notice) => notices.push(notice),
            ...(timeoutMs === undefined ? {} : { previewTimeoutMs: timeoutMs, deployTimeoutMs: timeoutMs })
        });
    async function failure(promise: Promise<unknown>): Promise<FerryError> {
        const error = await promise.then(
            () => undefined,
            (e: unknown) => e
        );
        expect(error).toBeInstanceOf(FerryError);
        return error as FerryError;
    }

    it('retries the preview on 502, 503, 504 and a dropped connection, with growing delays', async () => {
        script['/sync/deploy/confirmation'] = [{ status: 502 }, { status: 503 }, 'reset'];
        const before = calls('/sync/deploy/confirmation');
        const notices: RetryNotice[] = [];
        const client = api(server.url, notices);
        const plan = await client.preview('{}');
        await client.close();
        expect(plan.syncs.new).toEqual([{ name: 'issues', integration: 'github', connections: 2, autoStart: true }]);
        expect(plan.syncs.updated).toEqual([]);
        expect(calls('/sync/deploy/confirmation') - before).toBe(4);
        expect(notices.map((n) => n.reason)).toEqual(['status 502', 'status 503', expect.stringMatching(/ECONNRESET|UND_ERR_SOCKET/)]);
        expect(notices.map((n) => n.delayMs)).toEqual([150, 300, 600]);
    });

    it('retries a rate-limited preview after the wait the platform asks for', async () => {
        script['/sync/deploy/confirmation'] = [{ status: 429, headers: { 'retry-after': '2' }, body: { error: { message: 'slow down' } } }];
        const before = calls('/sync/deploy/confirmation');
        const notices: RetryNotice[] = [];
        const client = api(server.url, notices);
        await client.preview('{}');
        await client.close();
        expect(calls('/sync/deploy/confirmation') - before).toBe(2);
        expect(notices).toEqual([{ call: 'preview', attempt: 1, delayMs: 2_000, reason: 'status 429' }]);
    });

    it('gives up after the last try with a one-line error saying nothing was deployed', async () => {
        script['/sync/deploy/confirmation'] = [{ status: 504 }, { status: 504 }, { status: 504 }, { status: 504 }];
        const client = api();
        const error = await failure(client.preview('{}'));
        await client.close();
        expect(error.code).toBe('PLATFORM_SERVER_ERROR');
        expect(error.exitCode).toBe(11);
        expect(error.message).toContain('504');
        expect(error.hint).toContain('Nothing was deployed.');
    });

    it('never repeats the key when the server echoes it in its message', async () => {
        script['/sync/deploy/confirmation'] = [
            { status: 401, body: { error: { message: `Invalid key Bearer ${KEY}` } } },
            { status: 422, body: { error: { message: `bad request from ${KEY}` } } }
        ];
        const client = api();
        const errors = [await failure(client.preview('{}')), await failure(client.preview('{}'))];
        await client.close();
        for (const error of errors) {
            expect(error.message).toContain('***');
            expect(JSON.stringify({ ...error.toJSON(), message: error.message })).not.toContain(KEY);
        }
    });

    it('does not retry a 401 or another 4xx, and shows the server message and the key variable', async () => {
        script['/sync/deploy/confirmation'] = [{ status: 401, body: { error: { message: 'Invalid secret key' } } }, { status: 400, body: { error: { message: 'flowConfigs.0.runs is invalid' } } }];
        const before = calls('/sync/deploy/confirmation');
        const client = api();
        const unauthorized = await failure(client.preview('{}'));
        const rejected = await failure(client.preview('{}'));
        await client.close();
        expect(calls('/sync/deploy/confirmation') - before).toBe(2);
        expect(unauthorized.code).toBe('PLATFORM_UNAUTHORIZED');
        expect(unauthorized.message).toContain('Invalid secret key');
        expect(unauthorized.hint).toBe(
            "Check NANGO_SECRET_KEY_PROD (your shell environment overrides the project's .env, so look there first): it must be the secret key of this environment. Nothing was deployed."
        );
        expect(`${unauthorized.message} ${unauthorized.hint}`).not.toContain(KEY);
        expect(rejected.code).toBe('PLATFORM_REQUEST_REJECTED');
        expect(rejected.message).toContain('flowConfigs.0.runs is invalid');
    });

    it('checks the preview answer against its schema', async () => {
        script['/sync/deploy/confirmation'] = [{ status: 200, body: { newSyncs: 'nope' } }, { status: 200, body: Buffer.from('<html>') }];
        const client = api();
        const shape = await failure(client.preview('{}'));
        const notJson = await failure(client.preview('{}'));
        await client.close();
        expect(shape.code).toBe('PLATFORM_BAD_RESPONSE');
        expect(shape.message).toContain('newSyncs');
        expect(notJson.message).toContain('not JSON');
    });

    it('never retries a deploy that may have arrived (5xx, dropped connection), and says it may have applied', async () => {
        script['/sync/deploy'] = [{ status: 503 }, 'reset'];
        const before = calls('/sync/deploy');
        const notices: RetryNotice[] = [];
        const client = api(server.url, notices);
        const unavailable = await failure(client.deploy('{}'));
        const dropped = await failure(client.deploy('{}'));
        await client.close();
        expect(calls('/sync/deploy') - before).toBe(2);
        expect(notices).toEqual([]);
        for (const error of [unavailable, dropped]) expect(error.hint).toContain('may or may not have been applied');
    });

    it('says nothing was deployed when the platform rejected the deploy', async () => {
        script['/sync/deploy'] = [{ status: 422, body: { error: { message: 'model Issue is used by another sync' } } }];
        const client = api();
        const error = await failure(client.deploy('{}'));
        await client.close();
        expect(error.message).toContain('model Issue is used by another sync');
        expect(error.hint).toContain('Nothing was deployed.');
    });

    it('retries a deploy that could not connect, and reads the answer', async () => {
        // A port that refuses: bound, then closed.
        const probe = createServer();
        await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
        const port = (probe.address() as { port: number }).port;
        await new Promise<void>((resolve) => probe.close(() => resolve()));
        const notices: RetryNotice[] = [];
        const refused = api(`http://127.0.0.1:${port}`, notices);
        const error = await failure(refused.deploy('{}'));
        await refused.close();
        expect(notices.map((n) => [n.call, n.reason])).toEqual([
            ['deploy', 'ECONNREFUSED'],
            ['deploy', 'ECONNREFUSED'],
            ['deploy', 'ECONNREFUSED']
        ]);
        expect(error.code).toBe('PLATFORM_UNREACHABLE');
        expect(error.hint).toContain('Nothing was deployed.');

        const client = api();
        expect(await client.deploy('{}')).toEqual([{ name: 'issues', version: '1.0.0', providerConfigKey: 'github', type: 'sync' }]);
        await client.close();
    });

    it('times out a platform that does not answer', async () => {
        // undici's timers are coarse (up to ~1 s late), so the server stays silent well past that.
        script['/sync/deploy/confirmation'] = [() => new Promise<TestResponse>((resolve) => setTimeout(() => resolve({ status: 200, body: PLAN }), 3000))];
        const client = api(server.url, [], 100);
        const error = await failure(client.preview('{}'));
        await client.close();
        expect(error.code).toBe('PLATFORM_TIMEOUT');
        expect(error.hint).toContain('Nothing was deployed.');
    });
});
