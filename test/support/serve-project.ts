/**
 * A fixture project served by `ferry serve` in a temp folder, and the CLI pointed at that server:
 * `-e local` finds the server of the project the CLI runs in.
 */
import { makeTempDir, runFerry, type CliResult } from './cli.js';
import { copyFixtureProject } from './function-project.js';
import { startServe, type ServeProcess } from './serve.js';

export interface ServedProject {
    root: string;
    cleanup: () => Promise<void>;
    serve: ServeProcess;
}

/** The fixture project `name` copied into a new temp folder, and its ferry serve started there with `serveArgs`. */
export async function serveFixtureProject(name: string, serveArgs: string[] = []): Promise<ServedProject> {
    const { dir: root, cleanup } = await makeTempDir(`ferry-${name}-`);
    try {
        await copyFixtureProject(name, root);
        const serve = await startServe(serveArgs, { cwd: root });
        return { root, cleanup, serve };
    } catch (error) {
        await cleanup();
        throw error;
    }
}

/** `ferry <args> -e local` in the project `cwd`: the CLI talking to that project's ferry serve. */
export function localFerry(cwd: string): (args: string[]) => Promise<CliResult> {
    return (args) => runFerry([...args, '-e', 'local'], { cwd, timeoutMs: 90_000 });
}

/** Each command run with localFerry in turn (set-up: integrations, connections, a deploy); the first that fails throws with its stderr. */
export async function runLocal(cwd: string, commands: string[][]): Promise<void> {
    const ferry = localFerry(cwd);
    for (const args of commands) {
        const result = await ferry(args);
        if (result.code !== 0) throw new Error(`ferry ${args.join(' ')} -e local exited with ${result.code}: ${result.stderr}`);
    }
}
