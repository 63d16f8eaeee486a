/**
 * `ferry --version` and `ferry --help` stay fast: they load none of the heavy dependencies.
 * A module-resolution hook (registered with --import) records every module the CLI resolves.
 */
import { spawnSync } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { baseEnv, FERRY_BIN, makeTempDir } from '../support/cli.js';

const HEAVY = ['esbuild', 'typescript', 'zod', 'undici', 'chokidar'];

let dir: string;
let cleanup: () => Promise<void>;
let register: string;

beforeAll(async () => {
    ({ dir, cleanup } = await makeTempDir('ferry-startup-'));
    const hooks = join(dir, 'hooks.mjs');
    await writeFile(
        hooks,
        `import { appendFileSync } from 'node:fs';
export async function resolve(specifier, context, next) {
    const result = await next(specifier, context);
    appendFileSync(process.env.FERRY_LOAD_LOG, result.url + '\\n');
    return result;
}
`
    );
    register = join(dir, 'register.mjs');
    await writeFile(register, `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(hooks).href)});\n`);
});
afterAll(() => cleanup());

describe('startup', () => {
    it.each([['--version'], ['--help']])('ferry %s loads no heavy dependency', async (flag) => {
        const log = join(dir, `load${flag}.log`);
        const run = spawnSync(process.execPath, ['--import', pathToFileURL(register).href, FERRY_BIN, flag], {
            cwd: dir,
            env: { ...baseEnv(), FERRY_LOAD_LOG: log },
            encoding: 'utf8'
        });
        expect(run.status, run.stderr).toBe(0);
        const loaded = (await readFile(log, 'utf8')).trim().split('\n');
        // The hook saw the CLI itself, so an empty list would not pass by accident.
        expect(loaded.some((url) => url.endsWith('/dist/cli.js'))).toBe(true);
        const heavy = loaded.filter((url) => HEAVY.some((name) => url.includes(`/node_modules/${name}/`)));
        expect(heavy).toEqual([]);
    });
});
