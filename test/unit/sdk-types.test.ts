/**
 * The SDK's types catch the mistakes users make: every program in test/fixtures/types/programs
 * is checked in ONE tsc run, as a user's project would be (strict, node16, `ferry` and `zod` from
 * node_modules, `nango` mapped to Ferry's SDK). A line marked `// expect-error TSxxxx word` must
 * fail with that code and a message naming `word`; every other line must pass.
 */
import { cp, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir } from '../support/cli.js';
import { linkSdk, REPO_ROOT, typeCheck, type Diagnostic } from '../fixtures/types/sdk-project.js';

const PROGRAMS = join(REPO_ROOT, 'test/fixtures/types/programs');

interface Expectation {
    file: string;
    line: number;
    code: string;
    word: string;
}

const TSCONFIG = {
    compilerOptions: {
        target: 'es2022',
        lib: ['es2023', 'dom'],
        module: 'node16',
        moduleResolution: 'node16',
        types: [],
        strict: true,
        noEmit: true,
        skipLibCheck: true,
        paths: { nango: ['./node_modules/ferry/dist/sdk/index.d.ts'] }
    },
    include: ['*.ts']
};

let dir: string;
let cleanup: () => Promise<void>;
let diagnostics: Diagnostic[];
let output: string;
const expectations: Expectation[] = [];

beforeAll(async () => {
    ({ dir, cleanup } = await makeTempDir('ferry-sdk-types-'));
    await cp(PROGRAMS, dir, { recursive: true });
    await writeFile(join(dir, 'package.json'), JSON.stringify({ name: 'types-check', private: true, type: 'module' }));
    await writeFile(join(dir, 'tsconfig.json'), JSON.stringify(TSCONFIG));
    await linkSdk(dir);
    for (const file of (await readdir(dir)).filter((f) => f.endsWith('.ts'))) {
        (await readFile(join(dir, file), 'utf8')).split('\n').forEach((text, i) => {
            const match = /\/\/ expect-error (TS\d+) (\S+)/.exec(text);
            if (match) expectations.push({ file, line: i + 1, code: match[1]!, word: match[2]! });
        });
    }
    ({ diagnostics, output } = typeCheck(dir));
});

afterAll(async () => {
    await cleanup?.();
});

const at = (file: string, line?: number): Diagnostic[] => diagnostics.filter((d) => d.file === file && (line === undefined || d.line === line));

describe('SDK types', () => {
    it('passes a correct program that uses every part of the SDK', () => {
        expect(at('ok.ts'), output).toEqual([]);
    });

    it("passes the patterns of Nango's own templates, imported from 'nango'", () => {
        expect([...at('nango-template.ts'), ...at('nango-models.ts')], output).toEqual([]);
    });

    it('reports nothing on lines that are not expected to fail', () => {
        const unexpected = diagnostics.filter((d) => !expectations.some((e) => e.file === d.file && e.line === d.line));
        expect(unexpected, output).toEqual([]);
    });

    const cases: [string, string][] = [
        ['a wrong model name in batchSave', 'bad-model-name.ts'],
        ['a wrong record shape in batchSave', 'bad-record.ts'],
        ['an action output that does not match its schema', 'bad-output.ts'],
        ['misuse of action input, metadata and checkpoint types', 'bad-schemas.ts'],
        ["a wrong model name when the SDK is imported from 'nango'", 'nango-import.ts']
    ];
    it.each(cases)('fails %s with the expected diagnostic', (_label, file) => {
        const expected = expectations.filter((e) => e.file === file);
        expect(expected.length).toBeGreaterThan(0);
        for (const e of expected) {
            const found = at(file, e.line);
            expect(found.map((d) => d.code), `${file}:${e.line}\n${output}`).toContain(e.code);
            expect(found.find((d) => d.code === e.code)!.message).toContain(e.word);
        }
    });

    it('fails the tsc run as a whole', () => {
        expect(diagnostics.length).toBeGreaterThan(0);
    });
});

describe('SDK at run time', () => {
    it('returns the plain definition tagged with its type, and ActionError carries its payload', async () => {
        const sdk = await import(pathToFileURL(join(REPO_ROOT, 'dist/sdk/index.js')).href);
        const exec = async (): Promise<void> => {};
        expect(sdk.createSync({ description: 'd', exec })).toEqual({ type: 'sync', description: 'd', exec });
        expect(sdk.createAction({ description: 'd', exec })).toEqual({ type: 'action', description: 'd', exec });
        expect(sdk.createOnEvent({ event: 'validate-connection', exec })).toEqual({ type: 'onEvent', event: 'validate-connection', exec });
        const error = new sdk.ActionError({ message: 'no access', code: 'forbidden' });
        expect(error).toBeInstanceOf(Error);
        expect(error).toMatchObject({ type: 'action_error', message: 'no access', payload: { message: 'no access', code: 'forbidden' } });
    });
});
