// What the benches share: where the built CLI is, and the median of a series.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
export const ferryBin = join(repoRoot, 'bin/ferry.js');

/** Benches measure the built CLI: stop with a clear line when there is none. */
export function requireBuiltCli(bench) {
    if (!existsSync(join(repoRoot, 'dist/cli.js'))) {
        console.error(`bench/${bench}: dist/ is missing; run \`npm run build\` first`);
        process.exit(1);
    }
}

export function median(values) {
    const sorted = [...values].sort((a, b) => a - b);
    const mid = Math.floor(sorted.length / 2);
    return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}
