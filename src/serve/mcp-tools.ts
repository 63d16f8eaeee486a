/**
 * The MCP server behind POST /mcp: one per request (the transport is stateless), listing the
 * integration's deployed actions as tools and running them on the request's connection. As
 * Nango's: a tool is an action whose input schema is an object (or that takes none: its input
 * is then `{}`); others are left out. The output comes back as indented JSON text; a failed run
 * is a JSON-RPC error whose message is the failure's JSON.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { CallToolRequestSchema, ListToolsRequestSchema, type CallToolResult, type Tool } from '@modelcontextprotocol/sdk/types.js';
import { VERSION } from '../version.js';
import type { ServeContext } from './context.js';
import { listFunctions, type FunctionRow } from './functions-store.js';

interface Target {
    connectionId: string;
    providerConfigKey: string;
}

type JsonSchema = { type?: unknown; properties?: Record<string, object>; required?: string[]; description?: string };

/** The tool an action is, or undefined when its input is not an object. */
export function actionTool(action: Pick<FunctionRow, 'name' | 'config'>): Tool | undefined {
    const config = action.config as { input?: unknown; metadata?: { description?: string }; models_json_schema?: { definitions?: Record<string, JsonSchema> } };
    let input = typeof config.input === 'string' ? config.models_json_schema?.definitions?.[config.input] : undefined;
    if (input?.type === 'null') input = undefined;
    if (input && input.type !== 'object') return undefined;
    return {
        name: action.name,
        description: config.metadata?.description || action.name,
        inputSchema: { type: 'object', properties: input?.properties, required: input?.required, description: input?.description }
    };
}

export async function serveConnectionTools(ctx: ServeContext, target: Target, req: IncomingMessage, res: ServerResponse, body: unknown): Promise<void> {
    const actions = (await listFunctions(ctx.storage)).filter((fn) => fn.type === 'action' && fn.provider_config_key === target.providerConfigKey);
    const tools = actions.flatMap((action) => actionTool(action) ?? []);
    const server = new Server({ name: 'Ferry connection tools MCP server', version: VERSION }, { capabilities: { tools: {} } });
    server.setRequestHandler(ListToolsRequestSchema, () => ({ tools }));
    server.setRequestHandler(CallToolRequestSchema, async (request): Promise<CallToolResult> => {
        const { name, arguments: input } = request.params;
        if (!tools.some((tool) => tool.name === name)) throw new Error(`Action ${name} not found`);
        const output = await trigger(ctx, target, name, input ?? {});
        return { content: [{ type: 'text', text: JSON.stringify(output, null, 2) }] };
    });
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined });
    res.on('close', () => {
        void transport.close();
        void server.close();
    });
    await server.connect(transport);
    await transport.handleRequest(req, res, body);
}

/** Runs the action as POST /action/trigger does (the same route, on this server). */
async function trigger(ctx: ServeContext, target: Target, actionName: string, input: unknown): Promise<unknown> {
    const response = await fetch(`${ctx.url}/action/trigger`, {
        method: 'POST',
        headers: { authorization: `Bearer ${ctx.secretKey}`, 'content-type': 'application/json', 'connection-id': target.connectionId, 'provider-config-key': target.providerConfigKey },
        body: JSON.stringify({ action_name: actionName, input })
    });
    const answer: unknown = await response.json().catch(() => null);
    if (response.ok) return answer;
    throw new Error(JSON.stringify((answer as { error?: unknown } | null)?.error ?? answer ?? { status: response.status }));
}
