/**
 * AGENTS.md: what a coding agent needs to work on a functions project, short enough to be read
 * whole (a test keeps it under 8 KB). Its first line marks it as Ferry's, so `ferry generate
 * agents` refreshes only a file Ferry wrote and leaves a user's own AGENTS.md alone.
 */

export const AGENTS_FILE = 'AGENTS.md';

/** The first line of every AGENTS.md Ferry writes; a file without it is the user's. */
export const AGENTS_MARKER = '<!-- Written by Ferry: `ferry generate agents` refreshes this file. Delete this line to make it your own. -->';

export function isFerryAgentsFile(content: string): boolean {
    return content.replace(/^\uFEFF/, '').split(/\r?\n/, 1)[0]?.trim() === AGENTS_MARKER;
}

interface AgentsTemplateOptions {
    /** The module functions import the SDK from: 'ferry', or 'nango' in a Nango project. */
    sdk: string;
}

// One piece: this is AGENTS.md itself, top to bottom, as an agent reads it; cut into section
// functions it could no longer be read, reviewed or kept short as the one document it is.
export function agentsFile({ sdk }: AgentsTemplateOptions): string {
    const fence = '```';
    return `${AGENTS_MARKER}
# Working on this project

A functions project: TypeScript syncs, actions and on-event handlers that run against a customer's
connection to a third-party API. Ferry builds, runs, tests and deploys them (Nango-compatible).
Run \`ferry\` through the project's dependencies (\`npx ferry ...\`) when it is not on the PATH.

## Layout

| path | what it is |
|---|---|
| \`index.ts\` | one import per function: \`import './github/actions/create-issue.js';\` (\`.js\`, not \`.ts\`). Only what it imports is compiled, tested and deployed |
| \`<integration>/syncs/<name>.ts\` | a sync: fetches data on a schedule and saves records |
| \`<integration>/actions/<name>.ts\` | an action: input in, output out, run on demand |
| \`<integration>/on-events/<name>.ts\` | an on-event handler: runs when a connection is created or deleted |
| \`<integration>/tests/<name>.test.json\` | recorded fixtures that \`ferry test\` replays offline |
| \`.nango/nango.json\` | the manifest \`ferry compile\` writes (commit it, never edit it) |
| \`build/\` | bundles \`ferry compile\` writes (generated) |
| \`.env\` | secret keys (\`NANGO_SECRET_KEY_DEV=...\`): never commit, read out or print |

\`<integration>\` is the integration id (provider config key), e.g. \`github\`; \`<name>\` is kebab-case,
unique per integration.

## Function types

Each file \`export default\`s one definition. Schemas are zod 4; imports other than \`'${sdk}'\`, \`zod\`,
\`crypto\` and \`url\` must be the project's own files.

${fence}ts
import { createAction } from '${sdk}';
import * as z from 'zod';

export default createAction({
    description: 'Creates an issue',
    input: z.object({ title: z.string() }),
    output: z.object({ id: z.string() }),
    exec: async (nango, input) => {
        const res = await nango.post<{ id: number }>({ endpoint: '/repos/o/r/issues', data: { title: input.title } });
        return { id: String(res.data.id) };
    }
});
${fence}

${fence}ts
import { createSync } from '${sdk}';
import * as z from 'zod';

export default createSync({
    description: 'Fetches the issues of a repository',
    frequency: 'every hour',
    metadata: z.object({ repo: z.string() }),
    models: { Issue: z.object({ id: z.string(), title: z.string() }) },
    exec: async (nango) => {
        const { repo } = await nango.getMetadata();
        for await (const page of nango.paginate<{ id: number; title: string }>({ endpoint: \`/repos/\${repo}/issues\` })) {
            await nango.batchSave(page.map((i) => ({ id: String(i.id), title: i.title })), 'Issue');
        }
    }
});
${fence}

${fence}ts
import { createOnEvent } from '${sdk}';

export default createOnEvent({
    description: 'Logs new connections',
    event: 'post-connection-creation', // or pre-connection-deletion, validate-connection
    exec: async (nango) => {
        await nango.log(\`connected \${nango.connectionId}\`);
    }
});
${fence}

## The \`nango\` object

- Provider API through the platform's proxy, which adds the credentials: \`get\`, \`post\`, \`put\`,
  \`patch\`, \`delete\`, \`proxy\` (\`{ endpoint, params, data, headers, retries }\` -> \`{ data, status, headers }\`),
  \`paginate\` (an async iterable of pages).
- Records (syncs): \`batchSave(records, 'Model')\`, \`batchUpdate\`, \`batchDelete\`; every model has a string \`id\`.
- State: \`getMetadata\`/\`setMetadata\`/\`updateMetadata\` (typed by \`metadata\`), \`getCheckpoint\`/\`saveCheckpoint\`
  (typed by \`checkpoint\`), \`getConnection\`.
- \`await nango.log(...)\` instead of \`console.log\`; await every \`nango\` call.
- Fail an action on purpose: \`throw new nango.ActionError({ message: '...' })\`.
- Full list: the \`ferry://sdk-reference\` resource of \`ferry mcp\`, or Ferry's docs/writing-functions.md.

## Add a function

\`ferry generate action <integration> <name>\` (or \`sync\`, \`on-event\`) writes the file from a template
and imports it in \`index.ts\`. By hand: write the file, then add its import to \`index.ts\`.

## The loop

1. \`ferry compile --json\`: \`{ ok, errors: [{ file, line, column, code, message }], warnings, functions }\`.
   Fix each error where it points, then compile again until \`ok\` is true.
2. \`ferry dryrun <name> <connection-id> --json [--input '{...}'] [--metadata '{...}'] [--save]\`: runs
   against a real connection (the key comes from \`.env\`; if it is missing, ask the user to add it).
   Returns \`{ ok, output, records, logs, requests, error }\`. \`--save\` records a fixture for step 3.
   Nothing is written to the platform: writes are reported, not sent.
3. \`ferry test --json\`: \`{ tests: [{ function, fixture, ok, failures }], passed, failed }\`, offline.

An MCP client gets the same as tools from \`ferry mcp\` (list_functions, compile, dryrun, test, ...).

## Exit codes

0 ok; 1 bad usage, not a project, or a test failed; 10 compile errors; 11 deploy failed or refused;
12 the dry run failed; 130 interrupted. With \`--json\`, failures print \`{ "error": { code, message, hint } }\`.

## Never

- Commit \`.env\`, or put a secret key, token or password in code, fixtures, logs or messages.
- Log credentials, tokens or request headers; read or print \`.env\`.
- Call the provider with \`fetch\`: go through \`nango\` (the platform holds the credentials).
- Deploy unless the user asked: \`ferry deploy --dry-run\` shows the plan without changing anything.
- Edit \`build/\` or \`.nango/nango.json\` by hand, or fixtures to make a test pass.
`;
}
