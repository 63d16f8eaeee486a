// bench/deploy: wall time of `ferry deploy --dry-run` and `ferry deploy` on synthetic projects
// (bench/compile's generator) against a local stand-in for the platform, with the compile cache
// warm so the figures show what deploy adds on top of compile: reading the bundles, building and
// scanning the payload, the two HTTP calls. Also prints the payload size.
// Usage: node bench/deploy/run.mjs [sizes...]   (default 50 500; needs `npm run build`)
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import { rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateProject } from '../compile/generate.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const ferry = join(here, '../../bin/ferry.js');
const work = join(here, '.bench-tmp');
const sizes = process.argv.slice(2).map(Number).filter((n) => n > 0);
const KEY = 'sk-bench-0000000000000000';

/** Answers the two deploy endpoints the way the platform does for a project it has never seen. */
function startPlatform() {
    const received = [];
    const server = createServer((req, res) => {
        const chunks = [];
        req.on('data', (c) => chunks.push(c));
        req.on('end', () => {
            const body = Buffer.concat(chunks);
            received.push({ path: req.url, bytes: body.length });
            if (req.headers.authorization !== `Bearer ${KEY}`) {
                res.writeHead(401, { 'content-type': 'application/json' }).end('{"error":{"message":"bad key"}}');
                return;
            }
            const payload = JSON.parse(body.toString('utf8'));
            const flows = payload.flowConfigs ?? [];
            const answer =
                req.url === '/sync/deploy/confirmation'
                    ? {
                          newSyncs: flows.filter((f) => f.type === 'sync').map((f) => ({ name: f.syncName, providerConfigKey: f.providerConfigKey, connections: 0 })),
                          deletedSyncs: [],
                          newActions: flows.filter((f) => f.type === 'action').map((f) => ({ name: f.syncName, providerConfigKey: f.providerConfigKey })),
                          deletedActions: [],
                          deletedModels: []
                      }
                    : flows.map((f) => ({ name: f.syncName, version: f.version ?? '0.0.1', providerConfigKey: f.providerConfigKey, type: f.type }));
            res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer));
        });
    });
    return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ url: `http://127.0.0.1:${server.address().port}`, received, close: () => server.close() })));
}

function run(args, cwd) {
    return new Promise((resolve, reject) => {
        const started = performance.now();
        const child = spawn(process.execPath, [ferry, ...args], { cwd, env: { PATH: process.env.PATH, HOME: process.env.HOME, CI: 'true', NO_COLOR: '1' } });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (d) => (stdout += d));
        child.stderr.on('data', (d) => (stderr += d));
        child.on('error', reject);
        child.on('close', (code) => resolve({ code, stdout, stderr, ms: performance.now() - started }));
    });
}

const platform = await startPlatform();
const rows = [];
try {
    for (const count of sizes.length > 0 ? sizes : [50, 500]) {
        const dir = join(work, `deploy-${count}`);
        generateProject(dir, count);
        writeFileSync(join(dir, '.env'), `NANGO_SECRET_KEY_DEV=${KEY}\nNANGO_HOSTPORT=${platform.url}\n`);
        const compile = await run(['compile'], dir);
        if (compile.code !== 0) throw new Error(`compile of ${count} functions failed:\n${compile.stderr}`);
        const warmCompile = await run(['compile', '--json'], dir);
        for (const [label, args] of [
            ['deploy --dry-run', ['deploy', '--dry-run', '--json']],
            ['deploy', ['deploy', '--json']]
        ]) {
            const result = await run(args, dir);
            if (result.code !== 0) throw new Error(`${label} on ${count} functions exited ${result.code}:\n${result.stderr}`);
            const doc = JSON.parse(result.stdout);
            rows.push({
                functions: count,
                command: label,
                'wall ms': Math.round(result.ms),
                'warm compile ms': Math.round(warmCompile.ms),
                'payload kB': Math.round(doc.payloadBytes / 1024),
                deployed: doc.deployed.length
            });
        }
        rmSync(dir, { recursive: true, force: true });
    }
} finally {
    platform.close();
}
console.table(rows);
console.log('wall ms includes a warm (cached) compile; "warm compile ms" is `ferry compile` alone for comparison.');
