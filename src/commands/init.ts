/** `ferry init [dir]`: options in, scaffold out, then the next steps. */
import { relative } from 'node:path';
import type { CliContext } from '../context.js';
import { initProject, type InitResult } from '../scaffold/init.js';
import { ferryInvocation } from '../scaffold/invocation.js';
import { EXAMPLE_DRYRUN } from '../templates/example.js';

interface InitCommandOptions {
    dir: string;
    force: boolean;
    install: boolean;
}

export async function run(options: InitCommandOptions, ctx: CliContext): Promise<void> {
    const result = await initProject({
        cwd: ctx.cwd,
        dir: options.dir,
        force: options.force,
        install: options.install,
        env: ctx.env,
        installOutput: 'inherit-stderr',
        onInstallStart: (command) => ctx.log.info(`Installing dependencies (${command})...`)
    });
    if (result.installError) {
        ctx.log.warn(`the project is ready but installing its dependencies failed (${result.installError}): run \`${result.installCommand}\` in ${result.root}`);
    }
    if (ctx.json) {
        ctx.printJson(result);
        return;
    }
    printSummary(result, ctx);
}

function printSummary(result: InitResult, ctx: CliContext): void {
    const { colors } = ctx;
    ctx.out(`${colors.green('✓')} Created a functions project in ${result.root}`);
    for (const file of result.files) ctx.out(`  ${file}`);
    if (result.kept.length > 0) ctx.out(`Kept your existing ${result.kept.join(', ')}`);
    if (result.registered?.length) ctx.out(`Registered the example functions in your index.ts: ${result.registered.join(', ')}`);
    if (result.importsToAdd?.length) ctx.log.warn(`your index.ts does not parse, so the example functions are not registered: add ${result.importsToAdd.join(' ')} to it`);
    if (result.installed) ctx.out(`${colors.green('✓')} Installed dependencies with ${result.packageManager}`);

    const where = relative(ctx.cwd, result.root) || '.';
    // The steps install the project's dependencies (Ferry among them) first when init did not.
    const ferry = ferryInvocation(result.root, { installed: true });
    const steps = [
        ...(where === '.' ? [] : [`cd ${/\s/.test(where) ? JSON.stringify(where) : where}`]),
        ...(result.installed ? [] : [result.installCommand ?? `${result.packageManager} install`]),
        'add your secret key to .env (NANGO_SECRET_KEY_DEV=...)',
        `${ferry} compile`,
        `${ferry} ${EXAMPLE_DRYRUN}`
    ];
    ctx.out('');
    ctx.out('Next steps:');
    steps.forEach((step, i) => ctx.out(`  ${i + 1}. ${step}`));
}
