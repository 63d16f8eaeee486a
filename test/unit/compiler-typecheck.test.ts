import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codeFrame } from '../../src/compiler/frame.js';
import { CHUNK_SIZE, SINGLE_PROGRAM_MAX, generatedTsconfig, parseJsonc, parseTscOutput, typecheckJobs } from '../../src/compiler/typecheck.js';

describe('parseTscOutput', () => {
    it('reads located and global diagnostics, message chains and the listed files', () => {
        const output = [
            "github/a.ts(3,7): error TS2322: Type 'string' is not assignable to type 'number'.",
            "  Type 'x' is missing.",
            'error TS5083: Cannot read file /p/tsconfig.json.',
            '/p/github/a.ts',
            '/p/node_modules/zod/index.d.cts',
            ''
        ].join('\n');
        const { diagnostics, files } = parseTscOutput(output, '/p');
        expect(diagnostics).toEqual([
            { file: '/p/github/a.ts', line: 3, column: 7, code: 'TS2322', message: "Type 'string' is not assignable to type 'number'.\n  Type 'x' is missing." },
            { code: 'TS5083', message: 'Cannot read file /p/tsconfig.json.' }
        ]);
        expect(files).toEqual(['/p/github/a.ts', '/p/node_modules/zod/index.d.cts']);
    });

    it('says how to type a platform module the project has no types for, and what needs none', () => {
        const output = [
            "github/a.ts(2,28): error TS2591: Cannot find name 'node:crypto'. Do you need to install type definitions for node? Try `npm i --save-dev @types/node` and then add 'node' to the types field in your tsconfig.",
            "github/a.ts(3,20): error TS2307: Cannot find module 'url' or its corresponding type declarations.",
            "github/a.ts(4,20): error TS2307: Cannot find module 'left-pad' or its corresponding type declarations."
        ].join('\n');
        const [crypto, url, other] = parseTscOutput(output, '/p').diagnostics;
        expect(crypto).toMatchObject({ line: 2, code: 'TS2591' });
        expect(crypto!.message).toMatch(/^'node:crypto' is provided at run time, but this project has no types for it: use the global `crypto`/);
        expect(crypto!.message).toContain('npm i -D @types/node');
        expect(url!.message).toMatch(/^'url' is provided at run time.*the global `URL` and `URLSearchParams`/);
        // Any other module keeps tsc's own words.
        expect(other!.message).toBe("Cannot find module 'left-pad' or its corresponding type declarations.");
    });
});

describe('parseJsonc', () => {
    it('accepts comments and trailing commas but keeps strings intact', () => {
        expect(parseJsonc('{ // c\n "a": "http://x/*y*/", /* b */ "c": [1, 2,], }')).toEqual({ a: 'http://x/*y*/', c: [1, 2] });
    });
});

describe('codeFrame', () => {
    it('shows the line around the error with a caret under the column', () => {
        expect(codeFrame('one\ntwo\nthree\n', 2, 3)).toBe(['  1 | one', '> 2 | two', '    |   ^', '  3 | three'].join('\n'));
        expect(codeFrame(undefined, 1, 1)).toBeUndefined();
    });
});

describe('generatedTsconfig', () => {
    let root: string;
    beforeAll(async () => {
        root = await mkdtemp(join(tmpdir(), 'ferry-tsconfig-'));
    });
    afterAll(() => rm(root, { recursive: true, force: true }));

    it('maps the SDK and zod when the project has neither, and checks index.ts with strict defaults', () => {
        const config = JSON.parse(generatedTsconfig(root, join(root, 'build/.ferry')));
        expect(config.files).toEqual([join(root, 'index.ts')]);
        expect(config.compilerOptions.strict).toBe(true);
        expect(config.compilerOptions.noEmit).toBe(true);
        expect(config.compilerOptions.paths.nango[0]).toMatch(/(dist\/sdk\/index\.d\.ts|src\/sdk\/index\.ts)$/);
        expect(config.compilerOptions.paths.ferry).toEqual(config.compilerOptions.paths.nango);
        expect(config.compilerOptions.paths.zod[0]).toMatch(/node_modules\/zod\/index\.d\.ts$/);
    });

    it("extends the project's tsconfig, keeps its paths (absolute) and checks index.ts, not what its include matches", async () => {
        await writeFile(join(root, 'tsconfig.json'), '{ "compilerOptions": { "strict": true, "paths": { "@lib/*": ["./lib/*"] }, }, }');
        await mkdir(join(root, 'node_modules/zod'), { recursive: true });
        await writeFile(join(root, 'node_modules/zod/package.json'), '{"name":"zod","version":"4.3.6"}');
        const config = JSON.parse(generatedTsconfig(root, join(root, 'build/.ferry')));
        expect(config.extends).toBe(join(root, 'tsconfig.json'));
        expect(config.files).toEqual([join(root, 'index.ts')]);
        expect(config.include).toEqual([]);
        expect(config.compilerOptions.paths['@lib/*']).toEqual([join(root, 'lib/*')]);
        // The project's zod 4, for the SDK's declarations too (typecheck-scope.test.ts has the rest).
        expect(config.compilerOptions.paths.zod).toEqual([join(root, 'node_modules/zod/index.d.ts')]);
        expect(config.compilerOptions.paths.nango).toBeDefined();
        expect(config.compilerOptions.tsBuildInfoFile).toBe(join(root, 'build/.ferry/tsbuildinfo'));
    });
});

describe('typecheckJobs', () => {
    it('checks a small project as one program and a large one in stable chunks that cover every entry', () => {
        expect(typecheckJobs('/p', '/p/build/.ferry', ['/p/a/syncs/x.ts'])).toHaveLength(1);
        expect(typecheckJobs('/p', '/p/build/.ferry', Array.from({ length: SINGLE_PROGRAM_MAX }, (_, i) => `/p/svc/actions/f${i}.ts`))).toHaveLength(1);
        const entries = Array.from({ length: CHUNK_SIZE * 2 + 1 }, (_, i) => `/p/svc/actions/f${i}.ts`);
        const jobs = typecheckJobs('/p', '/p/build/.ferry', entries);
        expect(jobs).toHaveLength(3);
        const files = jobs.flatMap((job) => JSON.parse(job.configText).files as string[]);
        expect(files.sort()).toEqual([...entries].sort());
        expect(new Set(jobs.map((job) => JSON.parse(job.configText).compilerOptions.tsBuildInfoFile)).size).toBe(3);
        // Small integrations stay whole: their shared helpers are then checked by one chunk.
        const mixed = [...entries, ...Array.from({ length: 30 }, (_, i) => `/p/tiny/syncs/s${i}.ts`)];
        const holding = typecheckJobs('/p', '/p/build/.ferry', mixed).filter((job) => job.configText.includes('/p/tiny/'));
        expect(holding).toHaveLength(1);
        expect(JSON.parse(holding[0]!.configText).files.filter((f: string) => f.startsWith('/p/tiny/'))).toHaveLength(30);
        // One more function changes one chunk: every other file stays where it was.
        const again = typecheckJobs('/p', '/p/build/.ferry', [...entries, '/p/svc/actions/new.ts']);
        expect(again).toHaveLength(3);
        expect(again.filter((job, i) => job.configText !== jobs[i]!.configText)).toHaveLength(1);
    });
});
