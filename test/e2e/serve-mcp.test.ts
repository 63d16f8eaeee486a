/**
 * POST /mcp on `ferry serve`, driven by the MCP SDK's own Streamable HTTP client as an agent would
 * use Nango's endpoint: the secret key, `connection-id` and `provider-config-key` headers; the
 * integration's deployed actions as tools (an action whose input is not an object is left out);
 * a call runs the action on that connection through the local proxy and returns its output as
 * text; a failed run is an error; without a known connection or key there is no session.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeProvider, type FakeProvider } from '../support/fake-provider.js';
import type { ServeProcess } from '../support/serve.js';
import { runLocal, serveFixtureProject } from '../support/serve-project.js';

const TOKEN = 'ghp_serve_mcp_token_5d0e';

describe('POST /mcp on ferry serve', () => {
    let root: string;
    let cleanup: () => Promise<void>;
    let serve: ServeProcess;
    let provider: FakeProvider;

    const connect = async (headers: Record<string, string>): Promise<Client> => {
        const client = new Client({ name: 'ferry-e2e-agent', version: '1.0.0' });
        await client.connect(new StreamableHTTPClientTransport(new URL(`${serve.url}/mcp`), { requestInit: { headers } }));
        return client;
    };
    const headers = (): Record<string, string> => ({ Authorization: `Bearer ${serve.secretKey}`, 'connection-id': 'conn-1', 'provider-config-key': 'github' });

    beforeAll(async () => {
        provider = await startFakeProvider({ token: `Bearer ${TOKEN}` });
        ({ root, cleanup, serve } = await serveFixtureProject('serve-mcp'));
        await runLocal(root, [
            ['integrations', 'create', 'github', '--provider', 'github', '--base-url', provider.url],
            ['connections', 'create', 'github', 'conn-1', '--token', TOKEN],
            ['deploy', '--auto-confirm', '--json']
        ]);
    }, 180_000);
    afterAll(async () => {
        expect(await serve?.stop()).toBe(0);
        await provider?.close();
        await cleanup?.();
    });

    it('lists the deployed actions with an object input as tools, and runs one on the connection', async () => {
        const client = await connect(headers());
        try {
            const { tools } = await client.listTools();
            expect(tools.map((t) => t.name).sort()).toEqual(['refuse', 'whoami']);
            expect(tools.find((t) => t.name === 'whoami')).toMatchObject({ description: 'Who the token belongs to', inputSchema: { type: 'object', properties: { note: { type: 'string' } } } });
            expect(tools.find((t) => t.name === 'refuse')!.inputSchema).toMatchObject({ type: 'object', required: ['reason'] });

            const result = await client.callTool({ name: 'whoami', arguments: { note: 'from an agent' } });
            expect(result.isError).toBeFalsy();
            const text = (result.content as { type: string; text: string }[])[0]!;
            expect(text.type).toBe('text');
            expect(JSON.parse(text.text)).toEqual({ login: 'octocat', connection: 'conn-1', note: 'from an agent' });
            expect(text.text).toBe(JSON.stringify({ login: 'octocat', connection: 'conn-1', note: 'from an agent' }, null, 2));
            // The provider saw the connection's token, added by the server's /proxy.
            expect(provider.requests.at(-1)!.headers['authorization']).toBe(`Bearer ${TOKEN}`);

            await expect(client.callTool({ name: 'refuse', arguments: { reason: 'not today' } })).rejects.toThrow(/action_script_failure.*not today/);
            await expect(client.callTool({ name: 'by-name', arguments: {} })).rejects.toThrow(/Action by-name not found/);
        } finally {
            await client.close();
        }
    }, 120_000);

    it('answers nothing without the key or for an unknown connection, and refuses GET', async () => {
        await expect(connect({ ...headers(), Authorization: '' })).rejects.toThrow();
        const unknown = await serve.api('POST', '/mcp', { jsonrpc: '2.0', id: 1, method: 'tools/list' }, { 'connection-id': 'nobody', 'provider-config-key': 'github', accept: 'application/json, text/event-stream' });
        expect(unknown.status).toBe(400);
        expect(unknown.body).toEqual({ error: { code: 'unknown_connection', message: 'Provided connection-id and provider-config-key do not match a valid connection' } });
        const noHeaders = await serve.api('POST', '/mcp', { jsonrpc: '2.0', id: 1, method: 'tools/list' });
        expect(noHeaders.status).toBe(400);
        expect(noHeaders.body.error.code).toBe('invalid_headers');
        const get = await serve.api('GET', '/mcp');
        expect(get.status).toBe(405);
        expect(get.body).toEqual({ jsonrpc: '2.0', error: { code: -32000, message: 'Method not allowed.' }, id: null });
        expect(serve.stderr()).not.toContain(TOKEN);
    });
});
