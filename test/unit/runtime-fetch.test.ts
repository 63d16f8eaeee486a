// uncontrolledFetch live: the main thread's direct fetch (redirects, bodies as a fixture keeps
// them) and the refusal of the machine's own networks, which reaches the function as Nango's
// ActionError. A stand-in server on 127.0.0.1 is reached only with the tests-only opt-out.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDirectFetchTransport, FetchRefusedError, isBlockedAddress } from '../../src/runtime/direct-fetch.js';
import { useRuntimeProject } from './runtime-support.js';

let server: Server;
let base: string;

beforeAll(async () => {
    server = createServer((req, res) => {
        const url = new URL(req.url ?? '/', 'http://x');
        if (url.pathname === '/json') return void res.writeHead(200, { 'content-type': 'application/json' }).end('{"rows":[1]}');
        if (url.pathname === '/csv') return void res.writeHead(200, { 'content-type': 'text/csv' }).end('a,b\n1,2');
        if (url.pathname === '/bin') return void res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(Buffer.from([0, 255]));
        if (url.pathname === '/moved') return void res.writeHead(303, { location: '/echo' }).end();
        if (url.pathname === '/loop') return void res.writeHead(302, { location: '/loop' }).end();
        let body = '';
        req.on('data', (chunk) => (body += chunk));
        req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ method: req.method, body, trace: req.headers['x-trace'] ?? null })));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
});

describe('the direct fetch of a live dry run', () => {
    it('knows the addresses of the machine own networks', () => {
        for (const address of ['127.0.0.1', '10.1.2.3', '172.16.0.1', '192.168.1.1', '169.254.169.254', '0.0.0.0', '100.64.0.1', '::1', '::', 'fd00::1', 'fe80::1', '::ffff:127.0.0.1', '[::1]']) {
            expect(isBlockedAddress(address), address).toBe(true);
        }
        for (const address of ['8.8.8.8', '172.32.0.1', '2606:4700::1111', 'example.com']) expect(isBlockedAddress(address), address).toBe(false);
    });

    it('refuses local hosts before anything is sent, as Nango does', async () => {
        const transport = createDirectFetchTransport();
        for (const url of [`${base}/json`, 'http://localhost/x', 'http://[::1]/x', 'http://metadata.google.internal/x', 'http://169.254.169.254/latest']) {
            const error = await transport.send({ method: 'GET', endpoint: url }).catch((e: unknown) => e);
            expect(error, url).toBeInstanceOf(FetchRefusedError);
            expect((error as FetchRefusedError).refusal).toEqual({ code: 'url_not_allowed', message: 'This URL is not allowed by server configuration.' });
        }
    });

    it('keeps JSON and text readable, bytes as bytes, follows redirects and stops a loop', async () => {
        const transport = createDirectFetchTransport({ allowPrivateNetwork: true });
        expect((await transport.send({ method: 'GET', endpoint: `${base}/json` })).data).toEqual({ rows: [1] });
        expect((await transport.send({ method: 'GET', endpoint: `${base}/csv` })).data).toBe('a,b\n1,2');
        expect((await transport.send({ method: 'GET', endpoint: `${base}/bin` })).data).toEqual(new Uint8Array([0, 255]));
        const moved = await transport.send({ method: 'POST', endpoint: `${base}/moved`, data: 'x=1', headers: { 'x-trace': 't' } });
        expect(moved.data).toEqual({ method: 'GET', body: '', trace: 't' });
        const posted = await transport.send({ method: 'POST', endpoint: `${base}/echo`, data: 'x=1' });
        expect(posted.data).toMatchObject({ method: 'POST', body: 'x=1' });
        const loop = await transport.send({ method: 'GET', endpoint: `${base}/loop` }).catch((e: unknown) => e);
        expect((loop as FetchRefusedError).refusal?.code).toBe('too_many_redirects');
    });
});

const project = useRuntimeProject('ferry-runtime-fetch-', {
    'github/actions/local.ts': `
import { createAction } from 'nango';
import { z } from 'zod';
export default createAction({
    description: 'fetches a local URL', input: z.object({ url: z.string() }), output: z.any(),
    exec: async (nango, input) => {
        try { await nango.uncontrolledFetch({ url: new URL(input.url) }); return 'fetched'; }
        catch (e: any) { return { isActionError: e instanceof nango.ActionError, type: e.type, payload: e.payload }; }
    }
});
`
});

describe('uncontrolledFetch to a refused URL', () => {
    it('throws an ActionError the function can catch, and sends nothing', async () => {
        const result = await project.run('github/local', { input: { url: `${base}/json` }, fetchTransport: createDirectFetchTransport() });
        expect(result.error).toBeUndefined();
        expect(result.output).toEqual({ isActionError: true, type: 'action_error', payload: { code: 'url_not_allowed', message: 'This URL is not allowed by server configuration.' } });
        expect(result.requests).toEqual([expect.objectContaining({ method: 'GET', status: 0 })]);
    });
});
