#!/usr/bin/env node
// The executable does pre-flight work only, then loads the CLI.
import module from 'node:module';
import { join } from 'node:path';

const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 20 || (major === 20 && minor < 18)) {
    process.stderr.write(`ferry: Node.js >= 20.18 is required (this is ${process.versions.node}). Upgrade Node and try again.\n`);
    process.exit(1);
}
// Node 22.1+ keeps compiled code of the CLI and its dependencies on disk between runs, so
// every start after the first skips parsing and compiling. Older Nodes simply start cold. The
// cache goes to the user's own cache folder (NODE_COMPILE_CACHE when set), not the shared
// temporary one Node picks by default: code read from it runs.
if (module.enableCompileCache) {
    const { userCacheDir } = await import('../dist/util/user-cache-dir.js');
    module.enableCompileCache(process.env.NODE_COMPILE_CACHE || join(userCacheDir(), 'node-compile-cache'));
}
const { main } = await import('../dist/cli.js');
const code = await main(process.argv.slice(2));
// Let stdout drain before leaving: piped output must never be cut short.
if (process.stdout.writableLength > 0) {
    await new Promise((resolve) => process.stdout.once('drain', resolve));
}
process.exit(code);
