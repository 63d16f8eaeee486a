/** The pieces of `ferry mcp`: stdout kept for frames, redaction, hints, bounded lists, progress, the SDK reference. */
import { readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FerryError } from '../../src/errors.js';
import { diagnosticHint, withHints } from '../../src/mcp/hints.js';
import { progressOf, type ToolExtra } from '../../src/mcp/progress.js';
import { sdkReferenceFrom } from '../../src/mcp/resources.js';
import { documentResult, errorDocument, projectRedactor } from '../../src/mcp/results.js';
import { serveStdio } from '../../src/mcp/stdio.js';
import { sample } from '../../src/mcp/tools-run.js';
import { makeTempDir, REPO_ROOT } from '../support/cli.js';

let tmp: string;
let cleanup: () => Promise<void>;
beforeAll(async () => ({ dir: tmp, cleanup } = await makeTempDir('ferry-mcp-unit-')));
afterAll(() => cleanup());

describe('serveStdio', () => {
    it('writes only protocol frames to stdout: anything else written there while it serves goes to stderr', async () => {
        const stdin = new PassThrough();
        const stdout = new PassThrough();
        const stderr = new PassThrough();
        let out = '';
        let err = '';
        stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
        stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
        const serving = serveStdio({ cwd: tmp, env: {}, allowDeploy: false, stdin, stdout: stdout as never, stderr: stderr as never });
        // What a dependency's console.log would do: write to the process's stdout.
        stdout.write('a stray line from somewhere\n');
        stdin.write(`${JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 't', version: '0' } } })}\n`);
        stdin.write(`${JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' })}\n`);
        stdin.write(`${JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'list_functions', arguments: {} } })}\n`);
        await expect.poll(() => out.split('\n').filter(Boolean).length).toBe(2);
        stdin.end();
        await serving;

        const frames = out.split('\n').filter(Boolean).map((line) => JSON.parse(line));
        expect(frames.map((f) => f.id)).toEqual([1, 2]);
        expect(frames[1].result).toMatchObject({ isError: true, structuredContent: { ok: false, exitCode: 1, error: { code: 'NOT_A_PROJECT' } } });
        expect(err).toBe('a stray line from somewhere\n');
        // Released when the server stops: the stream writes to itself again.
        stdout.write('after\n');
        expect(out.endsWith('after\n')).toBe(true);
    });
});

describe('results', () => {
    it('mask the secret-looking values of the project’s .env and of the environment, in text and structure alike', async () => {
        const root = join(tmp, 'project');
        await mkdir(join(root, '.nango'), { recursive: true });
        await writeFile(join(root, 'index.ts'), '');
        await writeFile(join(root, '.env'), 'NANGO_SECRET_KEY_DEV=sk-dotenv-0123456789\nNANGO_HOSTPORT=http://127.0.0.1:3003\n');
        const redactor = projectRedactor(root, { GITHUB_TOKEN: 'ghp_environment_token_1', PATH: '/usr/bin' });
        const result = documentResult({ quoted: 'key sk-dotenv-0123456789 and ghp_environment_token_1', host: 'http://127.0.0.1:3003', exitCode: 0 }, redactor);
        expect(result.structuredContent).toEqual({ quoted: 'key *** and ***', host: 'http://127.0.0.1:3003', exitCode: 0 });
        expect((result.content[0] as { text: string }).text).not.toMatch(/sk-dotenv|ghp_environment/);
        expect(result.isError).toBeUndefined();
    });

    it('turn a FerryError into the command’s error document, and anything else into INTERNAL', () => {
        const error = new FerryError({ code: 'FUNCTION_NOT_FOUND', message: 'no such function', hint: 'Functions: a, b.', exitCode: 1 });
        expect(errorDocument(error)).toEqual({ ok: false, exitCode: 1, error: { code: 'FUNCTION_NOT_FOUND', message: 'no such function', hint: 'Functions: a, b.' } });
        expect(errorDocument(new Error('boom'))).toMatchObject({ ok: false, exitCode: 1, error: { code: 'INTERNAL', message: 'boom' } });
        expect(errorDocument(Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES', path: '/p/index.ts', syscall: 'open' }))).toMatchObject({ error: { code: 'FILE_SYSTEM' } });
    });
});

describe('hints', () => {
    it('say where to act for type errors and what to do for known codes', () => {
        expect(diagnosticHint({ code: 'TS2322', file: 'github/actions/a.ts', line: 4, column: 9 })).toBe('Fix the type error at github/actions/a.ts:4:9 (TypeScript TS2322), then compile again.');
        expect(diagnosticHint({ code: 'CONSOLE_STATEMENT', file: 'x.ts', line: 1 })).toContain('nango.log');
        expect(diagnosticHint({ code: 'BAD_FREQUENCY', file: 'x.ts' })).toContain('at x.ts');
        expect(withHints([{ code: 'DUPLICATE_NAME' }])[0]).toMatchObject({ code: 'DUPLICATE_NAME', hint: expect.stringContaining('unique per integration') });
        expect(withHints(undefined)).toEqual([]);
    });
});

describe('sample', () => {
    it('keeps a short list whole, and the start and end of a long one with the count left out', () => {
        expect(sample([1, 2, 3], 5)).toEqual({ kept: [1, 2, 3], omitted: 0 });
        expect(sample(Array.from({ length: 10 }, (_, i) => i), 5)).toEqual({ kept: [0, 1, 2, 8, 9], omitted: 5 });
    });
});

describe('progress', () => {
    it('sends nothing without a token, and counts up with one', async () => {
        const sent: unknown[] = [];
        const extra = (token?: string): ToolExtra => ({ _meta: token ? { progressToken: token } : {}, sendNotification: async (n: unknown) => void sent.push(n) }) as unknown as ToolExtra;
        progressOf(extra()).report('ignored');
        expect(sent).toEqual([]);
        const channel = progressOf(extra('t'));
        channel.report('a');
        channel.report('b', 1);
        channel.report('c', 5, 3);
        await channel.flush();
        expect(sent.map((n) => (n as { params: unknown }).params)).toEqual([
            { progressToken: 't', progress: 1, message: 'a' },
            { progressToken: 't', progress: 2, message: 'b' },
            { progressToken: 't', progress: 5, total: 5, message: 'c' }
        ]);
    });
});

describe('the SDK reference', () => {
    it('is docs/writing-functions.md under its own title', () => {
        const reference = sdkReferenceFrom(readFileSync(join(REPO_ROOT, 'docs', 'writing-functions.md'), 'utf8'))!;
        expect(reference.startsWith('# Ferry SDK reference\n\n## Writing functions')).toBe(true);
        for (const member of ['createSync', 'createAction', 'createOnEvent', 'batchSave', 'paginate', 'uncontrolledFetch', 'getCheckpoint', 'tryAcquireLock']) expect(reference).toContain(member);
        expect(reference).not.toContain('### `ferry init`');
        expect(sdkReferenceFrom('# nothing here')).toBeUndefined();
    });
});
