/**
 * Projects laid out the way real Nango projects are (test/support/nango-project.ts), with vitest
 * files, mocks and helpers beside the functions, compile unchanged.
 */
import { spawn } from 'node:child_process';
import { cp, readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakePlatform, type FakePlatform } from '../support/fake-platform.js';
import { REPO_ROOT, baseEnv, makeTempDir, runFerry, type CliResult } from '../support/cli.js';
import { readFixtureFiles } from '../support/function-project.js';
import { linkFolder, writeNangoProject } from '../support/nango-project.js';

/** Files a real project keeps beside its functions, matched by its tsconfig's include but never imported by index.ts: broken, and not compile's business. */
const BESIDE_THE_FUNCTIONS: Record<string, string> = {
    'drive/syncs/attachments.test.ts': "import { describe, it, expect } from 'vitest';\n\nconst size: number = 'large';\ndescribe('x', () => it('y', () => expect(size).toBe(1)));\n",
    'drive/mocks/attachments.ts': 'export const mock: { id: string } = { id: 42 };\n',
    'drive/helpers/unregistered.ts': 'export function unused(a: string): number {\n    return a;\n}\n',
    'scripts/seed.ts': "const seeded: boolean = 'yes';\n"
};

/** The compile-compat fixture project with its functions importing the SDK as `sdk`, and the files beside them. */
async function projectFiles(sdk: string): Promise<Record<string, string>> {
    const fixture = await readFixtureFiles('compile-compat');
    const functions = Object.entries(fixture).map(([path, text]) => [path, text.replace(/from 'nango'/g, `from '${sdk}'`)]);
    return { ...Object.fromEntries(functions), ...BESIDE_THE_FUNCTIONS };
}

/** A Nango-style project with its own zod 4.3.6 and @types/node. */
const nangoProject = (root: string, files: Record<string, string>, devDependencies: Record<string, string> = {}): Promise<void> =>
    writeNangoProject(root, files, { devDependencies });

function spawnNode(args: string[], cwd: string): Promise<CliResult> {
    return new Promise((resolve, reject) => {
        const child = spawn(process.execPath, args, { cwd, env: baseEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
        let stdout = '';
        let stderr = '';
        child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
        child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
        child.on('error', reject);
        child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
    });
}

interface CompileJson {
    ok: boolean;
    errors: { file?: string; line?: number; code: string; message: string }[];
}

describe('compile: a Nango-style project', () => {
    let dir: string;
    let cleanup: () => Promise<void>;
    beforeAll(async () => {
        ({ dir, cleanup } = await makeTempDir('ferry-compat-'));
    });
    afterAll(() => cleanup());

    it('type-checks what index.ts imports with the project zod 4.3.6 and @types/node, not its tests, mocks or scripts', async () => {
        const root = join(dir, 'plain');
        await nangoProject(root, await projectFiles('nango'));
        const result = await runFerry(['compile', '--json'], { cwd: root });
        expect(result.code, result.stdout + result.stderr).toBe(0);
        const manifest = JSON.parse(await readFile(join(root, '.nango/nango.json'), 'utf8')) as unknown[];
        expect(JSON.stringify(manifest)).toContain('Attachment');
        // The type-check read the project's zod, not Ferry's newer one.
        const generated = JSON.parse(await readFile(join(root, '.ferry/compile/tsconfig.json'), 'utf8'));
        expect(generated.compilerOptions.paths.zod).toEqual([join(root, 'node_modules/zod/index.d.ts')]);
    });

    it("infers records and input from the project's zod: a wrong field type is an error", async () => {
        const root = join(dir, 'wrong');
        const files = await projectFiles('nango');
        files['drive/syncs/attachments.ts'] = files['drive/syncs/attachments.ts']!.replace('size: body.byteLength', 'size: String(body.byteLength)');
        files['drive/actions/rename.ts'] = files['drive/actions/rename.ts']!.replace('input.name.length > 0', 'input.name > 0');
        await nangoProject(root, files);
        const result = await runFerry(['compile', '--json'], { cwd: root });
        expect(result.code).not.toBe(0);
        const { errors } = JSON.parse(result.stdout) as CompileJson;
        expect(errors.map((e) => [e.file, e.code])).toEqual([
            ['drive/actions/rename.ts', 'TS2365'],
            ['drive/syncs/attachments.ts', 'TS2322']
        ]);
        expect(errors[1]!.message).toMatch(/'string' is not assignable to type 'number'/);
    });

    it('works with Ferry installed as a dependency of the project, its own newer zod nested', async () => {
        const root = join(dir, 'installed');
        const files = await projectFiles('ferry');
        await nangoProject(root, files, { ferry: 'file:../ferry' });
        const installed = join(root, 'node_modules/ferry');
        // What npm lays out: Ferry's files, its zod nested (the versions differ), the rest hoisted.
        for (const part of ['package.json', 'bin', 'dist']) await cp(join(REPO_ROOT, part), join(installed, part), { recursive: true });
        await linkFolder(installed, 'node_modules/zod', join(REPO_ROOT, 'node_modules/zod'));
        const pkg = JSON.parse(await readFile(join(REPO_ROOT, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
        for (const name of Object.keys(pkg.dependencies)) {
            if (name !== 'zod') await linkFolder(root, `node_modules/${name}`, join(REPO_ROOT, 'node_modules', name));
        }
        const nested = JSON.parse(await readFile(join(installed, 'node_modules/zod/package.json'), 'utf8')) as { version: string };
        expect(nested.version).not.toBe('4.3.6');

        const bin = join(installed, 'bin/ferry.js');
        const ok = await spawnNode([bin, 'compile', '--json'], root);
        expect(ok.code, ok.stdout + ok.stderr).toBe(0);

        await writeFile(join(root, 'drive/syncs/attachments.ts'), files['drive/syncs/attachments.ts']!.replace('size: body.byteLength', 'size: String(body.byteLength)'));
        const wrong = await spawnNode([bin, 'compile', '--json'], root);
        expect(wrong.code).not.toBe(0);
        expect((JSON.parse(wrong.stdout) as CompileJson).errors.map((e) => e.code)).toEqual(['TS2322']);
    });
});

/** Fake packages standing in for the ones the platform provides, installed in the project. */
const PLATFORM_PACKAGES: Record<string, string> = {
    'node_modules/soap/package.json': JSON.stringify({ name: 'soap', version: '1.1.0', main: 'index.js', types: 'index.d.ts' }),
    'node_modules/soap/index.js': "exports.createClientAsync = async (wsdl) => ({ wsdl, from: 'the project soap' });\n",
    'node_modules/soap/index.d.ts': 'export declare function createClientAsync(wsdl: string): Promise<{ wsdl: string; from: string }>;\n',
    'node_modules/unzipper/package.json': JSON.stringify({ name: 'unzipper', version: '0.12.0', main: 'index.js', types: 'index.d.ts' }),
    'node_modules/unzipper/index.js': "exports.kind = 'unzipper';\n",
    'node_modules/unzipper/index.d.ts': 'export declare const kind: string;\n',
    'node_modules/botbuilder/package.json': JSON.stringify({ name: 'botbuilder', version: '4.0.0', main: 'index.js', types: 'index.d.ts' }),
    'node_modules/botbuilder/index.js': "exports.kind = 'botbuilder';\n",
    'node_modules/botbuilder/index.d.ts': 'export declare const kind: string;\n'
};

const PLATFORM_ACTION = `import { createAction } from 'nango';
import { createFunction } from 'nango/experimental';
import { z } from 'zod';
import * as soap from 'soap';
import * as unzipper from 'unzipper';
import * as botbuilder from 'botbuilder';
import { randomUUID } from 'node:crypto';
import { URL } from 'node:url';

const experimental = createFunction({ description: 'probe', exec: async () => undefined });

export default createAction({
    description: \`Calls a SOAP service (\${unzipper.kind}, \${botbuilder.kind}, \${experimental.type})\`,
    input: z.object({ wsdl: z.string() }),
    output: z.object({ from: z.string(), wsdl: z.string(), id: z.boolean() }),
    exec: async (_nango, input) => {
        const client = await soap.createClientAsync(new URL(input.wsdl).href);
        return { from: client.from, wsdl: client.wsdl, id: randomUUID().length > 0 };
    }
});
`;

describe("compile and dryrun: the modules Nango's runtime provides", () => {
    let dir: string;
    let cleanup: () => Promise<void>;
    let platform: FakePlatform;
    beforeAll(async () => {
        ({ dir, cleanup } = await makeTempDir('ferry-compat-platform-'));
        platform = await startFakePlatform({
            connections: [{ connection_id: 'conn-soap', provider_config_key: 'soapy', provider: 'github', metadata: {}, connection_config: {} }],
            integrations: [{ unique_key: 'soapy', provider: 'github' }]
        });
    });
    afterAll(async () => {
        await platform.close();
        await cleanup();
    });

    it('keeps them external, loads them from the project at compile time and in dryrun, and names them all in DISALLOWED_IMPORT', async () => {
        const root = join(dir, 'platform');
        await nangoProject(root, { 'index.ts': "import './soapy/actions/call.js';\n", 'soapy/actions/call.ts': PLATFORM_ACTION, ...PLATFORM_PACKAGES });
        await writeFile(join(root, '.env'), `NANGO_SECRET_KEY_DEV=${platform.secretKey}\nNANGO_HOSTPORT=${platform.url}\n`);
        const compiled = await runFerry(['compile', '--json'], { cwd: root });
        expect(compiled.code, compiled.stdout + compiled.stderr).toBe(0);
        // Top-level code ran against the project's packages and Ferry's nango/experimental.
        expect(await readFile(join(root, '.nango/nango.json'), 'utf8')).toContain('Calls a SOAP service (unzipper, botbuilder, function)');
        const bundleName = (await readdir(join(root, 'build'))).find((name) => name.endsWith('.cjs'))!;
        const bundle = await readFile(join(root, 'build', bundleName), 'utf8');
        for (const name of ['soap', 'unzipper', 'botbuilder', 'nango/experimental', 'node:crypto', 'node:url', 'zod']) expect(bundle).toContain(`require("${name}")`);

        const run = await runFerry(['dryrun', 'call', 'conn-soap', '--input', '{"wsdl":"https://svc.example/api?wsdl"}'], { cwd: root });
        expect(run.code, run.stderr).toBe(0);
        expect(run.stdout).toContain('the project soap');
        expect(run.stdout).toContain('https://svc.example/api?wsdl');

        await writeFile(join(root, 'soapy/actions/call.ts'), `import leftPad from 'left-pad';\n${PLATFORM_ACTION}`.replace('wsdl: client.wsdl', 'wsdl: leftPad(client.wsdl)'));
        const refused = await runFerry(['compile', '--json', '--no-typecheck'], { cwd: root });
        expect(refused.code).not.toBe(0);
        const disallowed = (JSON.parse(refused.stdout) as CompileJson).errors.find((e) => e.code === 'DISALLOWED_IMPORT');
        expect(disallowed?.message).toContain("'left-pad' is not provided by the platform");
        expect(disallowed?.message).toContain("'zod', 'crypto', 'node:crypto', 'url', 'node:url', 'soap', 'unzipper', 'botbuilder', 'nango/experimental'");
    });
});
