import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseDateFlag, parseJsonFlag, parseTimeoutFlag } from '../../src/dryrun/args.js';
import { pickFunction } from '../../src/dryrun/pick.js';
import { toFunctionRef } from '../../src/project/project.js';
import type { FerryError } from '../../src/errors.js';
import type { FunctionRef } from '../../src/project/types.js';
import { makeTempDir } from '../support/cli.js';

describe('dryrun flag values', () => {
    let dir: string;
    let cleanup: () => Promise<void>;
    beforeAll(async () => {
        ({ dir, cleanup } = await makeTempDir());
        await writeFile(join(dir, 'input.json'), '{"title":"from file"}');
        await writeFile(join(dir, 'bad.json'), '{nope');
    });
    afterAll(() => cleanup());

    it('reads JSON inline or from @file, and keeps bare words as strings', async () => {
        expect(await parseJsonFlag('--input', '{"a":[1,2]}', dir)).toEqual({ a: [1, 2] });
        expect(await parseJsonFlag('--input', '@input.json', dir)).toEqual({ title: 'from file' });
        expect(await parseJsonFlag('--input', '42', dir)).toBe(42);
        expect(await parseJsonFlag('--input', 'hello', dir)).toBe('hello');
        expect(await parseJsonFlag('--input', undefined, dir)).toBeUndefined();
    });

    it('gives one-line usage errors naming the flag', async () => {
        const bad = await parseJsonFlag('--input', '{"a":', dir).catch((e: unknown) => e);
        expect((bad as Error).message).toMatch(/^--input: the value is not valid JSON/);
        expect((bad as { exitCode: number }).exitCode).toBe(1);
        expect(((await parseJsonFlag('--metadata', '@missing.json', dir).catch((e: unknown) => e)) as Error).message).toMatch(/--metadata: cannot read .*missing\.json \(ENOENT\)/);
        expect(((await parseJsonFlag('--metadata', '@bad.json', dir).catch((e: unknown) => e)) as Error).message).toMatch(/bad\.json is not valid JSON/);
        expect(((await parseJsonFlag('--checkpoint', '[1]', dir, { object: true }).catch((e: unknown) => e)) as Error).message).toMatch(/must be a JSON object/);
        expect(((await parseJsonFlag('--metadata', 'owner', dir, { object: true }).catch((e: unknown) => e)) as Error).message).toMatch(/not valid JSON/);
    });

    it('parses dates and timeouts', () => {
        expect(parseDateFlag('--lastSyncDate', '2024-01-31')?.toISOString()).toBe('2024-01-31T00:00:00.000Z');
        expect(parseDateFlag('--lastSyncDate', '2024-01-31T12:00:00Z')?.toISOString()).toBe('2024-01-31T12:00:00.000Z');
        expect(() => parseDateFlag('--lastSyncDate', 'yesterday')).toThrow(/not an ISO 8601 date/);
        expect(parseTimeoutFlag('--timeout', '30s')).toBe(30_000);
        expect(parseTimeoutFlag('--timeout', '5m')).toBe(300_000);
        expect(parseTimeoutFlag('--timeout', '10')).toBe(10_000);
        expect(() => parseTimeoutFlag('--timeout', 'soon')).toThrow(/not a duration/);
    });
});

describe('picking the function to run', () => {
    const refs = ['github/syncs/issues.ts', 'github/actions/create-issue.ts', 'gitlab/syncs/issues.ts', 'slack/actions/send-message.ts'].map(
        (rel, i) => toFunctionRef('/p', rel, i + 1) as FunctionRef
    );

    it('finds by name, by integration/name and with --integration-id', () => {
        expect(pickFunction(refs, 'create-issue').relPath).toBe('github/actions/create-issue.ts');
        expect(pickFunction(refs, 'gitlab/issues').relPath).toBe('gitlab/syncs/issues.ts');
        expect(pickFunction(refs, 'issues', 'github').relPath).toBe('github/syncs/issues.ts');
    });

    it('asks for --integration-id when ambiguous and suggests the closest name when unknown', () => {
        expect(() => pickFunction(refs, 'issues')).toThrow(/several integrations \(github, gitlab\)/);
        const error = (() => {
            try {
                pickFunction(refs, 'create-isue');
            } catch (e) {
                return e as { message: string; hint: string; exitCode: number };
            }
        })();
        expect(error?.message).toBe("No function 'create-isue' is registered in index.ts");
        expect(error?.hint).toBe("Did you mean 'create-issue'?");
        expect(error?.exitCode).toBe(1);
        // Names, not a sentence: an agent can pick one.
        expect((error as unknown as FerryError).toJSON()).toMatchObject({ code: 'FUNCTION_NOT_FOUND', details: { function: 'create-isue', suggestions: ['create-issue'] } });
        const integration = (() => {
            try {
                pickFunction(refs, 'send-message', 'slak');
            } catch (e) {
                return e as FerryError;
            }
        })();
        expect(integration?.toJSON()).toEqual({
            code: 'INTEGRATION_NOT_FOUND',
            message: "No integration 'slak' in this project",
            hint: "Did you mean 'slack'?",
            details: { integration: 'slak', suggestions: ['slack'] }
        });
        expect(integration?.exitCode).toBe(1);
    });
});
