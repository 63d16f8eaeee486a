/**
 * `ferry test` end to end: fixtures recorded by `ferry dryrun --save` against the fake servers
 * replay with the servers stopped; an edited mapping fails with a diff naming the field; an
 * unrecorded request fails clearly; hand-written fixtures in Nango's format pass (getConnection
 * included: what a function reads of it comes from the fixture); and
 * `ferry generate tests` + `npm test` run the same replays through vitest and `ferry/test`.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { baseEnv, makeTempDir, REPO_ROOT, runFerry, type CliResult } from '../support/cli.js';
import { startFakePlatform } from '../support/fake-platform.js';
import { startFakeProvider } from '../support/fake-provider.js';
import { copyFixtureProject, readFixture, writeFunctionProject } from '../support/function-project.js';

const contact = (id: number) => ({ id, email: `c${id}@acme.test`, first: `First${id}`, last: `Last${id}` });

const NANGO_FIXTURES: Record<string, unknown> = {
    'acme/tests/contacts.test.json': {
        input: null,
        nango: {
            getConnection: { connectionId: 'hand-written', provider: 'acme-crm' },
            batchSave: {
                Contact: [3, 1, 2].map((id) => ({ id: String(id), email: `c${id}@acme.test`, name: `First${id} Last${id}` }))
            },
            batchDelete: { Contact: [{ id: '9' }] }
        },
        api: {
            get: {
                '/v3/contacts': [
                    { response: { results: [contact(1), contact(2)], paging: { next: 'p2' } }, status: 200, headers: {}, hash: 'a'.repeat(40), request: { params: { limit: '2' } } },
                    { response: { results: [contact(3)] }, status: 200, headers: {}, hash: 'b'.repeat(40), request: { params: { after: 'p2', limit: '2' } } }
                ],
                '/v3/contacts/archived': { response: [{ id: 9 }], status: 200, headers: {}, hash: 'c'.repeat(40), request: {} }
            }
        }
    },
    'acme/tests/find-user.test.json': {
        input: { email: 'nobody@acme.test' },
        output: { error: { code: 'action_script_failure', message: 'Action failed', payload: { code: 'not_found', email: 'nobody@acme.test' } } },
        nango: { getConnection: { connectionId: 'hand-written', provider: 'acme-crm' } },
        api: { get: { '/v3/users': { response: { results: [] }, status: 200, headers: {}, request: { params: { email: 'nobody@acme.test' } } } } }
    },
    'acme/tests/whoami.test.json': {
        input: {},
        output: { login: 'me' },
        nango: { getConnection: { connectionId: 'hand-written', provider: 'acme-crm' }, getMetadata: { team: 'blue' } },
        api: { get: { '/v3/me': { response: { login: 'me' }, status: 200, headers: {}, request: { params: { team: 'red' } } } } }
    },
    // The connection as Nango records it (snake_case), with credentials a function must not see.
    'acme/tests/connection-info.test.json': {
        input: {},
        output: { connectionId: 'conn-42', providerConfigKey: 'acme-crm-eu', subdomain: 'blue-team', credentialsSeen: false },
        nango: {
            getConnection: {
                id: 42,
                connection_id: 'conn-42',
                provider_config_key: 'acme-crm-eu',
                provider: 'acme-crm',
                connection_config: { subdomain: 'blue-team' },
                credentials: { type: 'OAUTH2', access_token: 'not-for-functions' }
            }
        },
        api: {}
    }
};

const CONNECTION_INFO_FIXTURE = NANGO_FIXTURES['acme/tests/connection-info.test.json'];

async function writeFiles(root: string, files: Record<string, string>): Promise<void> {
    for (const [rel, content] of Object.entries(files)) {
        await mkdir(dirname(join(root, rel)), { recursive: true });
        await writeFile(join(root, rel), content.trimStart());
    }
}

/** The fixture project `name` in `root`, with a compile script for `generate tests` to add beside. */
async function writeProject(root: string, name: string): Promise<void> {
    await copyFixtureProject(name, root);
    await mkdir(join(root, 'node_modules/.bin'), { recursive: true });
    await writeFile(join(root, 'package.json'), `${JSON.stringify({ name: 'fns', type: 'module', private: true, scripts: { compile: 'ferry compile' } }, null, 2)}\n`);
}

function npmTest(cwd: string): Promise<CliResult> {
    return new Promise((resolve, reject) => {
        const child = spawn('npm', ['test'], { cwd, env: baseEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
        let stdout = '';
        let stderr = '';
        child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
        child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
        const timer = setTimeout(() => child.kill('SIGKILL'), 90_000);
        child.on('error', reject);
        child.on('close', (code, signal) => {
            clearTimeout(timer);
            resolve({ code, signal, stdout, stderr });
        });
    });
}

describe('ferry test', () => {
    let recorded: string;
    let handWritten: string;
    const cleanups: (() => Promise<void>)[] = [];
    let secrets: string[] = [];

    beforeAll(async () => {
        const a = await makeTempDir('ferry-test-recorded-');
        const b = await makeTempDir('ferry-test-nango-');
        recorded = a.dir;
        handWritten = b.dir;
        cleanups.push(a.cleanup, b.cleanup);

        await writeProject(handWritten, 'test-nango-style');
        await writeFiles(handWritten, Object.fromEntries(Object.entries(NANGO_FIXTURES).map(([rel, value]) => [rel, JSON.stringify(value, null, 2)])));

        // Record with `ferry dryrun --save` against the fake servers, then stop them for good.
        await writeProject(recorded, 'test-recorded');
        const provider = await startFakeProvider();
        const platform = await startFakePlatform({
            providerUrl: provider.url,
            connections: [{ connection_id: 'conn-rec', provider_config_key: 'github', provider: 'github', metadata: { owner: 'octo' } }],
            integrations: [{ unique_key: 'github', provider: 'github' }]
        });
        provider.setToken(platform.providerToken);
        secrets = [platform.secretKey, platform.providerToken.replace(/^Bearer\s+/, '')];
        await writeFile(join(recorded, '.env'), `NANGO_SECRET_KEY_DEV=${platform.secretKey}\nNANGO_HOSTPORT=${platform.url}\n`);
        try {
            const saves = await Promise.all([
                runFerry(['dryrun', 'issues', 'conn-rec', '--save'], { cwd: recorded }),
                runFerry(['dryrun', 'recent', 'conn-rec', '--save'], { cwd: recorded }),
                runFerry(['dryrun', 'create-issue', 'conn-rec', '--input', '{"title":"Recorded"}', '--save'], { cwd: recorded })
            ]);
            for (const save of saves) expect(save.code, save.stderr).toBe(0);
        } finally {
            await platform.close();
            await provider.close();
        }
        // Nothing may reach the platform during a replay, not even by accident.
        await writeFile(join(recorded, '.env'), 'NANGO_SECRET_KEY_DEV=unused\nNANGO_HOSTPORT=http://127.0.0.1:9\n');
    }, 120_000);

    afterAll(async () => {
        for (const cleanup of cleanups) await cleanup();
    });

    const ferry = (cwd: string, args: string[]): Promise<CliResult> => runFerry(['test', ...args], { cwd });

    it('replays what dryrun --save recorded, offline, and passes', async () => {
        const fixture = await readFile(join(recorded, 'github/tests/issues.test.json'), 'utf8');
        for (const secret of secrets) expect(fixture).not.toContain(secret);
        const result = await ferry(recorded, []);
        expect(result.code, result.stdout + result.stderr).toBe(0);
        expect(result.stdout).toMatch(/^✓ github\/create-issue [\d.]+ m?s$/m);
        expect(result.stdout).toMatch(/^✓ github\/issues [\d.]+ m?s$/m);
        expect(result.stdout).toMatch(/^✓ github\/recent [\d.]+ m?s$/m);
        expect(result.stdout).toMatch(/^3 passed, 0 failed$/m);
    });

    it('replays a function that computes dates from now at the time it was recorded; --now moves it', async () => {
        const fixture = JSON.parse(await readFile(join(recorded, 'github/tests/recent.test.json'), 'utf8')) as { recordedAt: string; nango: { batchSave: { Recent: { seenAt: string }[] } } };
        expect(Date.parse(fixture.recordedAt)).toBeGreaterThan(Date.parse('2020-01-01'));
        // The recording ran on the same frozen clock: what it saw is its recordedAt.
        expect(fixture.nango.batchSave.Recent.map((r) => r.seenAt)).toContain(fixture.recordedAt);
        const replayed = JSON.parse((await ferry(recorded, ['recent', '--json'])).stdout) as { tests: { ok: boolean; now: string; nowFrom: string }[] };
        expect(replayed.tests[0]).toMatchObject({ ok: true, now: fixture.recordedAt, nowFrom: 'recordedAt' });

        const moved = await ferry(recorded, ['recent', '--now', '2020-01-08T00:00:00Z']);
        expect(moved.code).toBe(1);
        expect(moved.stdout).toContain(`which differs in param since: sent "2020-01-01T00:00:00.000Z", recorded "${new Date(Date.parse(fixture.recordedAt) - 7 * 86_400_000).toISOString()}"`);
        const bad = await ferry(recorded, ['recent', '--now', 'tomorrow']);
        expect(bad.code).toBe(1);
        expect(bad.stderr.trim()).toBe("error --now 'tomorrow' is not a date. Give an ISO date or date-time, e.g. --now 2025-06-01T12:00:00Z.");
    });

    it('--json prints one document with every test', async () => {
        const result = await ferry(recorded, ['--json']);
        expect(result.code).toBe(0);
        const report = JSON.parse(result.stdout) as { tests: { function: string; integration: string; fixture: string; ok: boolean; durationMs: number; failures: unknown[] }[]; passed: number; failed: number };
        expect(report.passed).toBe(3);
        expect(report.failed).toBe(0);
        expect(report.tests.map((t) => [t.integration, t.function, t.fixture, t.ok, t.failures])).toEqual([
            ['github', 'create-issue', 'github/tests/create-issue.test.json', true, []],
            ['github', 'issues', 'github/tests/issues.test.json', true, []],
            ['github', 'recent', 'github/tests/recent.test.json', true, []]
        ]);
    });

    it('finishes on a terminal that reports no width (no spinner there: ora redraws forever)', async () => {
        // stderr made to look like a zero-column terminal before Ferry starts, as some CI and container terminals are.
        const tty = `data:text/javascript,${encodeURIComponent('process.stderr.isTTY = true; process.stderr.columns = 0;')}`;
        const result = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
            const child = spawn(process.execPath, ['--import', tty, join(REPO_ROOT, 'bin/ferry.js'), 'test'], {
                cwd: recorded,
                env: baseEnv({ CI: undefined, NO_COLOR: undefined })
            });
            let stdout = '';
            let stderr = '';
            child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
            child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d.slice(0, 10_000)));
            const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
            child.on('error', reject);
            child.on('close', (code) => {
                clearTimeout(timer);
                resolve({ code, stdout, stderr });
            });
        });
        expect(result.code, result.stderr.slice(0, 500)).toBe(0);
        expect(result.stdout).toMatch(/^3 passed, 0 failed$/m);
    }, 30_000);

    it('fails with a diff naming the field when the mapping of one field changes', async () => {
        const file = join(recorded, 'github/syncs/issues.ts');
        const issuesSync = await readFile(file, 'utf8');
        await writeFile(file, issuesSync.replace('title: i.title,', 'title: i.title.toUpperCase(),'));
        try {
            const result = await ferry(recorded, ['issues']);
            expect(result.code).toBe(1);
            expect(result.stdout).toMatch(/^✗ github\/issues [\d.]+ m?s$/m);
            expect(result.stdout).toContain('batchSave Issue id 1001 field title: expected "Issue number 1", got "ISSUE NUMBER 1"');
            expect(result.stdout).toMatch(/^0 passed, 1 failed$/m);
            const json = JSON.parse((await ferry(recorded, ['issues', '--json'])).stdout) as { tests: { failures: { kind: string; model: string; recordId: string; path: string }[] }[] };
            expect(json.tests[0]!.failures).toHaveLength(6);
            expect(json.tests[0]!.failures[0]).toMatchObject({ kind: 'changed_field', model: 'Issue', recordId: '1001', path: 'title' });
        } finally {
            await writeFile(file, issuesSync);
        }
    });

    it('fails an unrecorded request, naming it, the closest recorded one and what differs', async () => {
        const file = join(recorded, 'github/syncs/issues.ts');
        const issuesSync = await readFile(file, 'utf8');
        await writeFile(file, issuesSync.replace("state: 'all'", "state: 'open'"));
        try {
            const result = await ferry(recorded, ['issues', '--integration', 'github']);
            expect(result.code).toBe(1);
            expect(result.stdout).toContain(
                'unrecorded request GET /repos/o/r/issues with params {"state":"open","per_page":"2"}; the closest recorded request is GET /repos/o/r/issues, which differs in param state: sent "open", recorded "all"'
            );
        } finally {
            await writeFile(file, issuesSync);
        }
    });

    it("passes hand-written fixtures in Nango's format: a paginated list of entries and an expected ActionError", async () => {
        const result = await ferry(handWritten, ['--json']);
        const report = JSON.parse(result.stdout) as { tests: { function: string; ok: boolean; failures: { message: string }[] }[]; passed: number; failed: number };
        const byName = Object.fromEntries(report.tests.map((t) => [t.function, t]));
        expect(byName['contacts']).toMatchObject({ ok: true, failures: [] });
        expect(byName['find-user']).toMatchObject({ ok: true, failures: [] });
        expect(byName['connection-info']).toMatchObject({ ok: true, failures: [] });
        // whoami's fixture recorded another team: getMetadata comes from the fixture, so the request differs.
        expect(byName['whoami']!.ok).toBe(false);
        expect(byName['whoami']!.failures).toHaveLength(1);
        expect(byName['whoami']!.failures[0]!.message).toBe(
            'unrecorded request GET /v3/me with params {"team":"blue"}; the closest recorded request is GET /v3/me, which differs in param team: sent "blue", recorded "red"'
        );
        expect([report.passed, report.failed]).toEqual([3, 1]);
        expect(result.code).toBe(1);
    });

    it('replays getConnection from the fixture: connection id, config key and connection_config, never its credentials', async () => {
        const passing = await ferry(handWritten, ['connection-info']);
        expect(passing.code, passing.stdout + passing.stderr).toBe(0);
        expect(passing.stdout).toMatch(/^✓ acme\/connection-info [\d.]+ m?s$/m);
        expect(passing.stdout).toMatch(/^1 passed, 0 failed$/m);

        const path = join(handWritten, 'acme/tests/connection-info.test.json');
        const original = await readFile(path, 'utf8');
        const fixture = JSON.parse(original) as { output: Record<string, unknown> };
        fixture.output['subdomain'] = 'red-team';
        fixture.output['providerConfigKey'] = 'acme-crm-us';
        await writeFile(path, JSON.stringify(fixture, null, 2));
        try {
            const failing = await ferry(handWritten, ['connection-info', '--json']);
            expect(failing.code).toBe(1);
            const report = JSON.parse(failing.stdout) as { tests: { ok: boolean; failures: { kind: string; path: string; message: string }[] }[] };
            expect(report.tests).toHaveLength(1);
            expect(report.tests[0]!.ok).toBe(false);
            expect(report.tests[0]!.failures.map((f) => [f.kind, f.path, f.message]).sort()).toEqual([
                ['output', 'providerConfigKey', 'output field providerConfigKey: expected "acme-crm-us", got "acme-crm-eu"'],
                ['output', 'subdomain', 'output field subdomain: expected "red-team", got "blue-team"']
            ]);
        } finally {
            await writeFile(path, original);
        }
    });

    it('reports a broken fixture and a fixture without a function in one line each, still running the rest', async () => {
        await writeFiles(handWritten, {
            'acme/tests/broken.test.json': '{ "input": {, }',
            'acme/tests/ghost.test.json': '{ "input": {} }'
        });
        try {
            const result = await ferry(handWritten, ['--integration', 'acme']);
            expect(result.code).toBe(1);
            expect(result.stdout).toMatch(/^✗ acme\/broken [\d.]+ m?s\n {4}acme\/tests\/broken\.test\.json\n {4}not valid JSON at line 1, column \d+ \(.+\)$/m);
            expect(result.stdout).toMatch(/^✗ acme\/ghost [\d.]+ m?s\n {4}acme\/tests\/ghost\.test\.json\n {4}No function 'ghost' in integration 'acme' is registered in index\.ts and there is no acme\/\{syncs,actions,on-events\}\/ghost\.ts$/m);
            expect(result.stdout).toMatch(/^✓ acme\/contacts [\d.]+ m?s$/m);
            expect(result.stdout).toMatch(/^3 passed, 3 failed$/m);
        } finally {
            await rm(join(handWritten, 'acme/tests/broken.test.json'));
            await rm(join(handWritten, 'acme/tests/ghost.test.json'));
        }
    });

    it('warns about an index.ts import of a missing file, and still replays the functions that are there', async () => {
        const index = join(handWritten, 'index.ts');
        const original = await readFile(index, 'utf8');
        await writeFile(index, `${original}import './acme/syncs/gone.js';\n`);
        try {
            const result = await ferry(handWritten, ['contacts']);
            expect(result.code).toBe(0);
            expect(result.stderr).toMatch(/warning index\.ts:\d+: .*acme\/syncs\/gone\.ts does not exist/);
            expect(result.stdout).toMatch(/^1 passed, 0 failed$/m);
        } finally {
            await writeFile(index, original);
        }
    });

    it('says so and exits 1 when there is no fixture, fails only the fixtures of a function that does not build, and rejects an unknown function', async () => {
        const empty = await makeTempDir('ferry-test-empty-');
        cleanups.push(empty.cleanup);
        await writeFunctionProject(empty.dir, {
            'x/actions/a.ts': await readFixture('test-recorded', 'github/actions/create-issue.ts'),
            'x/actions/b.ts': await readFixture('test-nango-style', 'acme/actions/connection-info.ts')
        });
        const result = await ferry(empty.dir, []);
        expect(result.code).toBe(1);
        expect(result.stderr).toMatch(/no fixture found \(looked for <integration>\/tests\/\*\.test\.json in .+\)/);
        expect(result.stdout).toBe('');
        // A function that does not build fails its own fixtures, with the place; the others still run.
        await writeFiles(empty.dir, {
            'x/tests/a.test.json': '{}',
            'x/tests/b.test.json': JSON.stringify(CONNECTION_INFO_FIXTURE),
            'x/actions/a.ts': 'export default createAction({ exec: async () => { const y = ; } });\n'
        });
        const broken = await ferry(empty.dir, []);
        expect(broken.code).toBe(1);
        expect(broken.stdout).toMatch(/^✗ x\/a [\d.]+ m?s\n {4}x\/tests\/a\.test\.json\n {4}x\/actions\/a\.ts does not build: x\/actions\/a\.ts:1:\d+: Unexpected ";"$/m);
        expect(broken.stdout).toMatch(/^✓ x\/b [\d.]+ m?s$/m);
        expect(broken.stdout).toMatch(/^1 passed, 1 failed$/m);
        const brokenJson = JSON.parse((await ferry(empty.dir, ['--json'])).stdout) as { tests: { function: string; ok: boolean; failures: { kind: string; message: string }[] }[] };
        expect(brokenJson.tests.map((t) => [t.function, t.ok, t.failures.map((f) => f.kind)])).toEqual([
            ['a', false, ['bundle']],
            ['b', true, []]
        ]);
        // A function file index.ts does not import is replayed all the same, with a note.
        await writeFile(join(empty.dir, 'index.ts'), "import './x/actions/a.js';\n");
        const unlisted = await ferry(empty.dir, ['b']);
        expect(unlisted.code, unlisted.stdout + unlisted.stderr).toBe(0);
        expect(unlisted.stdout).toMatch(/^✓ x\/b [\d.]+ m?s\n {4}note: x\/actions\/b\.ts is not imported by index\.ts: replayed from its file, but compile and deploy leave it out$/m);
        const unlistedJson = JSON.parse((await ferry(empty.dir, ['b', '--json'])).stdout) as { tests: { notes: string[] }[] };
        expect(unlistedJson.tests[0]!.notes).toEqual(['x/actions/b.ts is not imported by index.ts: replayed from its file, but compile and deploy leave it out']);
        // The same code, wording and suggestions as `ferry dryrun` gives an unknown function.
        const unknown = await ferry(recorded, ['isues', '--json']);
        expect(unknown.code).toBe(1);
        expect(unknown.stderr.trim()).toBe("error No function 'isues' is registered in index.ts. Did you mean 'issues'?");
        expect(JSON.parse(unknown.stdout).error).toEqual({
            code: 'FUNCTION_NOT_FOUND',
            message: "No function 'isues' is registered in index.ts",
            hint: "Did you mean 'issues'?",
            details: { function: 'isues', suggestions: ['issues'] }
        });
        const integration = await ferry(recorded, ['--integration', 'githb', '--json']);
        expect(integration.code).toBe(1);
        expect(JSON.parse(integration.stdout).error).toEqual({
            code: 'INTEGRATION_NOT_FOUND',
            message: "No integration 'githb' in this project",
            hint: "Did you mean 'github'?",
            details: { integration: 'githb', suggestions: ['github'] }
        });
    });

    it('generate tests writes vitest files that `npm test` runs through ferry/test', async () => {
        await symlink(REPO_ROOT, join(recorded, 'node_modules/ferry'), 'dir');
        await symlink(join(REPO_ROOT, 'node_modules/vitest'), join(recorded, 'node_modules/vitest'), 'dir');
        await symlink(join(REPO_ROOT, 'node_modules/vitest/vitest.mjs'), join(recorded, 'node_modules/.bin/vitest'));
        // The generated test script is `ferry test --vitest`: it maps `nango` to Ferry, which this project has not installed.
        await symlink(join(REPO_ROOT, 'bin/ferry.js'), join(recorded, 'node_modules/.bin/ferry'));
        const generated = await runFerry(['generate', 'tests', '--json'], { cwd: recorded });
        expect(generated.code, generated.stderr).toBe(0);
        expect(JSON.parse(generated.stdout)).toMatchObject({
            written: ['github/tests/create-issue.replay.test.mjs', 'github/tests/issues.replay.test.mjs', 'github/tests/recent.replay.test.mjs'],
            unchanged: [],
            scriptAdded: true
        });
        const pkg = JSON.parse(await readFile(join(recorded, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
        expect(pkg.scripts).toEqual({ compile: 'ferry compile', test: 'ferry test --vitest' });
        const again = JSON.parse((await runFerry(['generate', 'tests', '--json'], { cwd: recorded })).stdout) as { written: string[]; unchanged: string[]; scriptAdded: boolean };
        expect(again).toMatchObject({ written: [], unchanged: ['github/tests/create-issue.replay.test.mjs', 'github/tests/issues.replay.test.mjs', 'github/tests/recent.replay.test.mjs'], scriptAdded: false });

        const passing = await npmTest(recorded);
        expect(passing.code, passing.stdout + passing.stderr).toBe(0);
        expect(passing.stdout).toMatch(/Tests\s+3 passed/);

        const file = join(recorded, 'github/syncs/issues.ts');
        const issuesSync = await readFile(file, 'utf8');
        await writeFile(file, issuesSync.replace('title: i.title,', 'title: i.title.toUpperCase(),'));
        try {
            const failing = await npmTest(recorded);
            expect(failing.code).not.toBe(0);
            expect(failing.stdout + failing.stderr).toContain('batchSave Issue id 1001 field title: expected "Issue number 1", got "ISSUE NUMBER 1"');
        } finally {
            await writeFile(file, issuesSync);
        }
        expect(existsSync(join(recorded, 'github/tests/issues.test.json'))).toBe(true);
    }, 180_000);
});
