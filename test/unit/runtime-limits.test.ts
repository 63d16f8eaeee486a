// The run's resource limits: binary data counts toward the worker's memory limit, a provider answer
// is read up to a size bound (once, never retried), and --timeout has a default, a way to turn it
// off and a ceiling Node's timers can hold.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_TIMEOUT_MS, parseTimeoutFlag } from '../../src/dryrun/args.js';
import { createProxyTransport } from '../../src/dryrun/proxy-transport.js';
import { ExitCode } from '../../src/errors.js';
import { PlatformClient } from '../../src/platform/client.js';
import { createSandbox } from '../../src/runtime/sandbox.js';
import { fakeClock, useRuntimeProject } from './runtime-support.js';

const GB4 = '4 * 1024 ** 3';

const FILES: Record<string, string> = {
    'github/actions/alloc.ts': `
import { createAction } from 'nango';
import { z } from 'zod';
import * as nodeCrypto from 'crypto';
export default createAction({
    description: 'allocates what it is told',
    input: z.object({ how: z.string() }),
    output: z.object({ bytes: z.number() }),
    exec: async (_nango, input) => {
        const ways: Record<string, () => { byteLength: number }> = {
            typed: () => new Uint8Array(${GB4}),
            arrayBuffer: () => new ArrayBuffer(${GB4}),
            buffer: () => Buffer.alloc(${GB4}),
            bufferUnsafe: () => Buffer.allocUnsafe(${GB4}),
            float64: () => new Float64Array(${GB4} / 8),
            threadRealm: () => new ((_nango as any).get.constructor('return Uint8Array')())(${GB4}),
            viaPrototype: () => new (Object.getPrototypeOf(Buffer.prototype).constructor)(${GB4}),
            randomBytes: () => nodeCrypto.randomBytes(2 ** 31 - 1),
            resize: () => { const b = new (ArrayBuffer as any)(8, { maxByteLength: ${GB4} }); b.resize(${GB4}); return b; },
            small: () => { let last = new Uint8Array(1); for (let i = 0; i < 24; i++) last = new Uint8Array(64 * 1024 * 1024); return last; }
        };
        return { bytes: ways[input.how]!().byteLength };
    }
});
`,
    'github/actions/hoard.ts': `
import { createAction } from 'nango';
import { z } from 'zod';
export default createAction({
    description: 'keeps everything it makes, in one of the shapes that fill a heap',
    input: z.object({ how: z.string() }),
    output: z.object({ kept: z.number() }),
    exec: async (_nango, input) => {
        const kept: unknown[] = [];
        if (input.how === 'promises') {
            let chain: Promise<unknown> = Promise.resolve();
            for (let i = 0; ; i++) {
                chain = chain.then(() => i);
                kept.push(chain);
                if (i % 100000 === 0) await null;
            }
        }
        for (;;) kept.push({ at: kept.length, text: 'record ' + kept.length });
    }
});
`,
    'github/actions/quits.ts': `
import { createAction } from 'nango';
import { z } from 'zod';
export default createAction({
    description: 'reaches the process through the nango object and ends it',
    input: z.object({}),
    output: z.object({}),
    exec: async (nango) => {
        const proc = (nango.get as any).constructor.constructor('return process')();
        proc.exit(3);
        return {};
    }
});
`,
    'github/actions/big-answer.ts': `
import { createAction } from 'nango';
import { z } from 'zod';
export default createAction({
    description: 'asks for a huge answer and catches what fails',
    input: z.object({ path: z.string() }),
    output: z.object({ caught: z.string() }),
    exec: async (nango, input) => {
        try {
            await nango.get({ endpoint: input.path, retries: 3 });
            return { caught: 'nothing' };
        } catch (error) {
            return { caught: String((error as Error).message) };
        }
    }
});
`
};

describe('binary data in a run', () => {
    const project = useRuntimeProject('ferry-runtime-limits-', FILES);

    it('refuses a 4 GB allocation, whichever constructor asks, and the worker goes on', async () => {
        for (const how of ['typed', 'arrayBuffer', 'buffer', 'bufferUnsafe', 'float64', 'threadRealm', 'viaPrototype', 'resize', 'randomBytes']) {
            const result = await project.run('github/alloc', { input: { how } });
            expect(result.error?.kind, how).toBe('exception');
            expect(result.error?.message, how).toMatch(/^RangeError: out of memory: (4096|2048) MB of binary data \(ArrayBuffer, typed array, Buffer\) was asked for with \d+ MB in use, past the run's limit of 2048 MB; work on the data in smaller pieces$/);
        }
        const fine = await project.run('github/alloc', { input: { how: 'small' } });
        expect(fine.error).toBeUndefined();
        expect(fine.output).toEqual({ bytes: 64 * 1024 * 1024 });
    });
});

describe('a run that fills its heap or ends its process', () => {
    const project = useRuntimeProject('ferry-runtime-heap-', FILES);

    it('fails alone as out_of_memory, naming the limit, and the next run gets a fresh worker', async () => {
        const sandbox = createSandbox({ maxHeapMb: 64 });
        try {
            for (const how of ['objects', 'promises']) {
                const result = await project.run('github/hoard', { input: { how }, sandbox, timeoutMs: 60_000 });
                expect(result.error, how).toEqual({ kind: 'out_of_memory', message: 'the function ran out of memory (its limit is 64 MB) and was stopped' });
            }
            const fine = await project.run('github/alloc', { input: { how: 'small' }, sandbox: project.sandbox });
            expect(fine.error).toBeUndefined();
        } finally {
            await sandbox.close();
        }
    });

    it('that calls process.exit fails as the function\'s own error, not the runtime\'s, and the next run works', async () => {
        const result = await project.run('github/quits', { input: {} });
        expect(result.error).toEqual({ kind: 'exception', message: 'the function ended the process it runs in (exit code 3): return from exec, or throw an error, instead of calling process.exit' });
        const fine = await project.run('github/alloc', { input: { how: 'small' } });
        expect(fine.error).toBeUndefined();
    });
});

describe('a provider answer past the size bound', () => {
    const project = useRuntimeProject('ferry-runtime-body-', FILES);
    let server: Server;
    let url: string;
    const hits: string[] = [];

    beforeAll(async () => {
        server = createServer((req, res) => {
            hits.push(req.url ?? '');
            const chunk = Buffer.alloc(64 * 1024, 'x');
            if (req.url?.includes('/declared')) res.writeHead(200, { 'content-type': 'text/plain', 'content-length': String(4 * 1024 * 1024) });
            else if (req.url?.includes('/small')) return res.end('{"ok":true}');
            else res.writeHead(200, { 'content-type': 'text/plain' });
            // Streams 4 MB, chunk by chunk, unless the client hangs up first.
            let sent = 0;
            const more = (): void => {
                while (sent < 64) {
                    sent++;
                    if (!res.write(chunk)) return void res.once('drain', more);
                }
                res.end();
            };
            res.on('error', () => undefined);
            more();
        });
        await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
        url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

    const transport = () =>
        createProxyTransport({
            client: new PlatformClient({ host: url, secretKey: 'sk-limits-test-0000', exitCode: ExitCode.Dryrun }),
            connection: { connection_id: 'conn-1', provider_config_key: 'github' },
            maxBodyBytes: 1024 * 1024
        });

    it('fails the run with one error about the size, asked for once even with retries, declared or streamed', async () => {
        for (const path of ['/declared', '/streamed']) {
            const before = hits.length;
            const result = await project.run('github/big-answer', { input: { path }, transport: transport(), retry: { clock: fakeClock() } });
            expect(hits.length - before, path).toBe(1);
            expect(result.ok).toBe(false);
            expect(result.error?.kind).toBe('http');
            expect(result.error?.message).toBe(
                `GET ${path}: the provider's answer is larger than 1 MB, more than a dry run reads for one request; ask for less per request (a smaller page size, fewer fields, a shorter date range)`
            );
            expect(result.requests).toHaveLength(1);
        }
    });

    it('reads an answer under the bound as usual', async () => {
        const result = await project.run('github/big-answer', { input: { path: '/small' }, transport: transport() });
        expect(result.output).toEqual({ caught: 'nothing' });
    });
});

describe('--timeout', () => {
    it('defaults to 15 minutes, is off with 0, and refuses what Node cannot time', () => {
        expect(parseTimeoutFlag('--timeout', undefined)).toBe(DEFAULT_TIMEOUT_MS);
        expect(DEFAULT_TIMEOUT_MS).toBe(15 * 60_000);
        expect(parseTimeoutFlag('--timeout', '0')).toBeUndefined();
        expect(parseTimeoutFlag('--timeout', '24d')).toBe(24 * 86_400_000);
        expect(() => parseTimeoutFlag('--timeout', '25d')).toThrow("--timeout: '25d' is longer than a run can be timed (at most 24 days)");
        expect(() => parseTimeoutFlag('--timeout', '9999999999')).toThrow(/longer than a run can be timed/);
    });
});
