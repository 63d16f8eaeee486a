/** `ferry generate:docs`: a Markdown page per integration from the manifest. */
import type { CliContext } from '../context.js';
import { generateDocs } from '../docs-gen/generate.js';

interface DocsCommandOptions {
    path?: string;
    templatesLayout: boolean;
}

export async function run(options: DocsCommandOptions, ctx: CliContext): Promise<void> {
    const result = await generateDocs({ cwd: ctx.cwd, ...(options.path !== undefined ? { path: options.path } : {}), templatesLayout: options.templatesLayout });
    if (ctx.json) return ctx.printJson(result);
    for (const file of result.written) ctx.out(`${ctx.colors.green('✓')} Wrote ${file}`);
    for (const file of result.unchanged) ctx.out(`  ${file} is up to date`);
    if (result.written.length + result.unchanged.length === 0) ctx.out('The manifest lists no integration: nothing to document.');
}
