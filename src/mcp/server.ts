/**
 * The MCP server of `ferry mcp`: the tools (the commands' domain functions with JSON-Schema'd
 * inputs and the commands' --json documents as structured results) and the guidance resources.
 * Transport-free: src/mcp/stdio.ts connects it to stdin/stdout, tests to whatever they like.
 */
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { findProjectRoot } from '../project/project.js';
import { VERSION } from '../version.js';
import { OUTPUT_SCHEMAS } from './output-schemas.js';
import { progressOf, type ToolExtra } from './progress.js';
import { AGENTS_URI, agentsGuidance, SDK_REFERENCE_URI, sdkReference } from './resources.js';
import { documentResult, errorDocument, projectRedactor } from './results.js';
import type { ToolContext, ToolSpec } from './tool.js';
import { BUILD_TOOLS } from './tools-build.js';
import { RUN_TOOLS } from './tools-run.js';
import { warmPool, type WarmPool } from './warm-pool.js';

export interface FerryMcpOptions {
    cwd: string;
    env: NodeJS.ProcessEnv;
    allowDeploy: boolean;
    /** Each call with its duration and exit code (`--debug`); free when absent. */
    debug?: (message: () => string) => void;
}

const TOOLS: readonly ToolSpec[] = [...BUILD_TOOLS, ...RUN_TOOLS];

const INSTRUCTIONS = [
    'Ferry builds, runs and tests integration functions (syncs, actions, on-event handlers) of the functions project this server was started in.',
    'The loop: list_functions or generate; edit the file; compile until ok; dryrun against a connection (save: true records a fixture); test.',
    `Read ${AGENTS_URI} first (layout, examples, rules) and ${SDK_REFERENCE_URI} for the whole SDK.`,
    'Every result carries exitCode, the exit code of the same command; 0 is success. Deploys are plans only unless the user started the server with --allow-deploy.'
].join(' ');

interface FerryMcpServer {
    server: McpServer;
    /** Closes the server and stops the sandboxes it kept warm. */
    close(): Promise<void>;
}

export function createFerryMcpServer(options: FerryMcpOptions): FerryMcpServer {
    const server = new McpServer({ name: 'ferry', version: VERSION }, { capabilities: { tools: {}, resources: {} }, instructions: INSTRUCTIONS });
    const pool = warmPool();
    for (const tool of TOOLS) registerTool(server, tool, options, pool);
    server.registerResource('agents', AGENTS_URI, { title: 'AGENTS.md', description: "How this project works, for coding agents: layout, function types, the loop, what never to do", mimeType: 'text/markdown' }, async (uri) => ({
        contents: [{ uri: uri.href, mimeType: 'text/markdown', text: await agentsGuidance(options.cwd) }]
    }));
    server.registerResource('sdk-reference', SDK_REFERENCE_URI, { title: 'SDK reference', description: 'createSync, createAction, createOnEvent and every member of the nango object, with what dryrun and test do with each', mimeType: 'text/markdown' }, async (uri) => ({
        contents: [{ uri: uri.href, mimeType: 'text/markdown', text: await sdkReference() }]
    }));
    return {
        server,
        close: async () => {
            await server.close();
            await pool.close();
        }
    };
}

function registerTool(server: McpServer, tool: ToolSpec, options: FerryMcpOptions, pool: WarmPool): void {
    const handler = async (args: Record<string, unknown>, extra: ToolExtra): Promise<CallToolResult> => {
        const progress = progressOf(extra);
        const ctx: ToolContext = { cwd: options.cwd, env: options.env, allowDeploy: options.allowDeploy, progress: progress.report, signal: extra.signal, sandboxPool: pool.get };
        // Read per call: the key may have been added to .env since the last one.
        const redactor = projectRedactor(rootOf(options.cwd), options.env);
        let result: CallToolResult;
        const started = performance.now();
        try {
            const document = await tool.run(args ?? {}, ctx);
            result = documentResult(document, redactor, document['exitCode'] !== 0);
        } catch (error) {
            result = documentResult(errorDocument(redactor.error(error)), redactor, true);
        }
        await progress.flush();
        options.debug?.(() => `${tool.name} ${Math.round(performance.now() - started)} ms, exit ${String((result.structuredContent as { exitCode?: unknown } | undefined)?.exitCode)}`);
        return result;
    };
    server.registerTool(
        tool.name,
        { title: tool.title, description: tool.description, inputSchema: tool.input, ...(OUTPUT_SCHEMAS[tool.name] ? { outputSchema: OUTPUT_SCHEMAS[tool.name] } : {}), annotations: { readOnlyHint: tool.readOnly === true, openWorldHint: ['dryrun', 'clone', 'deploy'].includes(tool.name) } },
        handler as never
    );
}

function rootOf(cwd: string): string | undefined {
    try {
        return findProjectRoot(cwd);
    } catch {
        return undefined;
    }
}
