import { describe, expect, it } from 'vitest';
import { createRequire } from 'node:module';
import { summarizeDefinition } from '../../src/compiler/summarize.js';
import type { FunctionDefinition } from '../../src/compiler/types.js';
import { projectWarnings, summaryWarnings, validateDefinition, validateProject } from '../../src/compiler/validate.js';
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
const action_ = (props: Record<string, unknown>) => ({ type: 'action', description: 'Creates an issue', input: z.object({ title: z.string() }), output: z.void(), exec, ...props });
const onEvent = (props: Record<string, unknown>) => ({ type: 'onEvent', description: 'Registers a webhook', event: 'post-connection-creation', exec, ...props });

const ISSUES = ref('github/syncs/issues.ts');
const check = (definition: unknown, at = ISSUES) => validateDefinition(at, definition, noSource);
const codes = (definition: unknown, at = ISSUES) => check(definition, at).map((d) => d.code);

describe('validateDefinition', () => {
    it('accepts complete definitions of each type', () => {
        expect(check(sync({ endpoints: [{ method: 'GET', path: '/issues' }], checkpoint: z.object({ since: z.string(), page: z.number().optional(), done: z.boolean() }) }))).toEqual([]);
        expect(check(action_({ endpoint: { method: 'POST', path: '/issues' } }), ref('github/actions/create-issue.ts'))).toEqual([]);
        expect(check(onEvent({}), ref('github/on-events/setup.ts'))).toEqual([]);
    });

    it('MISSING_DESCRIPTION for no description, at the line where it is written; a blank one is only a warning', () => {
        const [missing] = check(sync({ description: undefined }));
        expect(missing).toMatchObject({ code: 'MISSING_DESCRIPTION', file: '/p/github/syncs/issues.ts', function: 'github/issues' });
        expect(missing!.message).toBe("sync 'issues' has no description: add `description: '<what it does>'`; the platform shows it to your users");
        expect(missing!.severity).toBeUndefined();

        const source = "import { createSync } from 'nango';\nexport default createSync({\n    description: '  ',\n    exec\n});\n";
        expect(validateDefinition(ISSUES, sync({ description: '  ' }), () => source)).toEqual([]);
        const summary = summarizeDefinition(ISSUES, sync({ description: '  ' }) as unknown as FunctionDefinition);
        const [blank] = summaryWarnings(ISSUES, summary, () => source);
        expect(blank).toMatchObject({ code: 'EMPTY_DESCRIPTION', severity: 'warning', line: 3, column: 5 });
    });

    it('BAD_DESCRIPTION past the 2000 characters the platform stores', () => {
        expect(codes(sync({ description: 'x'.repeat(2001) }))).toEqual(['BAD_DESCRIPTION']);
        expect(check(sync({ description: 'x'.repeat(2000) }))).toEqual([]);
    });

    it('EXEC_NOT_FUNCTION shows the exec signature of the function type', () => {
        const [forSync] = check(sync({ exec: 'run' }));
        expect(forSync!.code).toBe('EXEC_NOT_FUNCTION');
        expect(forSync!.message).toBe("sync 'issues' has no exec function: add `exec: async (nango) => { ... }`");

        const [forAction] = check(action_({ exec: undefined }), ref('github/actions/create-issue.ts'));
        expect(forAction!.code).toBe('EXEC_NOT_FUNCTION');
        expect(forAction!.message).toContain("action 'create-issue' has no exec function: add `exec: async (nango, input) => { ... }`");
    });

    describe('frequency as Nango reads it (ms grammar, at least 30 seconds) and the platform accepts it', () => {
        it.each(['every 30 seconds', '30s', 'every 31 days', '744h', 'every hour', 'every half day', 'every quarter hour', 'every week', 'every month', '1h', 'every 5 minutes', 'every 2 days'])('accepts %s', (frequency) => {
            expect(check(sync({ frequency }))).toEqual([]);
        });

        it('refuses more often than every 30 seconds', () => {
            const [diagnostic] = check(sync({ frequency: 'every 29 seconds' }));
            expect(diagnostic!.code).toBe('BAD_FREQUENCY');
            expect(diagnostic!.message).toBe("sync 'issues' runs more often than the platform allows ('every 29 seconds' is 29.0 s): use at least 'every 30 seconds'");
        });

        // 'every minute' has no number for ms; '2 weeks', '1.5h' and years parse, but the platform's schema refuses them.
        it.each(['every minute', 'hourly', 'every 2 weeks', '1.5h', 'every 1 year', '60000', 'Every Hour'])('refuses %s', (frequency) => {
            const [diagnostic] = check(sync({ frequency }));
            expect(diagnostic!.code).toBe('BAD_FREQUENCY');
            expect(diagnostic!.message).toContain(`has frequency '${frequency}', which`);
        });

        it('only warns past the 31 days Nango documents, as the platform deploys it', () => {
            expect(check(sync({ frequency: 'every 40 days' }))).toEqual([]);
            const summary = summarizeDefinition(ISSUES, sync({ frequency: 'every 40 days' }) as unknown as FunctionDefinition);
            const [warning] = summaryWarnings(ISSUES, summary, noSource);
            expect(warning).toMatchObject({ code: 'LONG_FREQUENCY', severity: 'warning' });
            expect(warning!.message).toBe("sync 'issues' runs every 40d, longer than the 31 days the platform documents: it may not run on time, use 'every 31 days' or less");
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
        expect(diagnostic!.message).toBe("sync 'issues' has model 'Label' without an id field: records are saved by id, add id: z.string()");
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

describe("Nango's refusals and Ferry's warnings", () => {
    const warningsOf = (definition: Record<string, unknown>, at = ISSUES) => summaryWarnings(at, summarizeDefinition(at, definition as unknown as FunctionDefinition), noSource);

    it('TRACK_DELETES_INCREMENTAL: trackDeletes on an incremental sync, which Nango and the platform refuse', () => {
        expect(codes(sync({ syncType: 'incremental', trackDeletes: true }))).toEqual(['TRACK_DELETES_INCREMENTAL']);
        expect(check(sync({ syncType: 'full', trackDeletes: true }))).toEqual([]);
        expect(warningsOf(sync({ trackDeletes: true })).map((d) => d.code)).toEqual(['TRACK_DELETES_DEPRECATED']);
    });

    it('BAD_SCHEMA for an action without input or output (Nango cannot write its manifest entry)', () => {
        const [input] = check(action_({ input: undefined }), ref('github/actions/create-issue.ts'));
        expect(input).toMatchObject({ code: 'BAD_SCHEMA' });
        expect(input!.message).toBe("action 'create-issue' has no input: write e.g. input: z.object({ ... }), or input: z.void() for none");
        expect(codes(action_({ output: { title: 'x' } }), ref('github/actions/create-issue.ts'))).toEqual(['BAD_SCHEMA']);
    });

    it('BAD_ENDPOINT for what the platform refuses (a lower-case method, a group past 64 characters); a path without / only warns', () => {
        const create = ref('github/actions/create-issue.ts');
        expect(codes(action_({ endpoint: { method: 'post', path: '/issues' } }), create)).toEqual(['BAD_ENDPOINT']);
        expect(codes(action_({ endpoint: { method: 'POST', path: '/issues', group: 'g'.repeat(65) } }), create)).toEqual(['BAD_ENDPOINT']);
        expect(check(action_({ endpoint: { method: 'POST', path: 'issues' } }), create)).toEqual([]);
        expect(warningsOf(action_({ endpoint: { method: 'POST', path: 'issues' } }), create).map((d) => `${d.code} ${d.severity}`)).toEqual(['ENDPOINT_PATH warning']);
    });

    it('BAD_FUNCTION_NAME for a file name the platform refuses as a function name', () => {
        expect(codes(sync({}), ref('github/syncs/fetch.issues.ts'))).toEqual(['BAD_FUNCTION_NAME']);
        expect(check(sync({}), ref('github/syncs/fetch_issues-2.ts'))).toEqual([]);
    });

    it('an empty models object is allowed (Nango writes it) with a warning; no models at all is refused', () => {
        expect(check(sync({ models: {} }))).toEqual([]);
        expect(warningsOf(sync({ models: {} })).map((d) => d.code)).toEqual(['NO_MODELS']);
        expect(codes(sync({ models: undefined }))).toEqual(['MISSING_MODELS']);
    });
});

describe('validateProject', () => {
    const summarized = (relPath: string, definition: Record<string, unknown>) => {
        const at = ref(relPath);
        expect(validateDefinition(at, definition, noSource)).toEqual([]);
        return { ref: at, summary: summarizeDefinition(at, definition as unknown as FunctionDefinition) };
    };

    it('DUPLICATE_MODEL when two syncs of one integration declare one model name, even with the same fields (Nango refuses both)', () => {
        const issues = summarized('github/syncs/issues.ts', sync({}));
        const same = summarized('github/syncs/open-issues.ts', sync({}));
        const elsewhere = summarized('gitlab/syncs/issues.ts', sync({ models: { Issue: z.object({ id: z.string() }) } }));
        const action = summarized('github/actions/issues.ts', action_({}));

        const diagnostics = validateProject([issues, same, elsewhere, action]);
        expect(diagnostics).toHaveLength(1);
        expect(diagnostics[0]).toMatchObject({ code: 'DUPLICATE_MODEL', file: '/p/github/syncs/open-issues.ts', function: 'github/open-issues' });
        expect(diagnostics[0]!.message).toBe(
            "sync 'open-issues' declares model 'Issue' also in github/syncs/issues.ts: a model belongs to one sync per integration, rename it here (e.g. 'Issueopenissues') or save it from one sync only"
        );
    });

    it('DUPLICATE_ENDPOINT when one method and path is used twice in an integration, also within one sync', () => {
        const issues = summarized('github/syncs/issues.ts', sync({ endpoints: [{ method: 'GET', path: '/issues' }] }));
        const create = summarized('github/actions/create-issue.ts', action_({ endpoint: { method: 'POST', path: '/issues' } }));
        const list = summarized('github/actions/list-issues.ts', action_({ endpoint: { method: 'GET', path: '/issues' } }));
        const elsewhere = summarized('gitlab/actions/list-issues.ts', action_({ endpoint: { method: 'GET', path: '/issues' } }));
        const twice = summarized('slack/syncs/messages.ts', sync({ models: { Issue, Label: z.object({ id: z.string() }) }, endpoints: [{ method: 'GET', path: '/m' }, { method: 'GET', path: '/m' }] }));

        const diagnostics = validateProject([issues, create, list, elsewhere, twice]);
        expect(diagnostics.map((d) => `${d.function} ${d.code}`)).toEqual(['github/list-issues DUPLICATE_ENDPOINT', 'slack/messages DUPLICATE_ENDPOINT']);
        expect(diagnostics[0]!.message).toBe(
            "action 'list-issues' uses endpoint GET /issues, which github/syncs/issues.ts already uses in integration 'github': endpoints are unique per integration, change the path"
        );
        expect(diagnostics[1]!.message).toBe("sync 'messages' uses endpoint GET /m twice: endpoints are unique per integration, change the path");
    });

    it('lets a sync and an action share a name (Nango does), with a warning; two of one type clash', () => {
        const sync1 = summarized('github/syncs/issues.ts', sync({}));
        const action1 = summarized('github/actions/issues.ts', action_({}));
        expect(validateProject([sync1, action1])).toEqual([]);
        const [warning] = projectWarnings([sync1, action1]);
        expect(warning).toMatchObject({ code: 'SHARED_NAME', severity: 'warning', function: 'github/issues' });
        expect(validateProject([sync1, { ...sync1 }]).map((d) => d.code)).toContain('DUPLICATE_NAME');
    });
});
