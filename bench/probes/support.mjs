// What the hardening probes share: spawning the built CLI, function projects in temporary folders,
// fake platforms on 127.0.0.1, and the table the probes fill in.
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { ferryBin, repoRoot } from '../lib.mjs';

export const KEY = 'sk-probe-0123456789abcdef-secret';
export const ONLY = new Set(process.argv.slice(2).map(Number));
export const rows = [];
export const temps = [];
export const servers = [];
export const children = new Set();
const t0 = Date.now();
export const progress = (line) => process.stderr.write(`hardening ${((Date.now() - t0) / 1000).toFixed(1)}s: ${line}\n`);
export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// ---------------------------------------------------------------- running the CLI

// Ferry's per-user cache: in a folder of this run, removed with the others.
const userCache = await mkdtemp(join(tmpdir(), 'ferry-probe-user-cache-'));
temps.push(userCache);

export function env(extra = {}) {
    const base = { PATH: process.env.PATH, HOME: process.env.HOME, TMPDIR: process.env.TMPDIR, FERRY_CACHE_DIR: userCache, NO_COLOR: '1', CI: 'true' };
    for (const [k, v] of Object.entries(extra)) v === undefined ? delete base[k] : (base[k] = v);
    return base;
}

/** Spawns `node bin/ferry.js ...args`; `during(child, output)` may act on it while it runs. */
export function ferry(args, { cwd, env: extra, input = '', timeoutMs = 60_000, during, command } = {}) {
    const started = Date.now();
    const [file, argv] = command ?? [process.execPath, [ferryBin, ...args]];
    const child = spawn(file, argv, { cwd, env: env(extra), stdio: ['pipe', 'pipe', 'pipe'] });
    children.add(child);
    const out = { stdout: '', stderr: '', rawStdout: Buffer.alloc(0), rawStderr: Buffer.alloc(0) };
    child.stdout.on('data', (d) => ((out.rawStdout = Buffer.concat([out.rawStdout, d])), (out.stdout += d)));
    child.stderr.on('data', (d) => ((out.rawStderr = Buffer.concat([out.rawStderr, d])), (out.stderr += d)));
    const timer = setTimeout(() => ((out.timedOut = true), child.kill('SIGKILL')), timeoutMs);
    const closed = new Promise((resolve) =>
        child.on('close', (code, signal) => {
            clearTimeout(timer);
            children.delete(child);
            resolve({ ...out, code, signal, ms: Date.now() - started });
        })
    );
    child.stdin.on('error', () => {});
    if (during) Promise.resolve(during(child, out)).catch((e) => progress(`during: ${e.message}`));
    else child.stdin.end(input);
    return closed;
}

export const firstLine = (text) => (text.trim().split('\n')[0] ?? '').slice(0, 160);
export const errorCode = (r) => {
    try {
        const doc = JSON.parse(r.stdout);
        return doc.error?.code ?? doc.errors?.map((e) => e.code).join(',') ?? '';
    } catch {
        return '';
    }
};
export const ended = (r) => (r.timedOut ? 'killed by the probe after its timeout' : r.signal ? `signal ${r.signal}` : `exit ${r.code}`);
/** The message of a --json error document, if stdout is one. */
export const jsonMessage = (r) => {
    try {
        const doc = JSON.parse(r.stdout);
        return doc.error?.message ?? doc.errors?.[0]?.message ?? '';
    } catch {
        return '';
    }
};
/** The error line, or a test's failure line, rather than progress such as "✓ Compiled". */
export const mainLine = (r) => {
    const lines = `${r.stderr}\n${r.stdout}`.split('\n').map((l) => l.trim());
    return (lines.find((l) => /^error\b/.test(l)) ?? lines.find((l) => /the function failed/.test(l)) ?? lines.find(Boolean) ?? '').slice(0, 160);
};
export const summary = (r) => {
    const code = errorCode(r);
    const line = (jsonMessage(r) || mainLine(r)).slice(0, 160);
    return `${ended(r)}${code ? ` (${code})` : ''}${line ? `: "${line}"` : ''}`;
};
export const leaks = (r, secret = KEY) => (r.stdout + r.stderr).includes(secret);

export async function tempDir(name) {
    const dir = await mkdtemp(join(tmpdir(), `ferry-probe-${name}-`));
    temps.push(dir);
    return dir;
}

// ---------------------------------------------------------------- projects and fakes

/** A functions project: `files` (path -> source), all imported by index.ts, zod linked in. */
export async function project(name, files, { index, nested = false } = {}) {
    const root = nested ? join(await tempDir(name), 'project') : await tempDir(name);
    for (const [rel, source] of Object.entries(files)) {
        await mkdir(dirname(join(root, rel)), { recursive: true });
        await writeFile(join(root, rel), source);
    }
    await mkdir(join(root, '.nango'), { recursive: true });
    await mkdir(join(root, 'node_modules'), { recursive: true });
    await symlink(join(repoRoot, 'node_modules/zod'), join(root, 'node_modules/zod'), 'dir');
    await writeFile(join(root, 'package.json'), JSON.stringify({ name: 'probe', type: 'module', private: true }));
    await writeFile(join(root, 'index.ts'), index ?? Object.keys(files).map((rel) => `import './${rel.replace(/\.ts$/, '.js')}';\n`).join(''));
    return root;
}

/** An action `demo/actions/<name>.ts`: `top` at top level, `body` inside exec. */
export const action = (top = '', body = 'return { b: input.a };', description = "'probe'") => `import { createAction } from 'nango';
import * as z from 'zod';
${top}
export default createAction({
    description: ${description},
    input: z.object({ a: z.string() }),
    output: z.any(),
    exec: async (nango, input) => {
        ${body}
    }
});
`;

/** A sync `demo/syncs/<name>.ts` whose exec is `body`. */
export const sync = (body) => `import { createSync } from 'nango';
import * as z from 'zod';

export default createSync({
    description: 'probe sync',
    frequency: 'every hour',
    endpoints: [{ method: 'GET', path: '/records' }],
    models: { Rec: z.object({ id: z.string(), pad: z.string() }) },
    exec: async (nango) => {
        ${body}
    }
});
`;

/** An HTTP server on 127.0.0.1; `handler(req, res, body)` may answer or return {status, body}. */
export async function server(handler) {
    const requests = [];
    const srv = createServer((req, res) => {
        const chunks = [];
        req.on('data', (c) => chunks.push(c));
        req.on('end', async () => {
            const body = Buffer.concat(chunks).toString('utf8');
            const url = new URL(req.url, 'http://127.0.0.1');
            requests.push({ method: req.method, path: url.pathname, query: url.search, headers: req.headers, body });
            try {
                const answer = await handler(req, res, body, url);
                if (res.headersSent || res.writableEnded) return;
                const reply = answer ?? { status: 404, body: { error: { message: `no route ${req.method} ${url.pathname}` } } };
                res.writeHead(reply.status ?? 200, { 'content-type': 'application/json' });
                res.end(JSON.stringify(reply.body ?? {}));
            } catch (e) {
                if (!res.headersSent) res.writeHead(500);
                res.end(String(e?.message));
            }
        });
    });
    await new Promise((resolve) => srv.listen(0, '127.0.0.1', resolve));
    const s = {
        url: `http://127.0.0.1:${srv.address().port}`,
        requests,
        close: () => new Promise((resolve) => (srv.closeAllConnections(), srv.close(() => resolve())))
    };
    servers.push(s);
    return s;
}

/**
 * A platform: the connection `c1` of integration `demo`, deploy routes that accept anything
 * (`plan` is the confirmation answer), and `/proxy/*` answered by `proxy(req, res, url)`.
 */
export function platform({ plan = {}, proxy, confirmDelayMs = 0, deployDelayMs = 0 } = {}) {
    return server(async (req, res, body, url) => {
        if (req.headers.authorization !== `Bearer ${KEY}`) return { status: 401, body: { error: { code: 'unknown_account', message: 'bad key' } } };
        const p = url.pathname;
        if (p.startsWith('/connections/') && req.method === 'GET') {
            return { body: { connection_id: 'c1', provider_config_key: 'demo', provider: 'github', metadata: {}, connection_config: {}, credentials: { type: 'OAUTH2', access_token: 'tok' } } };
        }
        if (p.startsWith('/integrations/')) return { body: { data: { unique_key: 'demo', provider: 'github', display_name: 'demo' } } };
        if (p === '/environment-variables') return { body: [] };
        if (p === '/sync/deploy/confirmation') {
            await sleep(confirmDelayMs);
            return { body: { newSyncs: [], updatedSyncs: [], deletedSyncs: [], newActions: [], updatedActions: [], deletedActions: [], newOnEventScripts: [], updatedOnEventScripts: [], deletedOnEventScripts: [], deletedModels: [], ...plan } };
        }
        if (p === '/sync/deploy') {
            await sleep(deployDelayMs);
            return { body: [] };
        }
        if (p.startsWith('/proxy') && proxy) return proxy(req, res, url);
        return undefined;
    });
}

export const platformEnv = (url) => ({ NANGO_SECRET_KEY_DEV: KEY, NANGO_HOSTPORT: url });

/** Every file under `root` (relative paths), links not followed. */
export async function tree(root) {
    const entries = await readdir(root, { recursive: true }).catch(() => []);
    return entries.sort();
}

// ---------------------------------------------------------------- the table

/** Runs one probe: `fn` returns what happens now (one line); a failure of the probe itself is said so. */
export async function probe(item, attempt, before, fn, timeoutMs = 180_000) {
    if (ONLY.size && !ONLY.has(item)) return;
    progress(`${item}: ${attempt}`);
    let now;
    try {
        let timer;
        const giveUp = new Promise((resolve) => (timer = setTimeout(() => resolve(`probe gave up after ${timeoutMs / 1000} s`), timeoutMs)));
        now = await Promise.race([fn(), giveUp]).finally(() => clearTimeout(timer));
    } catch (error) {
        now = `probe failed: ${error?.message ?? error}`;
    }
    // A probe that gave up may have left its CLI running: it must not hang the script.
    for (const child of children) child.kill('SIGKILL');
    rows.push([item, attempt, before, now]);
}

export const cell = (text) => String(text).replace(/\|/g, '\\|').replace(/\n/g, ' ').replace(/\u001b/g, '\\e');

export function printTable() {
    const lines = ['| # | attempt | before (issue 17) | now (observed) |', '|---|---|---|---|'];
    for (const row of rows) lines.push(`| ${row.map(cell).join(' | ')} |`);
    process.stdout.write(`${lines.join('\n')}\n`);
}

// ---------------------------------------------------------------- function runs: dryrun and test

/** `ferry dryrun probe c1` of an action whose exec is `body`, against a fresh platform. */
export async function dryrunWith(name, body, { args = [], proxy, timeoutMs = 120_000 } = {}) {
    const plat = await platform({ proxy });
    const root = await project(name, { 'demo/actions/probe.ts': action('', body) });
    const r = await ferry(['dryrun', 'probe', 'c1', '--input', '{"a":"x"}', ...args], { cwd: root, env: platformEnv(plat.url), timeoutMs });
    return { r, plat, root };
}

/** `ferry test create-issue` in an `init` project whose create-issue exec starts with `body`. */
export async function testWith(name, body, { timeoutMs = 120_000 } = {}) {
    const dir = await tempDir(name);
    await ferry(['init', 'demo', '--no-install'], { cwd: dir });
    const root = join(dir, 'demo');
    const file = join(root, 'github/actions/create-issue.ts');
    const source = await readFile(file, 'utf8');
    const at = source.indexOf('{', source.indexOf('=>', source.indexOf('exec: async')));
    await writeFile(file, `${source.slice(0, at + 1)}\n${body}\n${source.slice(at + 1)}`);
    return ferry(['test', 'create-issue'], { cwd: root, timeoutMs });
}

/** Resolves when `res` can take more, or has closed (the reader gave up). */
export function drained(res) {
    return new Promise((resolve) => {
        const done = () => (res.off('drain', done), res.off('close', done), resolve());
        res.on('drain', done);
        res.on('close', done);
    });
}

export async function cleanupAll() {
    for (const child of children) child.kill('SIGKILL');
    for (const s of servers) await s.close().catch(() => {});
    for (const dir of temps) await rm(dir, { recursive: true, force: true }).catch(() => {});
}
