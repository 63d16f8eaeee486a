import { describe, expect, it } from 'vitest';
import { candidatePaths, findImportSpecifiers, findImports, isRelativeSpecifier } from '../../src/clone/imports.js';
import { parseRepo, parseTemplateSpec } from '../../src/clone/spec.js';
import { describeReset } from '../../src/clone/github-errors.js';
import { FerryError } from '../../src/errors.js';

describe('findImportSpecifiers', () => {
    it('finds every kind of import and re-export, type-only ones included, in order and once', () => {
        const source = [
            "import { createSync } from 'nango';",
            "import type { GithubIssue } from '../models.js';",
            'import {',
            '    getAll,',
            '    type Page',
            "} from '../helpers/paginate.js';",
            "import * as mappers from '../mappers';",
            "import defaultThing, { named as alias } from \"./local.ts\";",
            "import '../side-effect.js';",
            "export { toRepo } from './to-repo.js';",
            "export type { Shape } from '../types.js';",
            "export * from '../shared/index.js';",
            "const lazy = await import('./lazy.js');",
            "const legacy = require('../legacy');",
            "import type { GithubIssue as Again } from '../models.js';"
        ].join('\n');
        expect(findImportSpecifiers(source)).toEqual([
            'nango',
            '../models.js',
            '../helpers/paginate.js',
            '../mappers',
            './local.ts',
            '../side-effect.js',
            './to-repo.js',
            '../types.js',
            '../shared/index.js',
            './lazy.js',
            '../legacy'
        ]);
    });

    it('ignores imports in comments, strings, template literals and regular expressions', () => {
        const source = [
            "// import { a } from './commented.js';",
            "/* import b from './block.js'; */",
            "const s = \"import c from './in-string.js'\";",
            "const t = `import d from './in-template.js' ${\"x\"}`;",
            "const r = /import e from '.\\/in-regex.js'/;",
            "const q = 'it\\'s fine'; import f from './real.js';",
            'export default createAction({ description: `from ${"\'./nope.js\'"}` });'
        ].join('\n');
        expect(findImportSpecifiers(source)).toEqual(['./real.js']);
    });

    it('tells type-only imports apart (they vanish when bundling)', () => {
        const source = "import type { AxiosError } from 'axios';\nimport { z } from 'zod';\nimport type { A } from './a.js';\nimport { b } from './a.js';\n";
        expect(findImports(source)).toEqual([
            { specifier: 'axios', typeOnly: true },
            { specifier: 'zod', typeOnly: false },
            { specifier: './a.js', typeOnly: false }
        ]);
    });

    it('does not mistake exported declarations for re-exports', () => {
        expect(findImportSpecifiers("export const name = 'x';\nexport default createAction({ description: 'from here' });\n")).toEqual([]);
    });
});

describe('candidatePaths', () => {
    it('maps the .js suffix TypeScript projects write to the .ts file first', () => {
        expect(candidatePaths('integrations/github/actions/a.ts', '../helpers/x.js')[0]).toBe('integrations/github/helpers/x.ts');
    });

    it('tries a module file, then a folder index, for an extensionless import', () => {
        const candidates = candidatePaths('integrations/github/actions/a.ts', '../mappers');
        expect(candidates.slice(0, 4)).toEqual([
            'integrations/github/mappers.ts',
            'integrations/github/mappers.tsx',
            'integrations/github/mappers.d.ts',
            'integrations/github/mappers/index.ts'
        ]);
        expect(candidatePaths('integrations/github/a.ts', './date.utils')[0]).toBe('integrations/github/date.utils.ts');
    });

    it('keeps explicit .ts and .json imports as they are', () => {
        expect(candidatePaths('integrations/x/a.ts', './b.ts')).toEqual(['integrations/x/b.ts']);
        expect(candidatePaths('integrations/x/a.ts', '../data.json')).toEqual(['integrations/data.json']);
    });

    it('tells relative specifiers from packages', () => {
        expect(['.', '..', './x', '../x'].every(isRelativeSpecifier)).toBe(true);
        expect(['zod', 'nango', '@scope/pkg', 'node:crypto', '.hidden'].some(isRelativeSpecifier)).toBe(false);
    });
});

describe('parseTemplateSpec', () => {
    it('reads the three forms and the spellings people paste', () => {
        expect(parseTemplateSpec('github')).toEqual({ kind: 'integration', integration: 'github' });
        expect(parseTemplateSpec('github/actions')).toEqual({ kind: 'folder', integration: 'github', folder: 'actions' });
        expect(parseTemplateSpec('github/actions/list-repos')).toEqual({ kind: 'function', integration: 'github', folder: 'actions', name: 'list-repos' });
        expect(parseTemplateSpec('integrations/github/action/list-repos.ts')).toEqual({ kind: 'function', integration: 'github', folder: 'actions', name: 'list-repos' });
        expect(parseTemplateSpec('github/on-event/')).toEqual({ kind: 'folder', integration: 'github', folder: 'on-events' });
    });

    it('rejects what cannot be a template before any request', () => {
        for (const bad of ['', 'a/b/c/d', 'github/../x', 'github/webhooks', 'git hub']) {
            expect(() => parseTemplateSpec(bad)).toThrow(FerryError);
        }
        // The folders a project uses for its own files, refused as generate refuses them.
        for (const reserved of ['build/actions/x', 'node_modules', 'dist/syncs']) {
            expect(() => parseTemplateSpec(reserved)).toThrow(/cannot be an integration id/);
        }
    });

    it('reads --repo as owner/name or a GitHub URL', () => {
        expect(parseRepo('NangoHQ/integration-templates')).toEqual({ owner: 'NangoHQ', name: 'integration-templates' });
        expect(parseRepo('https://github.com/acme/templates.git')).toEqual({ owner: 'acme', name: 'templates' });
        expect(() => parseRepo('just-a-name')).toThrow(FerryError);
        expect(() => parseRepo('a/b/c')).toThrow(FerryError);
    });
});

describe('describeReset', () => {
    it('gives the reset time in UTC and how far away it is', () => {
        const now = Date.parse('2030-01-01T13:53:00Z');
        expect(describeReset(String(Date.parse('2030-01-01T14:05:00Z') / 1000), now)).toBe('14:05 UTC (in 12 min)');
        expect(describeReset(undefined, now)).toBeUndefined();
        expect(describeReset('garbage', now)).toBeUndefined();
    });
});
