import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseIndex, scanIndex } from '../../src/project/index-scan.js';
import { loadProject, parseIndexImports } from '../../src/project/project.js';
import { makeTempDir } from '../support/cli.js';

const A = './github/syncs/a.js';

describe('scanIndex: imports that share their line with other code or comments', () => {
    it.each([
        ["import './github/syncs/a.js'; /* note */", 'a block comment after it'],
        ["import'./github/syncs/a.js';", 'no space after import'],
        ["/* a */ import './github/syncs/a.js';", 'a block comment before it'],
        ["import /* the sync */ './github/syncs/a.js' // trailing", 'comments between and after'],
        ["import './github/syncs/a.js'; export {};", 'more code after the semicolon'],
        ["import './github/syncs/a.js' with { type: 'js' };", 'an import attribute'],
        ["import\n    './github/syncs/a.js';", 'the path on the next line']
    ])('%s (%s)', (source) => {
        expect(scanIndex(source)).toEqual({ entries: [{ specifier: A, line: 1 }], broken: [] });
    });

    it('finds every import on a line, each with its line', () => {
        const source = "// two per line\nimport './a.js'; import './b.js';\nimport \"./c.js\"\nimport './d.js'";
        expect(scanIndex(source)).toEqual({
            entries: [
                { specifier: './a.js', line: 2 },
                { specifier: './b.js', line: 2 },
                { specifier: './c.js', line: 3 },
                { specifier: './d.js', line: 4 }
            ],
            broken: []
        });
    });

    it('counts lines across CRLF breaks, multi-line comments and templates', () => {
        const source = ['/* one', " * import './no.js'", ' */', 'const t = `', "${'}'} import './no.js'", '`;', "import './yes.js';"].join('\r\n');
        expect(scanIndex(source)).toEqual({ entries: [{ specifier: './yes.js', line: 7 }], broken: [] });
    });
});

describe('scanIndex: text that only looks like an import', () => {
    it('skips comments, strings, templates (with ${} nesting) and regular expressions', () => {
        const source = [
            "// import './in-a-line-comment.js';",
            "/* import './in-a-block-comment.js'; */",
            "const s = \"import './in-a-string.js';\";",
            "const t = `import './x`;",
            "const u = `${`import './nested.js'`} ${ { a: '}' }.a } import './after-braces.js'`;",
            "const r = /import '.\\/in-a-regex.js'/;",
            "const half = 4 / 2; import './after-a-division.js';",
            "import './real.js';"
        ].join('\n');
        expect(scanIndex(source)).toEqual({
            entries: [
                { specifier: './after-a-division.js', line: 7 },
                { specifier: './real.js', line: 8 }
            ],
            broken: []
        });
    });

    it('ignores imports that are not side-effect imports, and properties named import', () => {
        const source = [
            "import x from './x.js';",
            "import { y } from './y.js';",
            "import type { Z } from './z.js';",
            "import * as all from './all.js';",
            "const lazy = import('./lazy.js');",
            'const here = import.meta.url;',
            "loader.import './not-a-keyword.js';",
            "reimport './part-of-a-word.js';",
            "const o = { import: './key.js' };"
        ].join('\n');
        expect(scanIndex(source)).toEqual({ entries: [], broken: [] });
    });

    it('registers only paths: a package is a valid import but not a function; a parent folder is read so it can be refused', () => {
        expect(parseIndexImports("import 'dotenv/config';\nimport '../shared/setup.js';\nimport './github/syncs/a.js';")).toEqual([
            { specifier: '../shared/setup.js', line: 2 },
            { specifier: A, line: 3 }
        ]);
    });
});

describe('scanIndex: imports that do not parse', () => {
    it('reports a quote not closed before the end of the line, and goes on with the next line', () => {
        expect(scanIndex("import './x\nimport './github/syncs/a.js';")).toEqual({
            entries: [{ specifier: A, line: 2 }],
            broken: [{ line: 1, text: "import './x", fix: "close the quote, e.g. import './<integration>/<syncs|actions|on-events>/<name>.js';" }]
        });
    });

    it('reports an unquoted path, a backtick path and code after the path on the same line', () => {
        const source = ['import ./github/syncs/a.js;', 'import `./github/syncs/a.js`;', "import './github/syncs/a.js' and more", "import 'dotenv/config"].join('\n');
        const scan = scanIndex(source);
        expect(scan.entries).toEqual([]);
        expect(scan.broken.map(({ line, text }) => [line, text])).toEqual([
            [1, 'import ./github/syncs/a.js;'],
            [2, 'import `./github/syncs/a.js`;'],
            [3, "import './github/syncs/a.js' and more"],
            [4, "import 'dotenv/config"]
        ]);
        expect(scan.broken.map(({ fix }) => fix.split(',')[0])).toEqual([
            'quote the path',
            "quote the path with ' instead of a backtick",
            'end the line after the quoted path',
            'close the quote'
        ]);
    });

    it('is a project error whose message names the import once and leaves the location to the diagnostic', async () => {
        const { dir, cleanup } = await makeTempDir('ferry-index-');
        try {
            await mkdir(join(dir, '.nango'));
            await mkdir(join(dir, 'github/syncs'), { recursive: true });
            await writeFile(join(dir, 'github/syncs/a.ts'), 'export default {};\n');
            await writeFile(join(dir, 'index.ts'), "import './github/syncs/a.js'; import './github/syncs/half\n");
            const project = await loadProject(dir);
            expect(project.entries.map((e) => [e.id, e.indexLine])).toEqual([['github_syncs_a', 1]]);
            expect(project.problems).toEqual([
                {
                    file: join(dir, 'index.ts'),
                    line: 1,
                    code: 'ENTRY_SYNTAX',
                    message: "this import does not parse (import './github/syncs/half): close the quote, e.g. import './<integration>/<syncs|actions|on-events>/<name>.js';"
                }
            ]);
        } finally {
            await cleanup();
        }
    });
});

describe('scanIndex: the plain index.ts fast path', () => {
    it('reads a plain index.ts exactly as the parser does', () => {
        const lines = [
            "import './github/syncs/issues.js';",
            '',
            '// Actions',
            'import "./github/actions/create-issue.js"',
            "  import './slack/on-events/setup.js' ;  ",
            "import 'zod';",
            '\t// indented comment',
            "import './a.js'"
        ];
        for (const eol of ['\n', '\r\n']) {
            for (const ending of ['', eol]) {
                const source = lines.join(eol) + ending;
                const scan = scanIndex(source);
                expect(scan).toEqual(parseIndex(source));
                expect(scan.entries.map((e) => e.line)).toEqual([1, 4, 5, 8]);
            }
        }
        expect(scanIndex('')).toEqual(parseIndex(''));
    });

    // A whole-file regex once took seconds to minutes on these: spaces it could split many ways.
    it('settles at once on files that are almost plain', { timeout: 2_000 }, () => {
        const almost = [
            `${'// Registered functions    \n'.repeat(40)}import './github/syncs/a.js';\n/* block */\n`,
            `${'    \n'.repeat(200)}export {};\n`,
            `${"import './github/syncs/a.js';   \t \n".repeat(2000)}junk\n`
        ];
        for (const source of almost) expect(scanIndex(source)).toEqual(parseIndex(source));
    });

    it('ends a comment at U+2028 as JavaScript does', () => {
        const source = "// note\u2028import './github/syncs/x.js';\n";
        expect(scanIndex(source)).toEqual(parseIndex(source));
        expect(scanIndex(source).entries).toEqual([{ specifier: './github/syncs/x.js', line: 1 }]);
    });

    it('leaves anything else to the parser', () => {
        for (const source of ["import './a.js' // note", "import './x", "import 'a\\'b.js';", '/* block */', "export {};\nimport './a.js';"]) {
            expect(scanIndex(source)).toEqual(parseIndex(source));
        }
    });
});
