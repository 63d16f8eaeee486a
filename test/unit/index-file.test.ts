/** index.ts registration keeps the file's own line endings. */
import { describe, expect, it } from 'vitest';
import { withImports } from '../../src/project/index-file.js';

describe('withImports line endings', () => {
    it('appends with CRLF to a CRLF file, ending included', () => {
        const source = "// my functions\r\nimport './github/syncs/issues.js';\r\n";
        expect(withImports(source, ['github/actions/create-issue.ts', 'linear/actions/create-ticket.ts'])).toBe(
            "// my functions\r\nimport './github/syncs/issues.js';\r\nimport './github/actions/create-issue.js';\r\nimport './linear/actions/create-ticket.js';\r\n"
        );
    });

    it('ends the last line with CRLF when a CRLF file has no final line break', () => {
        const source = "// my functions\r\nimport './github/syncs/issues.js';";
        expect(withImports(source, ['github/actions/create-issue.ts'])).toBe(
            "// my functions\r\nimport './github/syncs/issues.js';\r\nimport './github/actions/create-issue.js';\r\n"
        );
    });

    it('keeps LF for an LF file, an empty file and a one-line file', () => {
        expect(withImports("import './github/syncs/issues.js';\n", ['github/actions/create-issue.ts'])).toBe(
            "import './github/syncs/issues.js';\nimport './github/actions/create-issue.js';\n"
        );
        expect(withImports('', ['github/actions/create-issue.ts'])).toBe("import './github/actions/create-issue.js';\n");
        expect(withImports("import './github/syncs/issues.js';", ['github/actions/create-issue.ts'])).toBe(
            "import './github/syncs/issues.js';\nimport './github/actions/create-issue.js';\n"
        );
    });

    it('follows the majority in a file with mixed endings', () => {
        const mostlyCrlf = "// a\r\n// b\r\nimport './github/syncs/issues.js';\n";
        expect(withImports(mostlyCrlf, ['github/actions/create-issue.ts'])).toBe(`${mostlyCrlf}import './github/actions/create-issue.js';\r\n`);
        const mostlyLf = "// a\n// b\nimport './github/syncs/issues.js';\r\n";
        expect(withImports(mostlyLf, ['github/actions/create-issue.ts'])).toBe(`${mostlyLf}import './github/actions/create-issue.js';\n`);
    });

    it('recognises an import already registered on a CRLF line and changes nothing', () => {
        const source = "import './github/syncs/issues.js';\r\n";
        expect(withImports(source, ['github/syncs/issues.ts'])).toBe(source);
    });
});
