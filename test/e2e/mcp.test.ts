/**
 * `ferry mcp` played by an agent: the MCP SDK's own client starts the built CLI over stdio in a
 * new project and goes through the loop a coding agent goes through: list the tools, generate an
 * action, compile and get a type error with its location, fix it, compile clean, dry-run against
 * a fake platform on 127.0.0.1 saving a fixture, replay that fixture (and see it fail after a
 * change), with every step's structured result checked. Any byte on stdout that is not a protocol
 * frame would surface as a client transport error, which the test also checks for.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { baseEnv, FERRY_BIN, makeTempDir, runFerry } from '../support/cli.js';
import { createDeployRoutes, type FakeDeployState } from '../support/fake-platform-deploy.js';
import { startFakePlatform, type FakePlatform } from '../support/fake-platform.js';
import { startFakeProvider, type FakeProvider } from '../support/fake-provider.js';
import { readFixture } from '../support/function-project.js';

/** The action the agent writes into the new project: first with a type error, then fixed. */
const FIXED = await readFixture('mcp', 'github/actions/open-ticket.ts');
const BROKEN = FIXED.replace('const id: string = String(response.data.id);', 'const id: string = response.data.id;');
const CHANGED = FIXED.replace('title: response.data.title }', "title: response.data.title.toUpperCase() }");

type Structured = Record<string, any>;

describe('ferry mcp, driven by an MCP client', () => {
    let dir: string;
    let cleanup: () => Promise<void>;
    let root: string;
    let platform: FakePlatform;
    let provider: FakeProvider;
    let client: Client;
    let deployState: FakeDeployState;
    let stderr = '';
    const transportErrors: Error[] = [];
    const progress: string[] = [];

    const call = async (name: string, args: Record<string, unknown> = {}): Promise<{ isError: boolean; result: Structured; text: string }> => {
        const response = await client.callTool({ name, arguments: args, _meta: { progressToken: `${name}-${progress.length}` } }, undefined, {
            onprogress: (p) => progress.push(`${name}: ${p.message ?? ''}`),
            timeout: 120_000
        });
        const text = (response.content as { type: string; text: string }[]).map((c) => c.text).join('');
        // The text is the structured document itself, for clients that read only text.
        expect(JSON.parse(text)).toEqual(response.structuredContent);
        return { isError: response.isError === true, result: response.structuredContent as Structured, text };
    };

    beforeAll(async () => {
        ({ dir, cleanup } = await makeTempDir('ferry-mcp-'));
        const init = await runFerry(['init', 'demo', '--no-install'], { cwd: dir });
        expect(init.code, init.stderr).toBe(0);
        root = join(dir, 'demo');
        provider = await startFakeProvider();
        const deployRoutes = createDeployRoutes();
        deployState = deployRoutes.state;
        platform = await startFakePlatform({
            extraRoutes: [deployRoutes.handler],
            providerUrl: provider.url,
            connections: [{ connection_id: 'conn-agent', provider_config_key: 'github', provider: 'github', metadata: {} }],
            integrations: [{ unique_key: 'github', provider: 'github' }]
        });
        provider.setToken(platform.providerToken);
        await writeFile(join(root, '.env'), `NANGO_SECRET_KEY_DEV=${platform.secretKey}\nNANGO_HOSTPORT=${platform.url}\n`, { mode: 0o600 });

        const transport = new StdioClientTransport({ command: process.execPath, args: [FERRY_BIN, 'mcp'], cwd: root, env: baseEnv() as Record<string, string>, stderr: 'pipe' });
        transport.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
        client = new Client({ name: 'ferry-e2e-agent', version: '1.0.0' });
        client.onerror = (error) => transportErrors.push(error);
        await client.connect(transport);
    }, 60_000);

    afterAll(async () => {
        await client?.close();
        await platform?.close();
        await provider?.close();
        await cleanup?.();
    });

    it('plays the whole loop: generate, compile (a type error, then clean), dry-run with --save, test', async () => {
        const { tools } = await client.listTools();
        expect(tools.map((t) => t.name).sort()).toEqual(['clone', 'compile', 'deploy', 'describe_function', 'dryrun', 'generate', 'list_functions', 'test']);
        const dryrunTool = tools.find((t) => t.name === 'dryrun')!;
        expect(dryrunTool.inputSchema).toMatchObject({ type: 'object', required: expect.arrayContaining(['function', 'connectionId']) });
        expect(Object.keys(dryrunTool.inputSchema.properties ?? {})).toEqual(expect.arrayContaining(['input', 'metadata', 'checkpoint', 'save']));
        // What comes back is described too: every result carries exitCode, a compile error its hint.
        for (const tool of tools) expect(tool.outputSchema?.properties, tool.name).toHaveProperty('exitCode');
        expect(tools.find((t) => t.name === 'compile')!.outputSchema!.properties!['errors']).toMatchObject({ type: 'array', items: { required: expect.arrayContaining(['file', 'line', 'column', 'code', 'message', 'hint']) } });

        const generated = await call('generate', { kind: 'action', integration: 'github', name: 'open-ticket' });
        expect(generated.isError).toBe(false);
        expect(generated.result).toMatchObject({ kind: 'action', integration: 'github', name: 'open-ticket', file: 'github/actions/open-ticket.ts', indexUpdated: true, exitCode: 0 });
        expect(await readFile(join(root, 'index.ts'), 'utf8')).toContain("import './github/actions/open-ticket.js';");

        await writeFile(join(root, 'github/actions/open-ticket.ts'), BROKEN);
        const broken = await call('compile');
        expect(broken.isError).toBe(true);
        expect(broken.result).toMatchObject({ ok: false, exitCode: 10, functions: [] });
        const lines = BROKEN.split('\n');
        const line = lines.findIndex((l) => l.includes('const id: string = response.data.id')) + 1;
        expect(broken.result['errors']).toEqual([
            expect.objectContaining({ file: 'github/actions/open-ticket.ts', line, column: lines[line - 1]!.indexOf('id:') + 1, code: 'TS2322', severity: 'error', message: "Type 'number' is not assignable to type 'string'.", hint: expect.stringContaining(`github/actions/open-ticket.ts:${line}:`) })
        ]);

        await writeFile(join(root, 'github/actions/open-ticket.ts'), FIXED);
        const clean = await call('compile');
        expect(clean.isError).toBe(false);
        expect(clean.result).toMatchObject({ ok: true, exitCode: 0, errors: [], manifestPath: '.nango/nango.json' });
        expect(clean.result['functions']).toEqual(expect.arrayContaining([expect.objectContaining({ name: 'open-ticket', type: 'action', file: 'github/actions/open-ticket.ts' })]));
        expect(progress.some((p) => p.startsWith('compile: '))).toBe(true);

        const listed = await call('list_functions');
        expect(listed.result['functions']).toEqual(
            expect.arrayContaining([
                expect.objectContaining({
                    name: 'open-ticket',
                    type: 'action',
                    integration: 'github',
                    file: 'github/actions/open-ticket.ts',
                    description: 'Opens a ticket as an issue',
                    inputSchema: expect.objectContaining({ type: 'object', required: ['title'] }),
                    outputSchema: expect.objectContaining({ type: 'object', required: ['id', 'title'] })
                })
            ])
        );

        const run = await call('dryrun', { function: 'open-ticket', connectionId: 'conn-agent', input: { title: 'Filed by an agent' }, save: true });
        expect(run.isError, run.text).toBe(false);
        expect(run.result).toMatchObject({
            ok: true,
            exitCode: 0,
            function: 'open-ticket',
            type: 'action',
            integration: 'github',
            output: { id: '1007', title: 'Filed by an agent' },
            requests: [expect.objectContaining({ method: 'POST', endpoint: '/repos/o/r/issues', status: 201 })],
            requestsOmitted: 0,
            error: null,
            saved: join(root, 'github/tests/open-ticket.test.json')
        });
        // Sent as the request happened; on a busy machine the client may read it with the answer
        // and report it as late (see the last test) instead of passing it on.
        const requestProgress = 'POST /repos/o/r/issues 201';
        expect(progress.includes(`dryrun: ${requestProgress}`) || transportErrors.some((e) => e.message.includes(requestProgress))).toBe(true);
        expect(run.text).not.toContain(platform.secretKey);
        expect(run.text).not.toContain(platform.providerToken.replace(/^Bearer\s+/, ''));
        const fixture = JSON.parse(await readFile(join(root, 'github/tests/open-ticket.test.json'), 'utf8'));
        expect(fixture).toMatchObject({ input: { title: 'Filed by an agent' }, output: { id: '1007', title: 'Filed by an agent' } });

        const passed = await call('test', { function: 'open-ticket' });
        expect(passed.result).toMatchObject({ passed: 1, failed: 0, exitCode: 0, tests: [{ function: 'open-ticket', integration: 'github', fixture: 'github/tests/open-ticket.test.json', ok: true, failures: [] }] });

        // A change that alters the output: the fixture says what it expected, and what came instead.
        await writeFile(join(root, 'github/actions/open-ticket.ts'), CHANGED);
        const failed = await call('test', { function: 'open-ticket' });
        expect(failed.isError).toBe(true);
        expect(failed.result).toMatchObject({ passed: 0, failed: 1, exitCode: 1 });
        expect(failed.result['tests'][0].failures[0]).toMatchObject({ kind: 'output', expected: 'Filed by an agent', actual: 'FILED BY AN AGENT' });
        await writeFile(join(root, 'github/actions/open-ticket.ts'), FIXED);

        const everything = await call('test');
        expect(everything.result).toMatchObject({ passed: 3, failed: 0, exitCode: 0 });
    }, 240_000);

    it('serves the project’s AGENTS.md and the SDK reference as resources', async () => {
        const { resources } = await client.listResources();
        expect(resources.map((r) => r.uri).sort()).toEqual(['ferry://project/AGENTS.md', 'ferry://sdk-reference']);
        const agents = await client.readResource({ uri: 'ferry://project/AGENTS.md' });
        expect(agents.contents[0]).toMatchObject({ mimeType: 'text/markdown', text: await readFile(join(root, 'AGENTS.md'), 'utf8') });
        const sdk = (await client.readResource({ uri: 'ferry://sdk-reference' })).contents[0] as { text: string };
        for (const member of ['createAction', 'batchSave', 'paginate', 'getMetadata', 'ActionError', 'uncontrolledFetch']) expect(sdk.text).toContain(member);
    });

    it('answers errors as the commands do: a code, a message and a hint, never a deploy without --allow-deploy', async () => {
        const unknown = await call('describe_function', { name: 'open-tickets' });
        expect(unknown.isError).toBe(true);
        expect(unknown.result).toMatchObject({ ok: false, exitCode: 1, error: { code: 'FUNCTION_NOT_FOUND', hint: expect.stringContaining('open-ticket') } });

        const deploy = await call('deploy', { dryRun: false });
        expect(deploy.result).toMatchObject({ ok: false, exitCode: 11, error: { code: 'DEPLOY_NOT_ALLOWED' } });

        const taken = await call('generate', { kind: 'action', integration: 'github', name: 'open-ticket' });
        expect(taken.result).toMatchObject({ exitCode: 1, error: { code: 'FUNCTION_EXISTS' } });
    });

    it('masks a secret of .env wherever it would come back, e.g. pasted into a function', async () => {
        const file = join(root, 'github/actions/open-ticket.ts');
        await writeFile(file, `${FIXED}// key: ${platform.secretKey}\n`);
        try {
            const described = await call('describe_function', { name: 'github/open-ticket' });
            expect(described.result['function']).toMatchObject({ name: 'open-ticket', type: 'action', file: 'github/actions/open-ticket.ts' });
            expect(described.result['fixtures']).toEqual(['github/tests/open-ticket.test.json']);
            expect(described.result['source']).toContain('// key: ***');
            expect(described.text).not.toContain(platform.secretKey);
        } finally {
            await writeFile(file, FIXED);
        }
    });

    it('previews a deploy: the plan comes back, nothing is deployed', async () => {
        const plan = await call('deploy');
        expect(plan.isError, plan.text).toBe(false);
        expect(plan.result).toMatchObject({ environment: 'dev', dryRun: true, deployed: [], exitCode: 0 });
        expect(plan.result['plan'].actions.new).toEqual(expect.arrayContaining([{ name: 'open-ticket', integration: 'github' }]));
        expect(deployState.confirmations).toHaveLength(1);
        expect(deployState.deploys).toHaveLength(0);
    });

    it('deploys only from a server started with --allow-deploy, when the call says dryRun: false', async () => {
        const transport = new StdioClientTransport({ command: process.execPath, args: [FERRY_BIN, 'mcp', '--allow-deploy'], cwd: root, env: baseEnv() as Record<string, string>, stderr: 'ignore' });
        const allowed = new Client({ name: 'ferry-e2e-deployer', version: '1.0.0' });
        await allowed.connect(transport);
        try {
            const response = await allowed.callTool({ name: 'deploy', arguments: { dryRun: false } }, undefined, { timeout: 120_000 });
            expect(response.isError, JSON.stringify(response.structuredContent)).toBeFalsy();
            expect(response.structuredContent).toMatchObject({ dryRun: false, exitCode: 0 });
            expect((response.structuredContent as Structured)['deployed']).toEqual(expect.arrayContaining([expect.objectContaining({ name: 'open-ticket', type: 'action', integration: 'github' })]));
            expect(deployState.deploys).toHaveLength(1);
        } finally {
            await allowed.close();
        }
    }, 120_000);

    it('clones a template from a local checkout, and refuses to overwrite a changed file unless forced', async () => {
        const checkout = join(dir, 'templates');
        const template = "import { createAction } from 'nango';\nimport * as z from 'zod';\nexport default createAction({ description: 'Posts', input: z.object({ text: z.string() }), output: z.object({ ok: z.boolean() }), exec: async () => ({ ok: true }) });\n";
        await mkdir(join(checkout, 'integrations/slack/actions'), { recursive: true });
        await writeFile(join(checkout, 'integrations/slack/actions/post-message.ts'), template);
        const cloned = await call('clone', { template: 'slack/actions/post-message', from: checkout });
        expect(cloned.result).toMatchObject({ template: 'slack/actions/post-message', source: { folder: checkout }, written: ['slack/actions/post-message.ts'], registered: ['slack/actions/post-message.ts'], exitCode: 0 });
        expect(await readFile(join(root, 'index.ts'), 'utf8')).toContain("import './slack/actions/post-message.js';");

        await writeFile(join(root, 'slack/actions/post-message.ts'), `${template}// mine\n`);
        const conflict = await call('clone', { template: 'slack/actions/post-message', from: checkout });
        expect(conflict.result).toMatchObject({ exitCode: 1, error: { code: 'CLONE_CONFLICT', hint: expect.stringContaining('force: true'), details: { conflicts: ['slack/actions/post-message.ts'] } } });
        expect(await readFile(join(root, 'slack/actions/post-message.ts'), 'utf8')).toContain('// mine');
        const forced = await call('clone', { template: 'slack/actions/post-message', from: checkout, force: true });
        expect(forced.result).toMatchObject({ conflicts: ['slack/actions/post-message.ts'], exitCode: 0 });
        expect(await readFile(join(root, 'slack/actions/post-message.ts'), 'utf8')).toBe(template);
    });

    it('kept stdout for protocol frames only', () => {
        // The SDK's client handles a progress notification a microtask after reading it but an
        // answer at once: when both arrive in one read it reports the notification as late. The
        // server narrows that window (it waits for its last notification to be written before
        // answering) but cannot close it; any other error (a line that is not JSON) is a failure.
        const lateProgress = /^Received a progress notification for an unknown token/;
        expect(transportErrors.filter((error) => !lateProgress.test(error.message))).toEqual([]);
        expect(stderr).toContain('ferry mcp: serving');
        expect(stderr).not.toContain(platform.secretKey);
    });
});
