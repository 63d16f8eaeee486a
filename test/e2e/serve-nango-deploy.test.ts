/**
 * The real Nango CLI (0.71.10, installed as nango-reference) deploys to `ferry serve`, and `ferry
 * deploy -e local` then sees what it deployed: both speak the same deploy endpoints to it.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { baseEnv, makeTempDir, REPO_ROOT, runFerry } from '../support/cli.js';
import { copyNangoManifestProject } from '../support/nango-project.js';
import { startServe, type ServeProcess } from '../support/serve.js';

const NANGO_CLI = join(REPO_ROOT, 'node_modules/nango-reference/dist/index.js');

function runNango(args: string[], cwd: string, env: Record<string, string>): Promise<{ code: number | null; out: string }> {
    return new Promise((resolve, reject) => {
        const child = spawn(process.execPath, [NANGO_CLI, ...args], { cwd, env: baseEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
        let out = '';
        child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
        child.stderr.setEncoding('utf8').on('data', (d: string) => (out += d));
        const timer = setTimeout(() => child.kill('SIGKILL'), 150_000);
        child.on('error', reject);
        child.on('close', (code) => {
            clearTimeout(timer);
            resolve({ code, out });
        });
    });
}

describe('nango deploy to ferry serve', () => {
    let dir: string;
    let cleanup: () => Promise<void>;
    let serve: ServeProcess;

    beforeAll(async () => {
        ({ dir, cleanup } = await makeTempDir('ferry-serve-nango-'));
        await copyNangoManifestProject(dir);
        serve = await startServe([], { cwd: dir });
        for (const [key, provider] of [['github', 'github'], ['my-crm', 'unauthenticated']]) {
            expect((await serve.api('POST', '/integrations', { unique_key: key, provider })).status).toBe(200);
        }
    }, 150_000);
    afterAll(async () => {
        expect(await serve?.stop()).toBe(0);
        await cleanup?.();
    });

    it('accepts the Nango CLI deploy, and ferry deploy sees the same functions', async () => {
        const nango = await runNango(['deploy', 'dev', '--auto-confirm'], dir, { NANGO_HOSTPORT: serve.url, NANGO_SECRET_KEY_DEV: serve.secretKey! });
        expect(nango.code, nango.out).toBe(0);
        expect(nango.out).toContain('Successfully deployed the functions');

        const plan = await runFerry(['deploy', '-e', 'local', '--dry-run', '--json'], { cwd: dir, timeoutMs: 150_000 });
        expect(plan.code, plan.stderr).toBe(0);
        const doc = JSON.parse(plan.stdout) as { plan: { syncs: { new: unknown[]; updated: { name: string }[]; deleted: unknown[] }; actions: { new: unknown[]; updated: { name: string }[] } } };
        expect(doc.plan.syncs.new).toEqual([]);
        expect(doc.plan.syncs.deleted).toEqual([]);
        expect(doc.plan.actions.new).toEqual([]);
        expect(doc.plan.syncs.updated.map((s) => s.name).sort()).toEqual(['contacts', 'issues', 'pull-requests']);
    }, 300_000);
});
