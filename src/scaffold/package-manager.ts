/** Which package manager a new project uses, and running its install. */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

export type PackageManager = 'npm' | 'pnpm' | 'yarn';

interface Detection {
    packageManager: PackageManager;
    /** What decided it, for --debug. */
    reason: string;
}

const LOCKFILES: readonly [string, PackageManager][] = [
    ['pnpm-lock.yaml', 'pnpm'],
    ['yarn.lock', 'yarn'],
    ['package-lock.json', 'npm']
];

/**
 * The package manager that launched Ferry (`pnpm dlx`, `yarn ...` set npm_config_user_agent),
 * else the one whose lockfile sits in a folder above `dir` (a monorepo), else npm.
 */
export function detectPackageManager(dir: string, env: NodeJS.ProcessEnv): Detection {
    const agent = env['npm_config_user_agent'];
    const fromAgent = agent ? /^(npm|pnpm|yarn)\//.exec(agent)?.[1] : undefined;
    if (fromAgent) return { packageManager: fromAgent as PackageManager, reason: `npm_config_user_agent is ${agent}` };
    let current = resolve(dir);
    for (;;) {
        for (const [file, manager] of LOCKFILES) {
            if (existsSync(join(current, file))) return { packageManager: manager, reason: `found ${join(current, file)}` };
        }
        const parent = dirname(current);
        if (parent === current) break;
        current = parent;
    }
    return { packageManager: 'npm', reason: 'no package manager detected: npm is the default' };
}

function installArgs(manager: PackageManager): string[] {
    return manager === 'npm' ? ['install', '--no-audit', '--no-fund'] : ['install'];
}

/** The command a user runs by hand, e.g. after a failed install. */
export function installCommandLine(manager: PackageManager): string {
    return `${manager} install`;
}

type InstallOutcome = { ok: true } | { ok: false; reason: string };

/**
 * Runs the install in `cwd`. The child's output goes to `output` (the CLI passes stderr, so a
 * --json document on stdout stays clean). Never throws: a failed install is the caller's warning.
 */
export function runInstall(manager: PackageManager, cwd: string, output: 'inherit-stderr' | 'ignore'): Promise<InstallOutcome> {
    return new Promise((done) => {
        const stdio = output === 'ignore' ? 'ignore' : (['ignore', process.stderr, process.stderr] as const);
        // Windows ships package managers as .cmd shims, which only a shell can start.
        const child = spawn(manager, installArgs(manager), { cwd, stdio: stdio as never, shell: process.platform === 'win32' });
        child.on('error', (error: NodeJS.ErrnoException) => {
            done({ ok: false, reason: error.code === 'ENOENT' ? `${manager} was not found on PATH` : error.message });
        });
        child.on('close', (code, signal) => {
            if (code === 0) done({ ok: true });
            else done({ ok: false, reason: signal ? `${manager} install was stopped by ${signal}` : `${manager} install exited with code ${code}` });
        });
    });
}
