// `npm run bench`: runs every bench in turn and prints their figures.
// Each bench lives in bench/<name>/run.mjs and uses the built CLI in dist/ (run `npm run build` first).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const only = process.argv.slice(2);
const benches = readdirSync(here, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(here, d.name, 'run.mjs')))
    .map((d) => d.name)
    .filter((name) => only.length === 0 || only.includes(name))
    .sort();

let failed = 0;
for (const name of benches) {
    process.stdout.write(`\n== bench/${name}\n`);
    const result = spawnSync(process.execPath, [join(here, name, 'run.mjs')], { stdio: 'inherit' });
    if (result.status !== 0) {
        failed++;
        process.stdout.write(`bench/${name} exited ${result.status}\n`);
    }
}
process.exitCode = failed > 0 ? 1 : 0;
