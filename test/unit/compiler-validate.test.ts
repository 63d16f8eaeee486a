import { describe, expect, it } from 'vitest';
import { createRequire } from 'node:module';
import { summarizeDefinition } from '../../src/compiler/summarize.js';
import type { FunctionDefinition } from '../../src/compiler/types.js';
import { validateDefinition, validateProject } from '../../src/compiler/validate.js';
import { toFunctionRef } from '../../src/project/project.js';

// The CommonJS zod a bundle gets at evaluation, and definitions shaped as the SDK shim returns
// them (`{ type, ...props }`): what validate sees after compile evaluates a bundle.
const { z } = createRequire(import.meta.url)('zod') as typeof import('zod');

const ref = (relPath: string) => toFunctionRef('/p', relPath, 1)!;
const exec = async () => undefined;
const noSource = () => undefined;

const Issue = z.object({ id: z.string(), title: z.string() });
const syncProps = { description: 'Fetches issues', frequency: 'every hour', models: { Issue }, exec };

const sync = (props: Record<string, unknown>) => ({ type: 'sync', ...syncProps, ...props });
const action = (props: Record<string, unknown>) => ({ type: 'action', description: 'Creates an issue', input: z.object({ title: z.string() }), output: z.void(), exec, ...props });
const onEvent = (props: Record<string, unknown>) => ({ type: 'onEvent', description: 'Registers a webhook', event: 'post-connection-creation', exec, ...props });

const ISSUES = ref('github/syncs/issues.ts');
const check = (definition: unknown, at = ISSUES) => validateDefinition(at, definition, noSource);
const codes = (definition: unknown, at = ISSUES) => check(definition, at).map((d) => d.code);

describe('validateDefinition', () => {
    it('accepts complete definitions of each type', () => {
        expect(check(sync({ endpoints: [{ method: 'GET', path: '/issues' }], checkpoint: z.object({ since: z.string(), page: z.number().optional(), done: z.boolean() }) }))).toEqual([]);
        expect(check(action({ endpoint: { method: 'POST', path: '/issues' } }), ref('github/actions/create-issue.ts'))).toEqual([]);
        expect(check(onEvent({}), ref('github/on-events/setup.ts'))).toEqual([]);
    });

    it('MISSING_DESCRIPTION for no description or a blank one, at the line where it is written', () => {
        const [missing] = check(sync({ description: undefined }));
        expect(missing).toMatchObject({ code: 'MISSING_DESCRIPTION', file: '/p/github/syncs/issues.ts', function: 'github/issues' });
        expect(missing!.message).toBe("sync 'issues' has no description: add `description: '<what it does>'`; the platform shows it to your users");

        const source = "import { createSync } from 'nango';\nexport default createSync({\n    description: '  ',\n    exec\n});\n";
        const [blank] = validateDefinition(ISSUES, sync({ description: '  ' }), () => source);
        expect(blank).toMatchObject({ code: 'MISSING_DESCRIPTION', line: 3, column: 5 });
    });

    it('EXEC_NOT_FUNCTION shows the exec signature of the function type', () => {
        const [forSync] = check(sync({ exec: 'run' }));
        expect(forSync!.code).toBe('EXEC_NOT_FUNCTION');
        expect(forSync!.message).toBe("sync 'issues' has no exec function: add `exec: async (nango) => { ... }`");

        const [forAction] = check(action({ exec: undefined }), ref('github/actions/create-issue.ts'));
        expect(forAction!.code).toBe('EXEC_NOT_FUNCTION');
        expect(forAction!.message).toContain("action 'create-issue' has no exec function: add `exec: async (nango, input) => { ... }`");
    });

    describe('frequency lies between 30 seconds and 31 days', () => {
        it.each(['every 30 seconds', '30s', 'every 31 days', '744h'])('accepts %s', (frequency) => {
            expect(check(sync({ frequency }))).toEqual([]);
        });

        it('refuses more often than every 30 seconds', () => {
            const [diagnostic] = check(sync({ frequency: 'every 29 seconds' }));
            expect(diagnostic!.code).toBe('BAD_FREQUENCY');
            expect(diagnostic!.message).toBe(
                "sync 'issues' runs more often than the platform allows ('every 29 seconds' is 29.0 s): use a frequency between 'every 30 seconds' and 'every 31 days'"
            );
        });

        it('refuses less often than every 31 days, saying how long that is in days', () => {
            const [forty] = check(sync({ frequency: 'every 40 days' }));
            expect(forty!.code).toBe('BAD_FREQUENCY');
            expect(forty!.message).toBe("sync 'issues' runs less often than the platform allows ('every 40 days' is 40d): use a frequency between 'every 30 seconds' and 'every 31 days'");
            const [justOver] = check(sync({ frequency: '745h' }));
            expect(justOver!.code).toBe('BAD_FREQUENCY');
            expect(justOver!.message).toContain("less often than the platform allows ('745h' is 31d 1h)");
        });
    });

    it('ENDPOINT_MISMATCH when endpoints and models differ in number', () => {
        const [diagnostic] = check(sync({ models: { Issue, Label: z.object({ id: z.string() }) }, endpoints: [{ method: 'GET', path: '/issues' }] }));
        expect(diagnostic!.code).toBe('ENDPOINT_MISMATCH');
        expect(diagnostic!.message).toBe("sync 'issues' has 1 endpoint for 2 models: give one endpoint per model, in the same order, or remove endpoints");
        expect(codes(sync({ endpoints: [] }))).toEqual(['ENDPOINT_MISMATCH']);
        expect(check(sync({ endpoints: [] }))[0]!.message).toContain('has 0 endpoints for 1 model:');
    });

    it('MODEL_WITHOUT_ID names the model and how to add the id', () => {
        const [diagnostic] = check(sync({ models: { Issue, Label: z.object({ name: z.string() }) }, endpoints: undefined }));
        expect(diagnostic!.code).toBe('MODEL_WITHOUT_ID');
        expect(diagnostic!.message).toBe("sync 'issues' has model 'Label' without an id field: records are saved by id, add id: z.string() (or z.number())");
    });

    it('BAD_EVENT for an unknown or missing on-event name, listing the valid ones', () => {
        const setup = ref('github/on-events/setup.ts');
        const [unknown] = check(onEvent({ event: 'post-connection' }), setup);
        expect(unknown!.code).toBe('BAD_EVENT');
        expect(unknown!.message).toBe("on-event 'setup' has event 'post-connection': use one of 'post-connection-creation', 'pre-connection-deletion', 'validate-connection'");
        const [missing] = check(onEvent({ event: undefined }), setup);
        expect(missing!.code).toBe('BAD_EVENT');
        expect(missing!.message).toContain("on-event 'setup' has event missing: use one of");
    });

    it('CHECKPOINT_NOT_FLAT names each nested field and its type, or a schema that is not an object', () => {
        const [nested] = check(sync({ checkpoint: z.object({ cursor: z.string(), seen: z.array(z.string()), page: z.object({ n: z.number() }).optional() }) }));
        expect(nested!.code).toBe('CHECKPOINT_NOT_FLAT');
        expect(nested!.message).toBe(
            "sync 'issues' has a checkpoint with 'seen' (array), 'page' (object): checkpoint fields must be string, number or boolean; store nested data as a JSON string"
        );
        const [notObject] = check(sync({ checkpoint: z.string() }));
        expect(notObject!.code).toBe('CHECKPOINT_NOT_FLAT');
        expect(notObject!.message).toContain("sync 'issues' has a checkpoint that is not a zod object: write checkpoint: z.object({ cursor: z.string() })");
        expect(check(sync({ checkpoint: z.void() }))).toEqual([]);
    });
});

describe('validateProject', () => {
    const summarized = (relPath: string, definition: Record<string, unknown>) => {
        const at = ref(relPath);
        expect(validateDefinition(at, definition, noSource)).toEqual([]);
        return { ref: at, summary: summarizeDefinition(at, definition as unknown as FunctionDefinition) };
    };

    it('DUPLICATE_MODEL when two functions of one integration give a model name different fields', () => {
        const issues = summarized('github/syncs/issues.ts', sync({}));
        const same = summarized('github/syncs/open-issues.ts', sync({}));
        const other = summarized('github/syncs/closed-issues.ts', sync({ models: { Issue: z.object({ id: z.string(), closedAt: z.string() }) } }));
        const elsewhere = summarized('gitlab/syncs/issues.ts', sync({ models: { Issue: z.object({ id: z.number() }) } }));

        const diagnostics = validateProject([issues, same, other, elsewhere]);
        expect(diagnostics).toHaveLength(1);
        expect(diagnostics[0]).toMatchObject({ code: 'DUPLICATE_MODEL', file: '/p/github/syncs/closed-issues.ts', function: 'github/closed-issues' });
        expect(diagnostics[0]!.message).toBe(
            "sync 'closed-issues' declares model 'Issue', which github/syncs/issues.ts already declares with different fields: a model name means one schema per integration, share one definition (import it from a common file) or rename one"
        );
    });

    it('DUPLICATE_ENDPOINT when two functions of one integration use one method and path, whatever the case of the method', () => {
        const issues = summarized('github/syncs/issues.ts', sync({ endpoints: [{ method: 'GET', path: '/issues' }] }));
        const create = summarized('github/actions/create-issue.ts', action({ endpoint: { method: 'POST', path: '/issues' } }));
        const list = summarized('github/actions/list-issues.ts', action({ endpoint: { method: 'get', path: '/issues' } }));
        const elsewhere = summarized('gitlab/actions/list-issues.ts', action({ endpoint: { method: 'GET', path: '/issues' } }));

        const diagnostics = validateProject([issues, create, list, elsewhere]);
        expect(diagnostics).toHaveLength(1);
        expect(diagnostics[0]).toMatchObject({ code: 'DUPLICATE_ENDPOINT', file: '/p/github/actions/list-issues.ts', function: 'github/list-issues' });
        expect(diagnostics[0]!.message).toBe(
            "action 'list-issues' uses endpoint GET /issues, which github/syncs/issues.ts already uses in integration 'github': endpoints are unique per integration, change the path"
        );
    });
});
