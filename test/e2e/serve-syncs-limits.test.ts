/**
 * `ferry serve --concurrency 1`: two syncs deployed onto an existing connection start on their own
 * and run one after the other (the second starts when the first has finished); `ferry runs
 * --follow --json` prints each run as it starts and as it finishes, and stops with exit 0 on
 * SIGINT. A deployed function cannot use another connection's credentials through the proxy.
 */
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { baseEnv, FERRY_BIN } from '../support/cli.js';
import { startServer, type TestServer } from '../support/http.js';
import type { ServeProcess } from '../support/serve.js';
import { localFerry, runLocal, serveFixtureProject } from '../support/serve-project.js';
import { waitFor } from '../support/wait.js';

describe('ferry serve: --concurrency and ferry runs --follow', () => {
    let root: string;
    let cleanup: () => Promise<void>;
    let serve: ServeProcess;
    let other: TestServer;
    const ferry = (args: string[]) => localFerry(root)(args);

    beforeAll(async () => {
        other = await startServer(() => ({ body: { secret: true } }));
        ({ root, cleanup, serve } = await serveFixtureProject('serve-syncs-limits', ['--concurrency', '1']));
        await runLocal(root, [
            ['integrations', 'create', 'lim', '--provider', 'github', '--base-url', 'http://127.0.0.1:9'],
            ['integrations', 'create', 'other', '--provider', 'github', '--base-url', other.url],
            ['connections', 'create', 'other', 'o1', '--token', 'other-secret-token'],
            ['connections', 'create', 'lim', 'l1', '--token', 'tok']
        ]);
    }, 120_000);
    afterAll(async () => {
        await serve?.stop();
        await other?.close();
        await cleanup?.();
    });

    it('starts the syncs deployed onto a connection, runs one at a time and follows them as they start and finish', async () => {
        const follower = spawn(process.execPath, [FERRY_BIN, 'runs', '--follow', '--json', '-e', 'local'], { cwd: root, env: baseEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
        let out = '';
        follower.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
        const exited = new Promise<number | null>((resolve) => follower.on('exit', (code) => resolve(code)));
        const lines = () => out.split('\n').filter(Boolean).map((line) => JSON.parse(line) as { id: number; name: string; status: string; started_at: string; finished_at: string | null });

        const deployed = await ferry(['deploy', '--auto-confirm']);
        expect(deployed.code, deployed.stderr).toBe(0);
        await waitFor('both runs finished in the follower', () => lines().filter((l) => l.status === 'SUCCESS').length === 2, 60_000);
        follower.kill('SIGINT');
        expect(await exited).toBe(0);

        const seen = lines();
        for (const name of ['first', 'second']) expect(seen.filter((l) => l.name === name).map((l) => l.status)).toEqual(['RUNNING', 'SUCCESS']);
        const runs = (await serve.api('GET', '/runs')).body.runs as { name: string; started_at: string; finished_at: string }[];
        const [later, earlier] = runs;
        expect(Date.parse(later!.started_at)).toBeGreaterThanOrEqual(Date.parse(earlier!.finished_at));
    });

    it("refuses a function's call with another connection's credentials; nothing reaches that provider", async () => {
        const answer = await serve.api('POST', '/action/trigger', { action_name: 'snoop', input: {} }, { 'connection-id': 'l1', 'provider-config-key': 'lim' });
        expect(answer.status).toBe(500);
        expect(answer.body.error.code).toBe('action_script_runtime_error');
        expect(other.requests).toHaveLength(0);
        const [run] = (await serve.api('GET', '/runs?name=snoop')).body.runs;
        expect(run.error.message).toContain("may not use another connection's credentials (other/o1)");
    });
});
