import { describe, expect, it } from 'vitest';
import { parseIndexImports, specifierToRelPath, toFunctionRef } from '../../src/project/project.js';
import { withImports } from '../../src/project/index-file.js';
import { closest, didYouMean } from '../../src/util/suggest.js';
import { parseDuration } from '../../src/util/duration.js';

describe('index.ts entries', () => {
    it('reads relative side-effect imports and skips comments and other imports', () => {
        const source = [
            "import './github/syncs/issues.js';",
            "// import './github/syncs/old.js';",
            '/*',
            "import './github/actions/hidden.js';",
            '*/',
            "import { x } from './helpers.js';",
            'import "./slack/actions/send-message";'
        ].join('\n');
        expect(parseIndexImports(source)).toEqual([
            { specifier: './github/syncs/issues.js', line: 1 },
            { specifier: './slack/actions/send-message', line: 7 }
        ]);
        expect(specifierToRelPath('./slack/actions/send-message')).toBe('slack/actions/send-message.ts');
    });

    it('classifies function files by folder', () => {
        expect(toFunctionRef('/p', 'github/on-events/setup.ts', 3)).toMatchObject({ type: 'onEvent', id: 'github_on-events_setup', name: 'setup' });
        expect(toFunctionRef('/p', 'helpers/util.ts', 1)).toBeUndefined();
    });

    it('adds an import once and keeps the other lines', () => {
        const source = "// my functions\nimport './github/syncs/issues.js';";
        const next = withImports(source, ['github/actions/create-issue.ts', 'github/syncs/issues.ts']);
        expect(next).toBe("// my functions\nimport './github/syncs/issues.js';\nimport './github/actions/create-issue.js';\n");
        expect(withImports(next, ['github/actions/create-issue.ts'])).toBe(next);
    });
});

describe('suggestions and durations', () => {
    it('suggests close names', () => {
        expect(closest('fetch-issue', ['fetch-issues', 'create-issue', 'list-repos'])[0]).toBe('fetch-issues');
        expect(didYouMean('zzzzzz', ['fetch-issues'])).toBe('');
    });

    it('parses the frequency and timeout forms users write', () => {
        expect(parseDuration('every hour')).toBe(3_600_000);
        expect(parseDuration('every 5 minutes')).toBe(300_000);
        expect(parseDuration('30m')).toBe(1_800_000);
        expect(parseDuration('1500ms')).toBe(1500);
        expect(parseDuration('every day')).toBe(86_400_000);
        expect(parseDuration('soon')).toBeUndefined();
    });
});
