/** `ferry test`: its arguments, flags and help, and the options they give src/commands/test.ts. */
import { defineCommand } from './define.js';

export const testCommand = defineCommand({
    name: 'test',
    description: 'replay recorded fixtures offline',
    module: 'test',
    load: () => import('./test.js'),
    args: [{ name: '[function]', description: 'only this function', complete: 'function' }],
    flags: [
        { flags: '--integration <id>', description: 'only this integration', complete: 'integration' },
        { flags: '--now <iso>', description: "the functions' clock, instead of each fixture's recording time" },
        { flags: '--vitest', description: "run the project's own *.test.ts files with vitest (nango/test resolved to Ferry when nango is not installed)" }
    ],
    help: [
        '',
        'Examples:',
        '  ferry test                     replay every <integration>/tests/*.test.json offline',
        '  ferry test issues --json',
        '  ferry test --now 2025-06-01T00:00:00Z',
        "  ferry test --vitest            the vitest suite, with Ferry's nango/test mocks",
        '',
        "Exit codes: 0 all passed, 1 a fixture failed (a function that does not build fails its fixtures) or none found; with --vitest, vitest's own."
    ],
    options: ([functionName], o) => ({ functionName, integration: o.integration, now: o.now, vitest: Boolean(o.vitest) })
});
