/**
 * `ferry mcp`: a Model Context Protocol server over stdio for coding agents, in the project folder.
 * stdout carries the protocol only; this command's own lines go to stderr.
 */
import type { CliContext } from '../context.js';
import { ExitCode } from '../errors.js';
import { findProjectRoot } from '../project/project.js';

interface McpCommandOptions {
    allowDeploy: boolean;
}

export async function run(options: McpCommandOptions, ctx: CliContext): Promise<ExitCode> {
    // The SDK loads with this command only: no other command pays for it.
    const { serveStdio } = await import('../mcp/stdio.js');
    let where: string;
    try {
        where = findProjectRoot(ctx.cwd);
    } catch {
        // Tools answer NOT_A_PROJECT (with what to do) until there is one; the server still starts,
        // so the client shows those answers rather than a server that would not start.
        where = ctx.cwd;
        ctx.log.warn(`${ctx.cwd} is not inside a functions project: tools will answer NOT_A_PROJECT (create one with ferry init)`);
    }
    ctx.log.info(`ferry mcp: serving ${where} on stdio${options.allowDeploy ? ' (deploys allowed)' : ' (deploys are plans only)'}`);
    await serveStdio({ cwd: ctx.cwd, env: ctx.env, allowDeploy: options.allowDeploy, ...(ctx.debug ? { debug: (message: () => string) => ctx.log.debug('mcp', message) } : {}) });
    return ExitCode.Ok;
}
