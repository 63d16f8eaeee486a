// What the runtime checks before and around a function, and how it reports what went wrong:
// action input (refused before exec), the connection's metadata, thrown non-Errors, stacks.
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { runFunction } from '../../src/runtime/run.js';
import type { RunEvent } from '../../src/runtime/run-types.js';
import { createRedactor } from '../../src/secrets/redact.js';
import { checkInput, exampleOf } from '../../src/runtime/validation.js';
import { replay } from '../../src/testing/replay.js';
import { fakeTransport, json, useRuntimeProject } from './runtime-support.js';

const FILES: Record<string, string> = {
    'github/actions/create-comment.ts': `
import { createAction } from 'nango';
import { z } from 'zod';
export default createAction({
    description: 'posts a comment',
    input: z.object({ issue: z.number(), body: z.string(), labels: z.array(z.string()).optional() }),
    output: z.object({ id: z.number() }),
    exec: async (nango, input) => {
        const res = await nango.post({ endpoint: '/repos/octo/hello/issues/' + input.issue + '/comments', data: { body: input.body } });
        return { id: res.data.id };
    }
});
`,
    'github/actions/ping.ts': `
import { createAction } from 'nango';
import { z } from 'zod';
export default createAction({ description: 'takes no input', input: z.void(), output: z.any(), exec: async (nango) => (await nango.get({ endpoint: '/ping' })).data });
`,
    'github/actions/throws.ts': `
import { createAction } from 'nango';
import { z } from 'zod';
export default createAction({
    description: 'throws what it is told to',
    input: z.object({ what: z.string() }),
    output: z.void(),
    exec: async (nango, input) => {
        if (input.what === 'object') throw { weird: true };
        if (input.what === 'string') throw 'plain text';
        if (input.what === 'number') throw 42;
        if (input.what === 'big') throw { list: Array.from({ length: 200 }, (_, i) => 'item-' + i) };
        // The token runs from character 289 to 310 of the JSON: across the 300 where a cut was once made.
        if (input.what === 'token-object') throw { pad: 'x'.repeat(270), token: 'gho_LEAKED_TOKEN_0123' };
        if (input.what === 'token-string') throw 'y'.repeat(290) + 'gho_LEAKED_TOKEN_0123';
        if (input.what === 'circular') { const o: any = { a: 1 }; o.self = o; throw o; }
        if (input.what === 'type') { const value: any = null; return value.field; }
        if (input.what === 'http') { await nango.get({ endpoint: '/missing' }); }
        throw new Error('boom');
    }
});
`,
    'github/actions/schedule.ts': `
import { createAction } from 'nango';
import { z } from 'zod';
export default createAction({
    description: 'schedules something',
    input: z.object({ when: z.date(), n: z.number(), at: z.union([z.date(), z.number()]).optional() }),
    output: z.object({ when: z.string(), n: z.number() }),
    exec: async (nango, input) => ({ when: typeof input.when + ' ' + String(input.when), n: input.n })
});
`,
    'github/syncs/repo-issues.ts': `
import { createSync } from 'nango';
import { z } from 'zod';
export default createSync({
    description: 'issues of the repo named in the metadata', frequency: 'every hour',
    models: { Issue: z.object({ id: z.string() }) },
    metadata: z.object({ owner: z.string(), repo: z.string(), label: z.string().optional() }),
    exec: async (nango) => {
        const { owner, repo } = await nango.getMetadata<{ owner: string; repo: string }>();
        await nango.log('repo', owner + '/' + repo);
        await nango.getMetadata();
    }
});
`,
    'github/syncs/no-metadata.ts': `
import { createSync } from 'nango';
import { z } from 'zod';
export default createSync({
    description: 'declares no metadata', frequency: 'every hour',
    models: { Issue: z.object({ id: z.string() }) },
    metadata: z.void(),
    exec: async (nango) => { await nango.log('metadata', JSON.stringify(await nango.getMetadata())); }
});
`
};

const project = useRuntimeProject('ferry-runtime-checks-', FILES);
const { sandbox, run } = project;

const warningsOf = (events: RunEvent[]): string[] => events.filter((e) => e.type === 'warning').map((e) => e.warning!);

describe('action input', () => {
    const HINT = 'pass an input like {"issue":0,"body":"…"} (optional: labels) (--input with dryrun, "input" in a test fixture)';

    it('refuses to run an action given no input: no provider call, a validation error naming what to pass', async () => {
        const transport = fakeTransport(() => json({ id: 1 }, 201));
        const events: RunEvent[] = [];
        const result = await run('github/create-comment', { transport, onEvent: (e) => events.push(e) });
        expect(transport.sent).toEqual([]);
        expect(result.ok).toBe(false);
        expect(result.output).toBeUndefined();
        expect(result.error).toEqual({ kind: 'validation', message: `the input does not match the action's input schema: input: Invalid input: expected object, received undefined; ${HINT}` });
        expect(result.validation).toEqual([{ subject: 'input', path: '', message: 'Invalid input: expected object, received undefined' }]);
        expect(warningsOf(events)).toEqual(['input: Invalid input: expected object, received undefined']);
    });

    it('refuses an input missing fields, naming the first and counting the rest', async () => {
        const transport = fakeTransport(() => json({ id: 1 }, 201));
        const result = await run('github/create-comment', { transport, input: { id: 1 } });
        expect(transport.sent).toEqual([]);
        expect(result.error).toEqual({
            kind: 'validation',
            message: `the input does not match the action's input schema: input.issue: Invalid input: expected number, received undefined (and 1 more); ${HINT}`
        });
        expect(result.validation.map((issue) => issue.path)).toEqual(['issue', 'body']);
    });

    it('runs an action whose input matches', async () => {
        const transport = fakeTransport(() => json({ id: 9 }, 201));
        const result = await run('github/create-comment', { transport, input: { issue: 3, body: 'hi' } });
        expect(result).toMatchObject({ ok: true, output: { id: 9 }, validation: [] });
        expect(transport.sent.map((r) => r.endpoint)).toEqual(['/repos/octo/hello/issues/3/comments']);
    });

    it('only warns about an input given to an action that declares none (z.void()), unless validate', async () => {
        const transport = fakeTransport(() => json({ pong: true }));
        const warned = await run('github/ping', { transport, input: {} });
        expect(warned).toMatchObject({ ok: true, output: { pong: true } });
        expect(warned.validation).toEqual([expect.objectContaining({ subject: 'input', path: '' })]);
        const strict = await run('github/ping', { transport, input: {}, validate: true });
        expect(strict.error?.kind).toBe('validation');
        expect(strict.error?.message).toMatch(/; the action takes no input: leave --input out \(and "input" out of a test fixture\)$/);
        expect(transport.sent).toHaveLength(1);
    });

    it('gives a ferry test fixture its recorded input even when it does not match, and says so', async () => {
        const bundle = project.bundles['github/create-comment']!;
        const outcome = await replay(
            {
                ...bundle,
                fixture: { input: { id: 1 }, output: { id: 7 }, api: { post: { '/repos/octo/hello/issues/undefined/comments': { response: { id: 7 } } } } },
                fixturePath: 'github/tests/create-comment.test.json',
                sandbox
            },
            runFunction
        );
        // The function ran on what was recorded, as Nango's mocks run it: the replay tests the function, not the platform.
        expect(outcome.failures).toEqual([]);
        expect(outcome.notes).toEqual([
            'the recorded input does not match the input schema (issue: Invalid input: expected number, received undefined (and 1 more)); the function was given it as recorded'
        ]);
        expect(outcome.result?.validation.map((issue) => issue.path)).toEqual(['issue', 'body']);
    });
});

describe('action input with types JSON cannot carry', () => {
    // What the platform checks: the deploy schema, where z.date() is a date-time string.
    const DATE_HINT = 'JSON has no dates: the platform takes a date-time string here and the function gets that string, not a Date';
    const DATE_ISSUE = { subject: 'input', path: 'when', message: 'Invalid input: expected date, received string', hint: DATE_HINT };

    it('runs an action given a date-time string for a z.date() field, with a warning saying the function gets a string', async () => {
        const events: RunEvent[] = [];
        const result = await run('github/schedule', { input: JSON.parse('{"when":"2024-01-01T00:00:00Z","n":1}'), onEvent: (e) => events.push(e) });
        expect(result).toMatchObject({ ok: true, output: { when: 'string 2024-01-01T00:00:00Z', n: 1 } });
        expect(result.validation).toEqual([DATE_ISSUE]);
        expect(warningsOf(events)).toEqual([`input.when: Invalid input: expected date, received string — ${DATE_HINT}`]);
    });

    it('takes a date-time string for the date option of a union too, but not a value no option takes', async () => {
        const taken = await run('github/schedule', { input: { when: '2024-01-01T00:00:00Z', n: 1, at: '2024-02-01T00:00:00Z' } });
        expect(taken.ok).toBe(true);
        expect(taken.validation).toEqual([DATE_ISSUE, { subject: 'input', path: 'at', message: 'Invalid input', hint: DATE_HINT }]);
        const refused = await run('github/schedule', { input: { when: '2024-01-01T00:00:00Z', n: 1, at: true } });
        expect(refused.error?.kind).toBe('validation');
        expect(refused.error?.message).toMatch(/^the input does not match the action's input schema: input\.at: Invalid input; pass an input like/);
        expect(refused.output).toBeUndefined();
    });

    it('refuses an input the platform refuses too: a field missing or of the wrong JSON type', async () => {
        const result = await run('github/schedule', { input: JSON.parse('{"n":"x"}') });
        expect(result.ok).toBe(false);
        expect(result.output).toBeUndefined();
        expect(result.error).toEqual({
            kind: 'validation',
            message: `the input does not match the action's input schema: input.when: Invalid input: expected date, received undefined (and 1 more); pass an input like {"when":"…","n":0} (optional: at) (--input with dryrun, "input" in a test fixture)`
        });
        expect(result.validation.map((issue) => [issue.path, issue.hint])).toEqual([
            ['when', undefined],
            ['n', undefined]
        ]);
    });

    it('makes the date warning fatal with validate, saying so', async () => {
        const result = await run('github/schedule', { input: { when: '2024-01-01T00:00:00Z', n: 1 }, validate: true });
        expect(result.output).toBeUndefined();
        expect(result.error).toEqual({
            kind: 'validation',
            message: `the input does not match the action's input schema: input.when: Invalid input: expected date, received string — ${DATE_HINT}; --validate makes this fatal`
        });
    });

    it('replays a ferry test fixture whose input has a date-time string', async () => {
        const bundle = project.bundles['github/schedule']!;
        const outcome = await replay(
            { ...bundle, fixture: { input: { when: '2024-01-01T00:00:00Z', n: 2 }, output: { when: 'string 2024-01-01T00:00:00Z', n: 2 }, api: {} }, fixturePath: 'github/tests/schedule.test.json', sandbox },
            runFunction
        );
        expect(outcome.failures).toEqual([]);
        expect(outcome.ok).toBe(true);
    });
});

describe('checkInput', () => {
    const paths = (issues: { path: string }[]) => issues.map((issue) => issue.path);

    it('refuses only what the deploy schema refuses: a type JSON cannot carry takes any JSON value there, but not none', () => {
        const schema = z.object({ big: z.bigint(), map: z.map(z.string(), z.string()), set: z.set(z.string()), at: z.instanceof(Date), gone: z.undefined(), n: z.number() });
        const given = checkInput(schema, { big: '12', map: {}, set: ['a'], at: '2024-01-01', gone: null, n: 1 });
        expect(paths(given.issues)).toEqual(['big', 'map', 'set', 'at', 'gone']);
        expect(given.refused).toEqual([]);
        expect(given.issues[0]!.hint).toBe('JSON has no bigint: the platform does not check this field and the function gets the value as JSON gives it');
        expect(given.issues[4]!.hint).toBe('JSON has no undefined: the platform takes null here');
        // The deploy schema lists every field zod requires, whatever its type.
        const missing = checkInput(schema, { map: {}, set: [], at: 'x', n: 'one' });
        expect(paths(missing.refused)).toEqual(['big', 'gone', 'n']);
        expect(missing.refused.every((issue) => issue.hint === undefined)).toBe(true);
    });

    it('refuses a date field given something other than a string', () => {
        expect(paths(checkInput(z.object({ when: z.date() }), { when: 1704067200000 }).refused)).toEqual(['when']);
    });
});

describe('metadata', () => {
    it('warns with what to pass when the connection has no metadata, before the function fails on it', async () => {
        const events: RunEvent[] = [];
        const result = await run('github/repo-issues', { metadata: null, onEvent: (e) => events.push(e) });
        const hint = 'the connection has no metadata; pass metadata like {"owner":"…","repo":"…"} (optional: label) (--metadata with dryrun, nango.getMetadata in a test fixture)';
        expect(result.validation).toEqual([{ subject: 'metadata', path: '', message: 'Invalid input: expected object, received null', hint }]);
        expect(warningsOf(events)).toEqual([`metadata: Invalid input: expected object, received null — ${hint}`]);
        // Not fatal by itself: the function still runs, and fails on null as it would deployed.
        expect(result.error?.kind).toBe('exception');
        expect(result.error?.message).toMatch(/^TypeError: Cannot destructure property 'owner'/);
    });

    it('names the missing field of metadata that does not match, once however often it is read', async () => {
        const result = await run('github/repo-issues', { metadata: { owner: 'octo' } });
        expect(result.validation).toEqual([
            { subject: 'metadata', path: 'repo', message: 'Invalid input: expected string, received undefined', hint: 'pass metadata like {"owner":"…","repo":"…"} (optional: label) (--metadata with dryrun, nango.getMetadata in a test fixture)' }
        ]);
        expect(result.ok).toBe(true);
        expect(result.logs.map((l) => l.message)).toEqual(['repo octo/undefined']);
    });

    it('fails the run with validate before the function sees the bad metadata', async () => {
        const result = await run('github/repo-issues', { metadata: null, validate: true });
        expect(result.error).toEqual({
            kind: 'validation',
            message:
                'metadata: Invalid input: expected object, received null — the connection has no metadata; pass metadata like {"owner":"…","repo":"…"} (optional: label) (--metadata with dryrun, nango.getMetadata in a test fixture) (--validate makes this fatal)'
        });
        expect(result.logs).toEqual([]);
    });

    it('says nothing when the metadata matches, or when the function declares none', async () => {
        const good = await run('github/repo-issues', { metadata: { owner: 'octo', repo: 'hello' } });
        expect(good).toMatchObject({ ok: true, validation: [] });
        expect(good.logs.map((l) => l.message)).toEqual(['repo octo/hello']);
        const none = await run('github/no-metadata', { metadata: null, validate: true });
        expect(none).toMatchObject({ ok: true, validation: [] });
        expect(none.logs.map((l) => l.message)).toEqual(['metadata null']);
    });
});

describe('thrown values and stacks', () => {
    const threw = async (what: string) => (await run('github/throws', { input: { what }, transport: fakeTransport(() => json({ message: 'Not Found' }, 404)) })).error;

    it('describes a thrown object as JSON, strings quoted, numbers as they are, never shortened', async () => {
        expect(await threw('object')).toEqual({ kind: 'exception', message: 'the function threw {"weird":true}' });
        expect(await threw('string')).toEqual({ kind: 'exception', message: "the function threw 'plain text'" });
        expect(await threw('number')).toEqual({ kind: 'exception', message: 'the function threw 42' });
        const list = Array.from({ length: 200 }, (_, i) => `item-${i}`);
        expect(await threw('big')).toEqual({ kind: 'exception', message: `the function threw ${JSON.stringify({ list })}` });
        expect(await threw('circular')).toEqual({ kind: 'exception', message: 'the function threw [object Object]' });
    });

    it('leaves a secret in a long thrown value whole, so masking it leaves nothing of it', async () => {
        const redactor = createRedactor();
        redactor.add(['gho_LEAKED_TOKEN_0123']);
        const object = redactor.value(await threw('token-object'))!;
        expect(object.message).toBe(`the function threw {"pad":"${'x'.repeat(270)}","token":"***"}`);
        const string = redactor.value(await threw('token-string'))!;
        expect(string.message).toBe(`the function threw '${'y'.repeat(290)}***'`);
    });

    it('does not repeat the message as the first line of the stack', async () => {
        const source = `${project.dir}/github/actions/throws.ts`;
        const boom = await threw('error');
        expect(boom?.message).toBe('boom');
        expect(boom?.stack?.split('\n')[0]).toMatch(new RegExp(`^\\s+at .*${source}:19:15`));
        const type = await threw('type');
        expect(type?.message).toMatch(/^TypeError: Cannot read properties of null/);
        expect(type?.stack?.split('\n')[0]).toMatch(/^\s+at /);
        expect(type?.stack).toContain(`${source}:17:`);
        const http = await threw('http');
        expect(http).toMatchObject({ kind: 'http', message: 'Request failed with status code 404: GET /missing' });
        expect(http?.stack ?? '').not.toContain('Request failed');
    });
});

describe('exampleOf', () => {
    it('fills the required fields with values of their type and names the optional ones', () => {
        const schema = z.object({
            title: z.string(),
            count: z.number().int(),
            state: z.enum(['open', 'closed']),
            kind: z.literal('bug'),
            draft: z.boolean().default(false),
            assignee: z.object({ login: z.string(), id: z.number().optional() }).nullable(),
            tags: z.array(z.string()).optional()
        });
        expect(exampleOf(schema)).toBe('{"title":"…","count":0,"state":"open","kind":"bug","assignee":{"login":"…"}} (optional: draft, tags)');
        expect(exampleOf(z.string())).toBe('"…"');
        expect(exampleOf({ notZod: true })).toBeUndefined();
        const wide = exampleOf(z.object(Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`field${i}`, z.string()]))))!;
        expect(wide).toHaveLength(200);
        expect(wide.endsWith('…')).toBe(true);
    });
});
