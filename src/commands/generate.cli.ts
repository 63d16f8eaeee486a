/**
 * `ferry generate`, and Nango's spellings of it (`create`, `generate:tests`): their arguments,
 * flags and help, and the options they give src/commands/generate.ts.
 */
import { defineCommand } from './define.js';

const load = () => import('./generate.js');

/** generate:tests' -i/-s/-a filters (also on `generate tests`). */
function testFilters(o: { integration?: string | undefined; sync?: string | undefined; action?: string | undefined }): { onlyIntegration?: string; onlySync?: string; onlyAction?: string } {
    return {
        ...(typeof o.integration === 'string' ? { onlyIntegration: o.integration } : {}),
        ...(typeof o.sync === 'string' ? { onlySync: o.sync } : {}),
        ...(typeof o.action === 'string' ? { onlyAction: o.action } : {})
    };
}

const filterFlags = (scope: string) =>
    [
        { flags: '-i, --integration <id>', description: `${scope}only the fixtures of this integration`, complete: 'integration' },
        { flags: '-s, --sync <name>', description: `${scope}only the fixtures of this sync`, complete: 'function' },
        { flags: '-a, --action <name>', description: `${scope}only the fixtures of this action`, complete: 'function' }
    ] as const;

const eventFlag = { flags: '--event <event>', description: 'on-event only: post-connection-creation (default) | pre-connection-deletion | validate-connection' } as const;

export const generateCommand = defineCommand({
    name: 'generate',
    description: 'add a sync, action or on-event function (or vitest files for fixtures, or AGENTS.md)',
    module: 'generate',
    load,
    args: [
        { name: '<kind>', description: 'sync | action | on-event | tests | agents', complete: 'kind' },
        { name: '[integration]', description: 'integration id, e.g. github (required except for tests and agents)', complete: 'integration' },
        { name: '[name]', description: 'kebab-case function name (required except for tests and agents)' }
    ],
    flags: [eventFlag, ...filterFlags('tests only: ')],
    help: [
        '',
        'Examples:',
        '  ferry generate sync github pull-requests      github/syncs/pull-requests.ts, imported in index.ts',
        '  ferry generate action github create-comment',
        '  ferry generate on-event github check-access --event validate-connection',
        '  ferry generate tests                          vitest files for the recorded fixtures',
        '  ferry generate agents                         AGENTS.md for coding agents (refreshed only if Ferry wrote it)',
        '',
        'Exit codes: 0 written, 1 bad arguments, an existing function or not a project (nothing written).'
    ],
    options: ([kind, integration, name], o) => ({ kind, integration, name, event: o.event, ...testFilters(o) })
});

export const createCommand = defineCommand({
    name: 'create',
    description: "add a sync, action or on-event function (Nango's name for `ferry generate <kind>`)",
    module: 'generate',
    load,
    args: [
        { name: '[integration]', description: 'integration id, e.g. github', complete: 'integration' },
        { name: '[name]', description: 'kebab-case function name' }
    ],
    flags: [{ flags: '--sync', description: 'a sync' }, { flags: '--action', description: 'an action' }, { flags: '--on-event', description: 'an on-event function' }, eventFlag],
    options: ([integration, name], o) => ({ kind: createKind(o), integration, name, event: o.event, via: 'create' })
});

function createKind(o: { sync?: boolean | undefined; action?: boolean | undefined; onEvent?: boolean | undefined }): string | undefined {
    const kinds = [o.sync && 'sync', o.action && 'action', o.onEvent && 'on-event'].filter((kind): kind is string => Boolean(kind));
    return kinds.length === 1 ? kinds[0] : kinds.length > 1 ? kinds.join('+') : undefined;
}

export const generateTestsCommand = defineCommand({
    name: 'generate:tests',
    description: 'vitest files for the recorded fixtures (same as `ferry generate tests`)',
    module: 'generate',
    load,
    flags: filterFlags(''),
    options: (_args, o) => ({ kind: 'tests', ...testFilters(o) })
});
