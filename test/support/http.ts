/** Real HTTP servers on 127.0.0.1 for end-to-end tests: fake platforms and fake providers build on this. */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface TestRequest {
    method: string;
    path: string;
    query: URLSearchParams;
    headers: IncomingMessage['headers'];
    body: Buffer;
    json<T = unknown>(): T;
}

export interface TestResponse {
    status?: number;
    headers?: Record<string, string>;
    body?: unknown;
}

export type Handler = (req: TestRequest, res: ServerResponse) => Promise<TestResponse | void> | TestResponse | void;

export interface TestServer {
    url: string;
    port: number;
    server: Server;
    /** Every request received, in order. */
    requests: TestRequest[];
    close(): Promise<void>;
}

export async function startServer(handler: Handler): Promise<TestServer> {
    const requests: TestRequest[] = [];
    const server = createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on('data', (c: Buffer) => chunks.push(c));
        req.on('end', () => {
            const url = new URL(req.url ?? '/', 'http://127.0.0.1');
            const body = Buffer.concat(chunks);
            const testRequest: TestRequest = {
                method: req.method ?? 'GET',
                path: url.pathname,
                query: url.searchParams,
                headers: req.headers,
                body,
                json: <T>() => JSON.parse(body.toString('utf8') || 'null') as T
            };
            requests.push(testRequest);
            Promise.resolve()
                .then(() => handler(testRequest, res))
                .then((answer) => {
                    if (res.writableEnded || res.headersSent) return;
                    const reply = answer ?? { status: 404, body: { error: { message: `no route for ${testRequest.method} ${testRequest.path}` } } };
                    const isBuffer = Buffer.isBuffer(reply.body);
                    const payload = isBuffer ? (reply.body as Buffer) : reply.body === undefined ? '' : JSON.stringify(reply.body);
                    res.writeHead(reply.status ?? 200, {
                        ...(isBuffer || reply.body === undefined ? {} : { 'content-type': 'application/json' }),
                        ...reply.headers
                    });
                    res.end(payload);
                })
                .catch((error: unknown) => {
                    if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
                    res.end(JSON.stringify({ error: { message: String((error as Error)?.message ?? error) } }));
                });
        });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    return {
        url: `http://127.0.0.1:${port}`,
        port,
        server,
        requests,
        close: () =>
            new Promise<void>((resolve) => {
                server.closeAllConnections();
                server.close(() => resolve());
            })
    };
}
