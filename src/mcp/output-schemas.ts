/**
 * What the tools return, as schemas the client sees in tools/list before calling: the fields a
 * program relies on, each object open to more (the commands' --json documents may grow). A call
 * that fails as a command fails with an error line returns `{ ok: false, exitCode, error }`
 * instead of the document, and the SDK's client checks every result against the schema, errors
 * included: so the document's own fields are optional at the top, and `error` is described here.
 */
import * as z from 'zod';

const exitCode = z.number().int().describe('the exit code of the same command: 0 success, 1 usage or failed tests, 10 compile errors, 11 deploy, 12 dry run');

const diagnostic = z.looseObject({
    file: z.string().nullable().describe('relative to the project root'),
    line: z.number().int().nullable(),
    column: z.number().int().nullable(),
    code: z.string().describe('e.g. TS2322, DISALLOWED_IMPORT, BAD_FREQUENCY'),
    severity: z.enum(['error', 'warning']),
    message: z.string(),
    hint: z.string().describe('what to do about it'),
    function: z.string().optional().describe('<integration>/<name>')
});

const functionEntry = z.looseObject({
    name: z.string(),
    type: z.enum(['sync', 'action', 'onEvent']),
    integration: z.string(),
    file: z.string(),
    description: z.string().nullable()
});

const testCase = z.looseObject({
    function: z.string(),
    integration: z.string(),
    fixture: z.string(),
    ok: z.boolean(),
    durationMs: z.number(),
    failures: z.array(z.looseObject({ kind: z.string(), message: z.string() })).describe('the first differences: kind, message, and expected/actual where they apply')
});

const error = z
    .looseObject({ code: z.string().describe('stable, e.g. NOT_A_PROJECT, FUNCTION_NOT_FOUND, FUNCTION_THREW'), message: z.string(), hint: z.string().optional().describe('what to do') })
    .nullable()
    .describe("why the call failed; in a dry run's document, the run's error (null when it succeeded)");

/** The document's fields, optional so an error result matches too, with `exitCode` and `error`. */
function result(fields: Record<string, z.ZodType>): z.ZodType {
    return z.looseObject({ ...Object.fromEntries(Object.entries(fields).map(([key, schema]) => [key, schema.optional()])), exitCode, error: error.optional() });
}

export const OUTPUT_SCHEMAS: Record<string, z.ZodType> = {
    list_functions: result({ root: z.string(), current: z.boolean(), functions: z.array(functionEntry) }),
    describe_function: result({ function: functionEntry, fixtures: z.array(z.string()), source: z.string() }),
    generate: result({ root: z.string() }),
    clone: result({ written: z.array(z.string()), registered: z.array(z.string()) }),
    compile: result({ ok: z.boolean(), root: z.string(), functions: z.array(z.looseObject({ name: z.string(), type: z.string(), integration: z.string(), file: z.string() })), errors: z.array(diagnostic), warnings: z.array(diagnostic) }),
    dryrun: result({
        ok: z.boolean(),
        output: z.unknown().describe("an action's output, null otherwise"),
        records: z.record(z.string(), z.looseObject({ saved: z.number(), updated: z.number(), deleted: z.number(), first: z.array(z.unknown()) })),
        logs: z.array(z.unknown()),
        requests: z.array(z.looseObject({ method: z.string(), endpoint: z.string(), status: z.number() })),
        saved: z.string().nullable()
    }),
    test: result({ tests: z.array(testCase), passed: z.number().int(), failed: z.number().int() }),
    deploy: result({ environment: z.string(), plan: z.unknown(), deployed: z.array(z.unknown()), dryRun: z.boolean() })
};
