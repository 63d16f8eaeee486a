/** What one MCP tool is: its name and description, its zod input (published as JSON Schema), and what it does. */
import type { ZodType } from 'zod';
import type { Sandbox } from '../runtime/sandbox.js';
import type { Progress } from './progress.js';
import type { ToolDocument } from './results.js';

export interface ToolContext {
    /** The folder `ferry mcp` was started in: the project is found from there, as commands find it. */
    cwd: string;
    env: NodeJS.ProcessEnv;
    /** `--allow-deploy`: the deploy tool may deploy; without it, it only previews. */
    allowDeploy: boolean;
    progress: Progress;
    /** Aborted when the client cancels the call. */
    signal: AbortSignal;
    /** The server's warm sandbox pool (see warm-pool.ts). */
    sandboxPool(): Promise<Sandbox>;
}

export interface ToolSpec {
    name: string;
    title: string;
    description: string;
    /** The arguments' zod shape; the SDK validates calls against it and publishes it as JSON Schema. */
    input: Record<string, ZodType>;
    /** Reads and reports only (a hint to the client; list_functions still writes build/ as compile does). */
    readOnly?: boolean;
    /** Returns the command's --json document with `exitCode`; throws what the command would report as an error. */
    run(args: Record<string, unknown>, ctx: ToolContext): Promise<ToolDocument>;
}
