import { beforeAll, describe, expect, it } from 'vitest';
import { loadStaticChecks, staticChecks } from '../../src/compiler/static-checks.js';
import { toFunctionRef } from '../../src/project/project.js';

const SYNC = toFunctionRef('/p', 'github/syncs/issues.ts', 1)!;
const HELPER = '/p/github/helpers.ts';

/** The checks of the sync whose file holds `body` (inside exec unless `raw`), with optional helper files. */
function check(source: string, helpers: Record<string, string> = {}) {
    const files: Record<string, string> = { [SYNC.file]: source, ...helpers };
    return staticChecks(SYNC, [SYNC.file, ...Object.keys(helpers)], (file) => files[file]);
}
const codes = (source: string, helpers: Record<string, string> = {}) => check(source, helpers).diagnostics.map((d) => `${d.line} ${d.code}`);

const sync = (exec: string, extra = '') => `import { createSync } from 'nango';
${extra}
export default createSync({
    description: 'd',
    exec: async (nango) => {
${exec}
    }
});
`;
// Line of the first exec statement in sync().
const L = 6;

beforeAll(async () => {
    await loadStaticChecks();
});

describe("Nango's awaited-call rule", () => {
    it('refuses a nango call whose promise is dropped, at its line', () => {
        const [diagnostic] = check(sync("        nango.log('x');")).diagnostics;
        expect(diagnostic).toMatchObject({ file: SYNC.file, line: L, column: 9, code: 'NANGO_CALL_NOT_AWAITED', function: 'github/issues' });
        expect(diagnostic!.message).toBe("nango.log() is not awaited: write `await nango.log(...)` (or return or .then() it), or the run can end before it is done");
    });

    it('accepts await, return, .then/.catch anywhere above the call, and calls Nango does not list', () => {
        const ok = [
            "        await nango.log('x');",
            "        return nango.get({ endpoint: '/a' });",
            "        nango.get({ endpoint: '/a' }).then(() => undefined);",
            "        nango.post({ endpoint: '/a' }).catch(() => undefined);",
            "        await Promise.all([1, 2].map((n) => nango.get({ endpoint: `/a/${n}` })));",
            "        nango.paginate({ endpoint: '/a' });",
            "        nango?.log('optional calls are another node kind to Nango');",
            "        const n = nango; n.log('only the identifier nango counts');"
        ];
        for (const line of ok) expect(codes(sync(line)), line).toEqual([]);
    });

    it('checks helper files the function is built from, naming no function (the problem is the helper’s)', () => {
        const helper = "export function save(nango: any) {\n    nango.batchSave([], 'Issue');\n}\n";
        const [diagnostic] = check(sync('        await Promise.resolve();'), { [HELPER]: helper }).diagnostics;
        expect(diagnostic).toMatchObject({ file: HELPER, line: 2, code: 'NANGO_CALL_NOT_AWAITED' });
        expect(diagnostic).not.toHaveProperty('function');
    });
});

describe("Nango's retryOn rule", () => {
    it('refuses retryOn without retries in a nango call config', () => {
        const [diagnostic] = check(sync("        await nango.get({ endpoint: '/a', retryOn: [429] });")).diagnostics;
        expect(diagnostic).toMatchObject({ line: L, code: 'RETRY_ON_WITHOUT_RETRIES' });
        expect(diagnostic!.message).toBe('nango.get() sets retryOn without retries: add `retries: <number>` to the same config, retryOn alone retries nothing');
        expect(codes(sync("        await nango.get({ endpoint: '/a', retries: 3, retryOn: [429] });"))).toEqual([]);
        expect(codes(sync("        const retries = 2;\n        await nango.proxy({ endpoint: '/a', retries, retryOn: [500] });"))).toEqual([]);
    });
});

describe("Nango's export rules (the function's own file)", () => {
    it('refuses named exports other than the create* names, re-exports allowed', () => {
        const source = `${sync('        await nango.log(1);')}export const helper = 1;\nexport function other() {}\nexport type { Foo } from './types.js';\nexport * from './more.js';\n`;
        const diagnostics = check(source).diagnostics;
        expect(diagnostics.map((d) => d.code)).toEqual(['NAMED_EXPORT_NOT_ALLOWED', 'NAMED_EXPORT_NOT_ALLOWED']);
        expect(diagnostics[0]!.message).toBe("a function file exports only its default export, not 'helper': move 'helper' to a helper file and import it from there, or drop the export");
        expect(codes(`${sync('        await nango.log(1);')}export interface Shape { id: string }\n`)).toEqual([]);
    });

    it('accepts a default export of a create* call with an object, or of a const holding one', () => {
        expect(codes("import { createAction } from 'nango';\nconst action = createAction({ description: 'd', exec: async () => {} });\nexport default action;\n")).toEqual([]);
    });

    it('refuses other default exports', () => {
        expect(codes("import { createSync } from 'nango';\nconst config = { description: 'd' };\nexport default createSync(config);\n")).toEqual(['3 INVALID_FUNCTION_PARAM']);
        expect(codes("import { createSync } from 'nango';\nexport default wrap(createSync({}));\n")).toEqual(['2 INVALID_DEFAULT_EXPORT']);
        expect(codes("function make() { return {}; }\nexport default make;\n")).toEqual(['2 INVALID_DEFAULT_EXPORT']);
        expect(codes('export default { type: "sync" };\n')).toEqual(['1 INVALID_DEFAULT_EXPORT']);
    });

    it('does not apply the export rules to helpers', () => {
        expect(codes(sync('        await nango.log(1);'), { [HELPER]: 'export const shared = 1;\nexport default 2;\n' })).toEqual([]);
    });
});

describe("Nango's exec order rules", () => {
    it('pairs trackDeletesStart and trackDeletesEnd per model, around the batch calls', () => {
        const ok = ["        await nango.trackDeletesStart('Issue');", "        await nango.batchSave([], 'Issue');", "        await nango.trackDeletesEnd('Issue');"];
        expect(codes(sync(ok.join('\n')))).toEqual([]);
        expect(codes(sync(ok.slice(0, 2).join('\n')))).toEqual([`${L} TRACK_DELETES_UNPAIRED`]);
        expect(check(sync(ok.slice(0, 2).join('\n'))).diagnostics[0]!.message).toBe(
            "nango.trackDeletesStart('Issue') has no nango.trackDeletesEnd('Issue'): call trackDeletesEnd after the last batchSave of 'Issue'"
        );
        expect(codes(sync(ok.slice(1).join('\n')))).toEqual([`${L + 1} TRACK_DELETES_UNPAIRED`]);
        expect(codes(sync([ok[1], ok[0], ok[2]].join('\n')))).toEqual([`${L + 1} TRACK_DELETES_ORDER`]);
        expect(codes(sync([ok[0], ok[2], ok[1]].join('\n')))).toEqual([`${L + 1} TRACK_DELETES_ORDER`]);
        expect(codes(sync([ok[0], ok[0], ok[1], ok[2]].join('\n')))).toEqual([`${L + 1} TRACK_DELETES_TWICE`]);
    });

    it('wants setMergingStrategy before any batch or proxy call, and deleteRecordsFromPreviousExecutions once, after them', () => {
        expect(codes(sync("        await nango.get({ endpoint: '/a' });\n        await nango.setMergingStrategy({ strategy: 'override' }, 'Issue');"))).toEqual([`${L + 1} MERGING_STRATEGY_ORDER`]);
        expect(codes(sync("        await nango.setMergingStrategy({ strategy: 'override' }, 'Issue');\n        await nango.get({ endpoint: '/a' });"))).toEqual([]);
        const del = "        await nango.deleteRecordsFromPreviousExecutions('Issue');";
        expect(codes(sync(`${del}\n        await nango.batchSave([], 'Issue');`))).toEqual([`${L} DELETE_RECORDS_ORDER`]);
        expect(codes(sync(`        await nango.batchSave([], 'Issue');\n${del}\n${del}`))).toEqual([`${L + 2} DELETE_RECORDS_TWICE`]);
    });

    it('only looks inside an `exec:` property, as Nango does', () => {
        const method = "import { createSync } from 'nango';\nexport default createSync({\n    description: 'd',\n    async exec(nango) {\n        await nango.trackDeletesStart('Issue');\n    }\n});\n";
        expect(codes(method)).toEqual([]);
    });
});

describe('features', () => {
    it("is ['checkpoints'] when the function's own file calls a checkpoint method", () => {
        expect(check(sync('        const c = await nango.getCheckpoint();\n        void c;')).features).toEqual(['checkpoints']);
        expect(check(sync("        await nango.log('x');")).features).toEqual([]);
        expect(check(sync("        await nango.log('x');"), { [HELPER]: 'export const f = async (nango: any) => nango.saveCheckpoint({});\n' }).features).toEqual([]);
    });
});

it('leaves a file that does not parse to esbuild and tsc', () => {
    expect(check('export default createSync({').diagnostics).toEqual([]);
});
