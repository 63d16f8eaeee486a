#!/usr/bin/env node
// The executable does pre-flight work only, then loads the CLI.
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 20 || (major === 20 && minor < 18)) {
    process.stderr.write(`ferry: Node.js >= 20.18 is required (this is ${process.versions.node}). Upgrade Node and try again.\n`);
    process.exit(1);
}
const { main } = await import('../dist/cli.js');
const code = await main(process.argv.slice(2));
// Let stdout drain before leaving: piped output must never be cut short.
if (process.stdout.writableLength > 0) {
    await new Promise((resolve) => process.stdout.once('drain', resolve));
}
process.exit(code);
