import { isFatalTransportError } from '../../src/runtime/http-client.js';
import { describe, expect, it } from 'vitest';
import { requestHash, type Fixture } from '../../src/runtime/fixture.js';
import { nangoRequestHash, ReplayTransport, splitEndpoint, UnrecordedRequestError } from '../../src/testing/replay-transport.js';

const page = (n: number, next?: string) => ({
    response: { items: [{ id: String(n) }], next },
    status: 200,
    headers: { 'x-page': String(n) },
    request: { params: n === 1 ? {} : { cursor: `c${n}` } }
});

describe('ReplayTransport', () => {
    it('answers paginated calls to one endpoint by their params, whatever order they come in', async () => {
        const fixture: Fixture = { api: { get: { '/items': [page(1, 'c2'), page(2, 'c3'), page(3)] } } };
        const transport = new ReplayTransport(fixture);
        const third = await transport.send({ method: 'GET', endpoint: '/items', params: { cursor: 'c3' } });
        const first = await transport.send({ method: 'GET', endpoint: '/items' });
        const second = await transport.send({ method: 'GET', endpoint: 'items', params: { cursor: 'c2' } });
        expect([first, second, third].map((r) => r.headers['x-page'])).toEqual(['1', '2', '3']);
        expect(third).toEqual({ status: 200, headers: { 'x-page': '3' }, data: { items: [{ id: '3' }], next: undefined } });
        expect(transport.misses).toEqual([]);
    });

    it('matches by Ferry request hash, including headers and body', async () => {
        const request = { method: 'POST' as const, endpoint: '/search', params: { q: 'x' }, headers: { 'x-mode': 'a' }, data: { term: 'x' } };
        const other = { ...request, headers: { 'x-mode': 'b' } };
        const fixture: Fixture = {
            api: {
                post: {
                    '/search': [
                        { response: 'A', hash: requestHash(request) },
                        { response: 'B', hash: requestHash(other) }
                    ]
                }
            }
        };
        const transport = new ReplayTransport(fixture);
        expect((await transport.send(other)).data).toBe('B');
        expect((await transport.send(request)).data).toBe('A');
    });

    it("matches by the hash Nango's CLI writes", async () => {
        const hash = nangoRequestHash('GET', '/v1/users', { limit: '10' }, {}, undefined);
        const fixture: Fixture = { api: { get: { '/v1/users': [{ response: 'wrong', hash: 'f'.repeat(40) }, { response: 'right', hash }] } } };
        const transport = new ReplayTransport(fixture);
        expect((await transport.send({ method: 'GET', endpoint: '/v1/users', params: { limit: 10 } })).data).toBe('right');
    });

    it("computes the same hashes as fixtures recorded by Nango's CLI", () => {
        // Values from published Nango templates: GET /clients and GET /blocks without params.
        expect(nangoRequestHash('GET', '/clients', {}, { authorization: 'Bearer x', 'Content-Type': 'application/json' }, undefined)).toBe('c88d7bb412a0e03384f5904a86066984b2318c14');
        expect(nangoRequestHash('get', '/blocks', {}, {}, undefined)).toBe('dec1e9ca9b9f98963caa9b76b212cceff3bb2e03');
    });

    it('replays entries without request details in recorded order, then repeats the last', async () => {
        const fixture: Fixture = { api: { get: { '/poll': [{ response: 1 }, { response: 2 }] } } };
        const transport = new ReplayTransport(fixture);
        const answers = [];
        for (let i = 0; i < 3; i++) answers.push((await transport.send({ method: 'GET', endpoint: '/poll' })).data);
        expect(answers).toEqual([1, 2, 2]);
    });

    it('a single recorded entry with an empty request answers a request without params', async () => {
        const fixture: Fixture = { api: { get: { '/clients': { response: [{ id: 1 }], status: 200, headers: {}, hash: 'c88d7bb412a0e03384f5904a86066984b2318c14', request: {} } } } };
        const transport = new ReplayTransport(fixture);
        expect((await transport.send({ method: 'GET', endpoint: '/clients' })).data).toEqual([{ id: 1 }]);
        expect((await transport.send({ method: 'GET', endpoint: '/clients' })).data).toEqual([{ id: 1 }]);
    });

    it('fails an unrecorded request naming method, endpoint, params and the closest recorded request', async () => {
        const fixture: Fixture = { api: { get: { '/repos/o/r/issues': [page(1), page(2)], '/user': { response: {} } } } };
        const transport = new ReplayTransport(fixture);
        const error = await transport.send({ method: 'GET', endpoint: '/repos/o/r/issues', params: { cursor: 'c9' } }).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(UnrecordedRequestError);
        // Fatal to the runtime: a function asking for `retries` must not replay the miss again and again.
        expect(isFatalTransportError(error)).toBe(true);
        const message = (error as Error).message;
        expect(message).toBe('unrecorded request GET /repos/o/r/issues with params {"cursor":"c9"}; the closest recorded request is GET /repos/o/r/issues, which differs in param cursor: sent "c9", recorded "c2"');
        expect(transport.misses).toHaveLength(1);
        expect(transport.misses[0]).toMatchObject({ method: 'GET', endpoint: '/repos/o/r/issues', params: { cursor: 'c9' }, closest: { endpoint: '/repos/o/r/issues' } });
    });

    it('suggests the nearest endpoint when the endpoint itself was never called', async () => {
        const transport = new ReplayTransport({ api: { get: { '/repos/o/r/issues': { response: [] }, '/orgs': { response: [] } } } });
        await expect(transport.send({ method: 'DELETE', endpoint: '/repos/o/r/issue' })).rejects.toThrow(
            'unrecorded request DELETE /repos/o/r/issue with no params; the closest recorded request is GET /repos/o/r/issues, which differs in method: sent DELETE, recorded GET; path: sent /repos/o/r/issue, recorded /repos/o/r/issues'
        );
        const empty = new ReplayTransport({});
        await expect(empty.send({ method: 'GET', endpoint: '/x' })).rejects.toThrow('the fixture records no request at all');
    });

    it('says what differs when the closest recorded request has the same method, path and params', async () => {
        const recorded = { response: { id: 1 }, request: { headers: { 'x-api-version': '2' }, data: { title: 'A', labels: ['bug'] } } };
        const transport = new ReplayTransport({ api: { post: { '/issues': recorded } } });
        const error = (await transport.send({ method: 'POST', endpoint: '/issues', headers: { 'X-Api-Version': '3', authorization: 'Bearer t' }, data: { title: 'B', labels: ['bug'] } }).catch((e: unknown) => e)) as Error;
        expect(error.message).toBe(
            'unrecorded request POST /issues with no params; the closest recorded request is POST /issues, which differs in header x-api-version: sent "3", recorded "2"; body field title: sent "B", recorded "A"'
        );
        // A JSON string body and the object it encodes are the same body; a field only one side has is named.
        const textBody = (await transport.send({ method: 'POST', endpoint: '/issues', data: '{"title":"A"}' }).catch((e: unknown) => e)) as Error;
        expect(textBody.message).toContain('body field labels recorded (["bug"]) but not sent');
    });

    it('among recorded requests alike but for their body, names the one with the same body as closest', async () => {
        const entry = (title: string, labels: string[]) => ({ response: {}, request: { data: { title, labels } } });
        const transport = new ReplayTransport({ api: { post: { '/issues': [entry('A', ['x']), entry('B', ['y'])] } } });
        const error = (await transport.send({ method: 'POST', endpoint: '/issues', data: { title: 'B', labels: ['z'] } }).catch((e: unknown) => e)) as Error;
        expect(error.message).toContain('which differs in body field labels[0]: sent "z", recorded "y"');
    });

    it('accepts upper-case method keys in hand-written fixtures', async () => {
        const transport = new ReplayTransport({ api: { GET: { '/x': { response: 'ok' } } } });
        expect((await transport.send({ method: 'GET', endpoint: '/x' })).data).toBe('ok');
    });

    it('treats a query string in the endpoint as params', () => {
        expect(splitEndpoint('items?page=2&tag=a&tag=b', { limit: 5 })).toEqual({ endpoint: '/items', params: { limit: '5', page: '2', tag: ['a', 'b'] } });
    });
});
