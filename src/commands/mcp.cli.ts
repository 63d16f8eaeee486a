/** `ferry mcp`: its flags and help, and the options they give src/commands/mcp.ts. */
import { defineCommand } from './define.js';

export const mcpCommand = defineCommand({
    name: 'mcp',
    description: 'serve the project to coding agents over stdio (Model Context Protocol)',
    module: 'mcp',
    load: () => import('./mcp.js'),
    flags: [{ flags: '--allow-deploy', description: 'let the deploy tool deploy (without it, deploy only previews the plan)' }],
    help: [
        '',
        'Examples:',
        '  ferry mcp                      in the project folder; an MCP client starts it (stdin/stdout are the protocol)',
        "  claude mcp add ferry -- npx ferry mcp      (npx finds the project's installed Ferry; without one: node <ferry>/bin/ferry.js mcp)",
        '',
        'Tools: list_functions, describe_function, generate, clone, compile, dryrun, test, deploy.',
        'Resources: ferry://project/AGENTS.md, ferry://sdk-reference.',
        'Exit codes: 0 when the client closes the connection, 1 bad flags.'
    ],
    options: (_args, o) => ({ allowDeploy: Boolean(o.allowDeploy) })
});
