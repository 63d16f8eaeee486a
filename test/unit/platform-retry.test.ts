import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExitCode, FerryError } from '../../src/errors.js';
import { PlatformClient } from '../../src/platform/client.js';
import { fetchConnection } from '../../src/platform/connections.js';

/** Answers GET /connections/<id> from a script per id: each entry is one answer, the last repeats. */
describe('platform lookups retry what is worth retrying', () => {
    let server: Server;
    let host: string;
    const seen: string[] = [];
    const scripts: Record<string, { status: number; headers?: Record<string, string> }[]> = {
        'flaky-503': [{ status: 503 }, { status: 200 }],
        'rate-limited-once': [{ status: 429, headers: { 'retry-after': '0' } }, { status: 200 }],
        'rate-limited': [{ status: 429, headers: { 'retry-after': '0' } }],
        'come-back-later': [{ status: 429, headers: { 'retry-after': '60' } }],
        missing: [{ status: 404 }],
        'bad-request': [{ status: 400 }]
    };

    beforeAll(async () => {
        server = createServer((req, res) => {
            const id = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname.split('/').pop() ?? '');
            seen.push(id);
            const script = scripts[id] ?? [{ status: 404 }];
            const answer = script[Math.min(seen.filter((s) => s === id).length - 1, script.length - 1)]!;
            const body = answer.status === 200 ? JSON.stringify({ connection_id: id, provider_config_key: 'github', provider: 'github', metadata: null }) : JSON.stringify({ error: { message: `status ${answer.status}` } });
            res.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers }).end(body);
        });
        await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
        host = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

    const lookup = async (connectionId: string, to = host) => {
        const client = new PlatformClient({ host: to, secretKey: 'sk-retry-test', exitCode: ExitCode.Dryrun, keyVariable: 'NANGO_SECRET_KEY_DEV' });
        try {
            return (await fetchConnection(client, { connectionId, integration: 'github', environment: 'dev', exitCode: ExitCode.Dryrun })).value;
        } finally {
            await client.close();
        }
    };
    const failure = async (connectionId: string, to = host): Promise<FerryError> => {
        const error = await lookup(connectionId, to).then(
            () => undefined,
            (e: unknown) => e
        );
        expect(error).toBeInstanceOf(FerryError);
        return error as FerryError;
    };
    const triesOf = (id: string): number => seen.filter((s) => s === id).length;

    it('tries again after a 503 and after a 429, waiting what Retry-After asks', async () => {
        expect((await lookup('flaky-503')).connection_id).toBe('flaky-503');
        expect(triesOf('flaky-503')).toBe(2);
        expect((await lookup('rate-limited-once')).connection_id).toBe('rate-limited-once');
        expect(triesOf('rate-limited-once')).toBe(2);
    });

    it('gives up after three tries with a rate-limit error that says when to come back', async () => {
        const error = await failure('rate-limited');
        expect(triesOf('rate-limited')).toBe(3);
        expect(error.code).toBe('PLATFORM_RATE_LIMITED');
        expect(error.exitCode).toBe(ExitCode.Dryrun);
        expect(error.hint).toBe('Too many requests with this key for now: try again in 0 s.');
        expect(error.details).toMatchObject({ status: 429, retryAfterMs: 0 });
    });

    it('does not retry early when the platform asks for a longer wait than a lookup may take', async () => {
        const error = await failure('come-back-later');
        expect(triesOf('come-back-later')).toBe(1);
        expect(error.code).toBe('PLATFORM_RATE_LIMITED');
        expect(error.hint).toBe('Too many requests with this key for now: try again in 60 s.');
    });

    it('does not retry an answer that will not change, nor a refused connection', async () => {
        expect((await failure('missing')).code).toBe('CONNECTION_NOT_FOUND');
        expect(triesOf('missing')).toBe(1);
        expect((await failure('bad-request')).code).toBe('PLATFORM_REQUEST_REJECTED');
        expect(triesOf('bad-request')).toBe(1);
        // Port 9 (discard) is closed on 127.0.0.1: refused at once, reported at once.
        const refused = await failure('any', 'http://127.0.0.1:9');
        expect(refused.code).toBe('PLATFORM_UNREACHABLE');
        expect(refused.details).toMatchObject({ networkCode: 'ECONNREFUSED' });
    });
});
