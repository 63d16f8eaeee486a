/**
 * Inputs that came from somewhere hostile or broken: a template tree with links out of it, a
 * malformed template listing, a secret key inside NANGO_HOSTPORT, a .env handed to --input,
 * control characters in what a function prints, an index.ts import that leaves the project.
 */
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openGitHubSource } from '../../src/clone/github-source.js';
import { openLocalSource } from '../../src/clone/local-source.js';
import { askYesNo, interrupted } from '../../src/deploy/prompt.js';
import { parseJsonFlag } from '../../src/dryrun/args.js';
import { formatLog, renderHuman } from '../../src/dryrun/render.js';
import { ExitCode, FerryError, fileSystemError } from '../../src/errors.js';
import { PlatformClient } from '../../src/platform/client.js';
import { readDotEnv, resolvePlatformSettings } from '../../src/platform/env.js';
import { loadProject } from '../../src/project/project.js';
import { formatFailure } from '../../src/testing/report.js';
import { escapeControl } from '../../src/util/escape.js';
import { makeTempDir } from '../support/cli.js';
import { startServer, type TestResponse, type TestServer } from '../support/http.js';

const KEY = 'sk-0123456789abcdef-secret';

let tmp: string;
let cleanup: () => Promise<void>;
beforeAll(async () => {
    ({ dir: tmp, cleanup } = await makeTempDir('ferry-inputs-'));
});
afterAll(() => cleanup());

const caught = async (task: () => unknown): Promise<FerryError> => {
    try {
        await task();
    } catch (error) {
        expect(error).toBeInstanceOf(FerryError);
        return error as FerryError;
    }
    throw new Error('expected a FerryError');
};

describe('clone --from never leaves the checkout', () => {
    it('refuses a template or helper that links outside the source tree, and reads links inside it', async () => {
        const from = join(tmp, 'templates');
        await mkdir(join(from, 'integrations/github/actions'), { recursive: true });
        await writeFile(join(from, 'integrations/github/actions/real.ts'), 'export default 1;\n');
        await symlink('/etc/passwd', join(from, 'integrations/github/actions/evil.ts'));
        await symlink('/etc', join(from, 'integrations/github/helpers'));
        await symlink('real.ts', join(from, 'integrations/github/actions/alias.ts'));
        const source = openLocalSource(from, tmp);
        const evil = await caught(() => source.read('integrations/github/actions/evil.ts'));
        expect(evil.code).toBe('CLONE_FROM_OUTSIDE');
        expect(evil.message).toBe('integrations/github/actions/evil.ts in the --from folder is a link to /etc/passwd, outside ' + from);
        expect((await caught(() => source.read('integrations/github/helpers/passwd'))).code).toBe('CLONE_FROM_OUTSIDE');
        expect((await caught(() => source.list('integrations/github/helpers'))).code).toBe('CLONE_FROM_OUTSIDE');
        expect(String(await source.read('integrations/github/actions/alias.ts'))).toBe('export default 1;\n');
    });
});

describe('a malformed template listing', () => {
    let server: TestServer;
    let answer: TestResponse = { status: 200, body: [] };
    beforeAll(async () => {
        server = await startServer(() => answer);
    });
    afterAll(() => server.close());

    it.each([['../../evil.ts'], ['a/b.ts'], ['..'], [''], ['a\u0000.ts'], ['x\u001b]0;t\u0007.ts']])('is one clear error for the name %j, not a path outside the folder', async (name) => {
        answer = { status: 200, body: [{ name, type: 'file' }] };
        const source = openGitHubSource({ repo: { owner: 'acme', name: 'templates' }, env: { FERRY_GITHUB_API_URL: server.url, FERRY_GITHUB_RAW_URL: `${server.url}/raw` } });
        const error = await caught(() => source.list('integrations/github/actions'));
        expect(error.code).toBe('GITHUB_BAD_RESPONSE');
        expect(error.message).toMatch(/is not a GitHub contents listing \(entry 0 has the name .*, which is not a file name\)$/);
        expect(error.message).not.toContain('\u0000');
        expect(error.message).not.toContain('\u001b');
        await source.close();
    });

    it('is one clear error for an object that is neither a listing nor a file, where a file still reads as no folder', async () => {
        const source = openGitHubSource({ repo: { owner: 'acme', name: 'templates' }, env: { FERRY_GITHUB_API_URL: server.url, FERRY_GITHUB_RAW_URL: `${server.url}/raw` } });
        answer = { status: 200, body: { message: 'rate limited?', items: [] } };
        const error = await caught(() => source.list('integrations/github/actions'));
        expect(error.code).toBe('GITHUB_BAD_RESPONSE');
        expect(error.message).toMatch(/is not a GitHub contents listing \(it is neither a list of entries nor a file\)$/);
        answer = { status: 200, body: { name: 'actions', type: 'file' } };
        await expect(source.list('integrations/github/actions')).resolves.toBeUndefined();
        await source.close();
    });
});

describe('a secret key inside NANGO_HOSTPORT', () => {
    const root = (): string => tmp;

    it('is never quoted: as the whole value, in a query string, or in the path', async () => {
        const settings = (hostport: string) => resolvePlatformSettings(root(), 'dev', { NANGO_HOSTPORT: hostport, NANGO_SECRET_KEY_DEV: KEY }, ExitCode.Deploy);
        for (const hostport of [KEY, `http://127.0.0.1:9/?key=${KEY}`, `http://127.0.0.1:9/#${KEY}`]) {
            const error = await caught(() => settings(hostport));
            expect(error.code).toBe('BAD_HOSTPORT');
            expect(JSON.stringify(error.toJSON())).not.toContain(KEY);
        }
        const inPath = settings(`http://127.0.0.1:9/${KEY}`);
        const client = new PlatformClient({ host: inPath.host, secretKey: inPath.secretKey, exitCode: ExitCode.Deploy });
        expect(client.host).toBe('http://127.0.0.1:9/***');
        const unreachable = await caught(() => client.raw({ method: 'GET', path: '/x' }));
        expect(unreachable.code).toBe('PLATFORM_UNREACHABLE');
        expect(JSON.stringify(unreachable.toJSON())).not.toContain(KEY);
        await client.close();
    });
});

describe('--input @file', () => {
    it('of a file that is not JSON says where it breaks without quoting it', async () => {
        await writeFile(join(tmp, '.env.input'), `NANGO_SECRET_KEY_DEV=${KEY}\n`);
        await writeFile(join(tmp, 'trailing.json'), `{"a":1}\n${KEY}`);
        for (const file of ['@.env.input', '@trailing.json']) {
            const error = await caught(() => parseJsonFlag('--input', file, tmp));
            expect(error.message).toMatch(/is not valid JSON \((it does not parse|unexpected character at line \d+, column \d+)\)$/);
            expect(JSON.stringify(error.toJSON())).not.toContain(KEY);
            expect(error.message).not.toContain('NANGO_SECRET');
        }
    });
});

describe('.env and the file system', () => {
    it('a .env folder is one line naming it, not an internal error', async () => {
        const project = join(tmp, 'env-folder');
        await mkdir(join(project, '.env'), { recursive: true });
        const error = await caught(() => readDotEnv(project, ExitCode.Deploy));
        expect(error.code).toBe('ENV_FILE_UNREADABLE');
        expect(error.message).toBe(`${join(project, '.env')} is a folder, not a file`);
        expect(error.exitCode).toBe(ExitCode.Deploy);
    });

    it('ENOSPC, EROFS and EACCES name the cause, the file (not a temporary one) and what to do', () => {
        // ENOSPC comes from write(2), whose error names no file; writeFileAtomic adds the target.
        const full = Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', syscall: 'write' });
        expect(fileSystemError(full)?.message).toBe('cannot write a file: the disk is full (ENOSPC)');
        const fullNamed = Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', syscall: 'write', path: '/p/build/.x.cjs.123.0badc0de.tmp' });
        expect(fileSystemError(fullNamed)?.message).toBe('cannot write /p/build/x.cjs: the disk is full (ENOSPC)');
        expect(fileSystemError(fullNamed)?.hint).toMatch(/^Free some space/);
        const readOnly = Object.assign(new Error('EROFS: read-only file system, open'), { code: 'EROFS', syscall: 'open', path: '/p/.nango/nango.json' });
        expect(fileSystemError(readOnly)?.message).toBe('cannot write /p/.nango/nango.json: the file system is read-only (EROFS)');
        const denied = Object.assign(new Error('EACCES: permission denied, open'), { code: 'EACCES', syscall: 'open', path: '/p/index.ts' });
        expect(fileSystemError(denied)?.message).toBe('cannot write /p/index.ts: permission denied (EACCES)');
        expect(fileSystemError(new TypeError('x is undefined'))).toBeUndefined();
        expect(fileSystemError(Object.assign(new Error('weird'), { code: 'EWEIRD' }))).toBeUndefined();
    });
});

describe('the terminal is not the function\'s', () => {
    const hostile = 'done\u001b]0;pwned\u0007\u001b[2J\u001b]52;c;ZXZpbA==\u0007\r\u009b31m\u202e';

    it('escapeControl shows control characters instead of obeying them, keeping tabs and line breaks', () => {
        expect(escapeControl(hostile)).toBe('done\\e]0;pwned\\x07\\e[2J\\e]52;c;ZXZpbA==\\x07\\r\\x9b31m\\u202e');
        expect(escapeControl('a\tb\nc')).toBe('a\tb\nc');
    });

    it('dryrun and test print a function\'s logs, errors and outputs escaped', () => {
        const plain = new Proxy({}, { get: () => (text: string) => text }) as Parameters<typeof formatLog>[1];
        expect(formatLog({ level: 'info', message: hostile } as Parameters<typeof formatLog>[0], plain)).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
        expect(formatFailure({ kind: 'error', message: hostile, stack: `Error: x\n    at f (${hostile})` } as Parameters<typeof formatFailure>[0])).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
        const outcome = {
            result: {
                ok: false,
                type: 'action',
                integration: 'g',
                function: 'f',
                durationMs: 1,
                records: {},
                writes: [],
                checkpoint: null,
                validation: [],
                output: { text: hostile },
                error: { kind: 'exception', message: hostile, stack: hostile }
            },
            connection: { connection_id: 'c' },
            environment: 'dev'
        } as unknown as Parameters<typeof renderHuman>[0];
        const { stdout, stderr } = renderHuman(outcome, plain);
        for (const line of [...stdout, ...stderr.map((l) => l.text)]) expect(line).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
    });
});

describe('the deploy prompt', () => {
    const ask = async (typed: string | null): Promise<string> => {
        const input = new PassThrough();
        const output = new PassThrough();
        output.resume();
        const answer = askYesNo('Deploy it?', { input, output });
        if (typed === null) input.end();
        else input.write(typed);
        return answer;
    };

    it('Ctrl-D (end of input) is an interrupt, y is yes, anything else no', async () => {
        expect(await ask(null)).toBe('interrupted');
        expect(await ask('y\n')).toBe('yes');
        expect(await ask('\n')).toBe('no');
    });

    it('Ctrl-C on a terminal is an interrupt', async () => {
        const input = Object.assign(new PassThrough(), { isTTY: true, setRawMode: () => input });
        const output = Object.assign(new PassThrough(), { isTTY: true, columns: 80 });
        output.resume();
        const answer = askYesNo('Deploy it?', { input, output });
        input.write('\u0003');
        expect(await answer).toBe('interrupted');
    });

    it('an interrupt says whether the deploy request was sent, and exits 130', () => {
        const before = interrupted('prompt', 'prod');
        expect(before.exitCode).toBe(130);
        expect(before.message).toContain('Nothing was deployed');
        expect(before.details).toEqual({ requestSent: false });
        const after = interrupted('sent', 'prod');
        expect(after.message).toContain('after the deploy request was sent');
        expect(after.details).toEqual({ requestSent: true });
    });
});

describe('index.ts imports that leave the project', () => {
    it('are ENTRY_BAD_PATH, never skipped', async () => {
        const project = join(tmp, 'escape');
        await mkdir(join(project, '.nango'), { recursive: true });
        await mkdir(join(tmp, 'outside/github/syncs'), { recursive: true });
        await writeFile(join(tmp, 'outside/github/syncs/x.ts'), 'export default {};\n');
        await writeFile(join(project, 'index.ts'), "import '../outside/github/syncs/x.js';\nimport './../outside/github/syncs/x.js';\nimport './a/../../outside/x.js';\n");
        const loaded = await loadProject(project);
        expect(loaded.entries).toEqual([]);
        expect(loaded.problems.map((p) => [p.line, p.code])).toEqual([
            [1, 'ENTRY_BAD_PATH'],
            [2, 'ENTRY_BAD_PATH'],
            [3, 'ENTRY_BAD_PATH']
        ]);
        expect(loaded.problems[0]!.message).toContain('outside the project');
    });
});
