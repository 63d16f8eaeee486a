// Clone time: `ferry clone acme` of an integration with 40 functions and 12 shared files from a
// local fake GitHub that waits LATENCY_MS (default 40) before every answer, like a real network.
// Prints the wall time, the requests made, the most requests in flight at once (the download
// bound), and what the same requests would cost one after another. Uses the built CLI;
// BENCH_DEBUG=1 also prints the CLI's request log.
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ferryBin, requireBuiltCli } from '../lib.mjs';

requireBuiltCli('clone');
const bin = ferryBin;
const LATENCY_MS = Number(process.env.BENCH_LATENCY_MS ?? 40);
const FUNCTIONS = 40;
const HELPERS = 12;

const tree = new Map();
tree.set('integrations/acme/models.ts', "import { z } from 'zod';\nexport const Item = z.object({ id: z.string() });\n");
for (let h = 0; h < HELPERS - 1; h++) {
    tree.set(`integrations/acme/helpers/h${h}.ts`, `import { Item } from '../models.js';\nexport const h${h} = () => Item;\n`);
}
for (let f = 0; f < FUNCTIONS; f++) {
    const folder = f % 2 ? 'actions' : 'syncs';
    const helper = `h${f % (HELPERS - 1)}`;
    tree.set(
        `integrations/acme/${folder}/f${f}.ts`,
        `import { createAction } from 'nango';\nimport { z } from 'zod';\nimport { ${helper} } from '../helpers/${helper}.js';\n` +
            `export default createAction({ description: 'f${f}', input: z.object({}), output: z.object({}), exec: async () => { ${helper}(); return {}; } });\n`
    );
}

let inFlight = 0;
let maxInFlight = 0;
let requests = 0;
const server = createServer((req, res) => {
    requests++;
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    setTimeout(() => {
        inFlight--;
        const url = new URL(req.url, 'http://x');
        const raw = /^\/raw\/[^/]+\/[^/]+\/[^/]+\/(.*)$/.exec(url.pathname);
        if (raw) {
            const body = tree.get(decodeURIComponent(raw[1]));
            res.writeHead(body === undefined ? 404 : 200).end(body ?? 'Not Found');
            return;
        }
        const api = /^\/repos\/[^/]+\/[^/]+\/contents\/(.*)$/.exec(url.pathname);
        const dir = api ? `${decodeURIComponent(api[1])}/` : undefined;
        const children = new Map();
        for (const path of tree.keys()) {
            if (!dir || !path.startsWith(dir)) continue;
            const [head, ...rest] = path.slice(dir.length).split('/');
            children.set(head, rest.length ? 'dir' : 'file');
        }
        if (children.size === 0) return res.writeHead(404, { 'content-type': 'application/json' }).end('{"message":"Not Found"}');
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify([...children].map(([name, type]) => ({ name, type }))));
    }, LATENCY_MS);
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const url = `http://127.0.0.1:${server.address().port}`;

const project = await mkdtemp(join(tmpdir(), 'ferry-bench-clone-'));
try {
    await mkdir(join(project, '.nango'));
    await writeFile(join(project, 'index.ts'), '');
    const env = { ...process.env, NO_COLOR: '1', CI: 'true', FERRY_GITHUB_API_URL: url, FERRY_GITHUB_RAW_URL: `${url}/raw` };
    delete env.GITHUB_TOKEN;
    delete env.GH_TOKEN;
    const started = process.hrtime.bigint();
    const { code, stdout, stderr } = await new Promise((resolve) => {
        const child = spawn(process.execPath, [bin, 'clone', 'acme', '--json', ...(process.env.BENCH_DEBUG ? ['--debug'] : [])], { cwd: project, env });
        let out = '';
        let err = '';
        child.stdout.on('data', (d) => (out += d));
        child.stderr.on('data', (d) => (err += d));
        child.on('close', (c) => resolve({ code: c, stdout: out, stderr: err }));
    });
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    if (code !== 0) throw new Error(`ferry clone exited ${code}: ${stderr}`);
    if (process.env.BENCH_DEBUG) console.error(stderr);
    const doc = JSON.parse(stdout);
    console.log(`clone: ${doc.written.length} files (${doc.registered.length} functions) with ${LATENCY_MS} ms latency per request`);
    console.log(`  wall time            ${ms.toFixed(0)} ms (includes Node startup)`);
    console.log(`  requests             ${requests}`);
    console.log(`  most in flight       ${maxInFlight}`);
    console.log(`  one after another    ~${requests * LATENCY_MS} ms of latency alone`);
} finally {
    server.close();
    await rm(project, { recursive: true, force: true });
}
