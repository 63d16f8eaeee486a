// The attempts of issue 17 (hardening), re-run against the built CLI: each row says what the
// attempt did when the issue was filed and what it does now. Markdown table on stdout, progress
// on stderr. Everything runs in temporary folders against fakes on 127.0.0.1: no internet.
// Usage: node bench/probes/hardening.mjs [item numbers...]; the probes themselves are in hardening-*.mjs.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../lib.mjs';
import { item1, item2, item3, item9 } from './hardening-build.mjs';
import { item6, item7 } from './hardening-io.mjs';
import { item4, item5, item8 } from './hardening-runs.mjs';
import { cleanupAll, printTable, progress } from './support.mjs';

// ---------------------------------------------------------------- main

async function main() {
    if (!existsSync(join(repoRoot, 'dist/cli.js'))) {
        progress('dist/ is missing; run `node scripts/build.mjs` first');
        process.exitCode = 1;
        return;
    }
    for (const item of [item1, item2, item3, item4, item5, item6, item7, item8, item9]) await item();
    progress('done');
    printTable();
}

process.on('SIGINT', () => cleanupAll().then(() => process.exit(130)));
try {
    await main();
} finally {
    await cleanupAll();
}
