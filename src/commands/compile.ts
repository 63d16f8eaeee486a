/** `ferry compile`: runs the compile pipeline and prints its result. */
import { formatDiagnostic as formatDiagnosticText } from '../compiler/diagnostic-text.js';
import { relative } from 'node:path';
import type { CliContext } from '../context.js';
import { ExitCode, ReportedError } from '../errors.js';
import { compileProject } from '../compiler/compile.js';
import { compileResultJson } from '../compiler/result-json.js';
import type { CompileDiagnostic, ProjectCompileResult } from '../compiler/types.js';
import { formatDuration } from '../util/duration.js';
import { waitingMessage } from '../util/lock.js';

interface CompileCommandOptions {
    typecheck: boolean;
    cache: boolean;
    /** Nango's --sourcemap false: the bundles in build/ keep no inline source map. Default true. */
    sourcemap?: boolean;
}

export async function run(options: CompileCommandOptions, ctx: CliContext): Promise<ExitCode> {
    const spinner = await ctx.spinner('compiling');
    let result: ProjectCompileResult;
    try {
        result = await compileProject({
            cwd: ctx.cwd,
            typecheck: options.typecheck,
            cache: options.cache,
            onWait: (pid) => ctx.log.info(waitingMessage(pid)),
            onProgress: (event) => {
                if (event.durationMs === undefined) spinner.update(event.message);
                ctx.log.debug('compile', () => `${event.stage}: ${event.message}${event.durationMs !== undefined ? ` (${formatDuration(event.durationMs)})` : ''}`);
            }
        });
    } finally {
        spinner.stop();
    }

    if (result.ok && options.sourcemap === false) await stripSourceMaps(result);
    if (ctx.json) ctx.printJson(compileResultJson(result));
    else printHuman(result, ctx);
    if (!result.ok) throw new ReportedError(ExitCode.Compile, `${result.errors.length} compile errors`);
    return ExitCode.Ok;
}

/** `file:line:col  message` (paths relative to where the user is), with a code frame on a TTY. */
export function formatDiagnostic(d: CompileDiagnostic, ctx: CliContext): string {
    return formatDiagnosticText(d, { root: ctx.cwd, colors: ctx.colors, tty: ctx.isTTY });
}

function printHuman(result: ProjectCompileResult, ctx: CliContext): void {
    const c = ctx.colors;
    for (const warning of result.warnings) ctx.log.warn(formatDiagnostic(warning, ctx));
    if (!result.ok) {
        for (const error of result.errors) ctx.log.info(`${c.red('error')} ${formatDiagnostic(error, ctx)}`);
        const n = result.errors.length;
        ctx.log.info(
            `${c.red('✗')} compile failed with ${n} error${n === 1 ? '' : 's'} in ${formatDuration(result.durationMs)}; build/ and .nango/nango.json were left unchanged`
        );
        return;
    }
    for (const path of result.removed) ctx.log.info(c.dim(`removed ${relative(ctx.cwd, path)} (no longer in index.ts)`));
    const total = result.functions.length;
    const cached = result.functions.filter((f) => f.cached).length;
    const parts = [`${total - cached} built`, `${cached} cached`];
    if (result.typecheck.ran) parts.push(`type-checked in ${formatDuration(result.typecheck.durationMs)}`);
    else if (result.typecheck.cached) parts.push('type-check unchanged');
    else parts.push('type-check skipped');
    ctx.out(`${c.green('✓')} compiled ${total} function${total === 1 ? '' : 's'} in ${formatDuration(result.durationMs)} (${parts.join(', ')})`);
    const manifest = relative(ctx.cwd, result.manifestPath) || result.manifestPath;
    ctx.log.info(c.dim(`bundles in ${relative(ctx.cwd, `${result.root}/build`) || 'build'}/, manifest in ${manifest}`));
}

/** --sourcemap false, after the fact: the compile cache sees changed bundles and rebuilds them next time. */
async function stripSourceMaps(result: ProjectCompileResult): Promise<void> {
    const [{ readFile }, { writeFileAtomic }, { withoutSourceMap }] = await Promise.all([import('node:fs/promises'), import('../util/fs.js'), import('../compiler/compile-bundle.js')]);
    await Promise.all(result.functions.map(async (fn) => writeFileAtomic(fn.bundlePath, withoutSourceMap(await readFile(fn.bundlePath, 'utf8')))));
}
