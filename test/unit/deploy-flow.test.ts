/** The deploy flow and its payload, with every effect faked: no compiler, no network, no prompt. */
import { describe, expect, it } from 'vitest';
import type { CompileDiagnostic, Manifest, ManifestAction, ManifestSync, ProjectCompileResult } from '../../src/compiler/types.js';
import { deploy, type DeployDeps, type DeployEvent, type DeployOptions } from '../../src/deploy/deploy.js';
import { buildPayload, deploySource, previewBody } from '../../src/deploy/payload.js';
import type { DeployPayload, DeployPlan, FileBody } from '../../src/deploy/types.js';
import { FerryError } from '../../src/errors.js';
import type { DeployAnswerEntry, DeployApi } from '../../src/platform/deploy.js';
import type { FunctionRef } from '../../src/project/types.js';

const issues: ManifestSync = {
    type: 'sync',
    name: 'issues',
    description: 'Issues of every repo',
    endpoints: [{ method: 'GET', path: '/issues' }],
    sync_type: 'incremental',
    track_deletes: false,
    auto_start: true,
    runs: 'every hour',
    scopes: ['repo'],
    input: null,
    output: ['Issue'],
    usedModels: ['Issue'],
    webhookSubscriptions: [],
    version: '1.0.0',
    json_schema: { definitions: { Issue: { type: 'object', properties: { id: { type: 'string' } }, required: ['id'] } } },
    features: []
};
const createIssue: ManifestAction = {
    type: 'action',
    name: 'create-issue',
    description: 'Opens an issue',
    endpoint: { method: 'POST', path: '/issues' },
    scopes: [],
    input: 'ActionInput_github_create-issue',
    output: ['ActionOutput_github_create-issue'],
    usedModels: [],
    version: '',
    json_schema: { definitions: { 'ActionInput_github_create-issue': { type: 'object' }, 'ActionOutput_github_create-issue': { type: 'object' } } },
    features: []
};
const messages: ManifestSync = { ...issues, name: 'messages', description: '', scopes: [], output: ['Message'], usedModels: ['Message'], version: '', endpoints: [] };

const manifest: Manifest = [
    {
        providerConfigKey: 'github',
        syncs: [issues],
        actions: [createIssue],
        onEventScripts: { 'post-connection-creation': ['setup'], 'pre-connection-deletion': [], 'validate-connection': [] }
    },
    { providerConfigKey: 'slack', syncs: [messages], actions: [], onEventScripts: { 'post-connection-creation': [], 'pre-connection-deletion': [], 'validate-connection': [] } }
];

const ROOT = '/project';
const ref = (integration: string, folder: FunctionRef['folder'], type: FunctionRef['type'], name: string): FunctionRef => ({
    integration,
    folder,
    type,
    name,
    file: `${ROOT}/${integration}/${folder}/${name}.ts`,
    relPath: `${integration}/${folder}/${name}.ts`,
    id: `${integration}_${folder}_${name}`,
    indexLine: 1
});
const refs = [ref('github', 'syncs', 'sync', 'issues'), ref('github', 'actions', 'action', 'create-issue'), ref('github', 'on-events', 'onEvent', 'setup'), ref('slack', 'syncs', 'sync', 'messages')];

const SECRET = 'sk-live-0123456789abcdef';
/** The generation folder `build` links to in the fake file system. */
const GENERATION = `${ROOT}/.ferry/build/g1`;

function compiled(ok = true, errors: CompileDiagnostic[] = []): ProjectCompileResult {
    return {
        ok,
        functions: ok ? refs.map((r) => ({ ref: r, bundlePath: `${ROOT}/build/${r.id}.cjs`, size: 10, cached: false, inputs: [r.file] })) : [],
        errors,
        warnings: [],
        manifest: ok ? manifest : [],
        durationMs: 5,
        root: ROOT,
        typecheck: { ran: true, cached: false, durationMs: 1 },
        removed: [],
        manifestPath: `${ROOT}/.nango/nango.json`
    };
}

const emptyPlan = (): DeployPlan => ({
    syncs: { new: [], updated: [], deleted: [] },
    actions: { new: [], updated: [], deleted: [] },
    onEventScripts: { new: [], updated: [], deleted: [] },
    deletedModels: []
});

interface Harness {
    deps: DeployDeps;
    reads: string[];
    previews: string[];
    deploys: string[];
    questions: string[];
    events: DeployEvent[];
    /** Every path realpath was asked about. */
    resolved: string[];
    closed: () => boolean;
}

function harness(
    setup: { plan?: DeployPlan; compile?: ProjectCompileResult; files?: Record<string, string>; answer?: boolean; dotEnv?: Record<string, string>; deployError?: FerryError; complete?: boolean; onRead?: (link: { current: string }) => void } = {}
): Harness {
    const h: Omit<Harness, 'deps' | 'closed'> = { reads: [], previews: [], deploys: [], questions: [], events: [], resolved: [] };
    // What `build` links to; a `dev` rebuild switching it is a new value here.
    const link = { current: GENERATION };
    let closed = false;
    const api: DeployApi = {
        host: 'http://platform.test',
        preview: async (body) => {
            h.previews.push(body);
            return setup.plan ?? emptyPlan();
        },
        deploy: async (body) => {
            h.deploys.push(body);
            if (setup.deployError) throw setup.deployError;
            const payload = JSON.parse(body) as DeployPayload;
            return payload.flowConfigs.map((flow): DeployAnswerEntry => ({ name: flow.syncName, version: flow.version || '0.0.1', providerConfigKey: flow.providerConfigKey, type: flow.type }));
        },
        close: async () => {
            closed = true;
        }
    };
    const deps: DeployDeps = {
        findRoot: () => ROOT,
        settings: (_root, environment) => ({ host: api.host, secretKey: SECRET, environment, keyVariable: 'NANGO_SECRET_KEY_DEV', dotEnv: setup.dotEnv ?? {} }),
        secretSources: () => [setup.dotEnv ?? {}],
        entries: async () => ({ functions: refs, complete: setup.complete ?? true }),
        compile: async () => setup.compile ?? compiled(),
        readFile: async (path) => {
            h.reads.push(path);
            setup.onRead?.(link);
            return setup.files?.[path] ?? `// contents of ${path}`;
        },
        realpath: async (path) => {
            h.resolved.push(path);
            return path === `${ROOT}/build` ? link.current : path;
        },
        createApi: () => api,
        confirm: async (question) => {
            h.questions.push(question);
            return setup.answer ?? false;
        },
        now: () => 1000,
        sdkVersion: '0.1.0-zero',
        onEvent: (event) => h.events.push(event)
    };
    return { ...h, deps, closed: () => closed };
}

const options = (overrides: Partial<DeployOptions> = {}): DeployOptions => ({
    cwd: ROOT,
    environment: 'dev',
    flags: {},
    allowDestructive: false,
    autoConfirm: false,
    dryRun: false,
    interactive: false,
    debug: false,
    ...overrides
});

describe('deploy payload', () => {
    const files = new Map<string, FileBody>(refs.map((r) => [r.id, { js: `js of ${r.id}`, ts: `ts of ${r.id}` }]));

    it('carries every function in deployMode all', () => {
        const payload = buildPayload({ manifest, selection: { mode: 'all' }, files, debug: false, sdkVersion: '0.1.0-zero', source: 'repo' });
        expect(payload).toMatchObject({ deployMode: 'all', reconcile: true, debug: false, sdkVersion: '0.1.0-zero', nangoYamlBody: '', source: 'repo' });
        expect(Object.keys(payload)).toEqual(['flowConfigs', 'onEventScriptsByProvider', 'deployMode', 'reconcile', 'debug', 'nangoYamlBody', 'sdkVersion', 'source']);
        expect(payload.flowConfigs.map((f) => `${f.providerConfigKey}/${f.type}/${f.syncName}`)).toEqual(['github/sync/issues', 'github/action/create-issue', 'slack/sync/messages']);
        expect(payload.flowConfigs[0]).toEqual({
            syncName: 'issues',
            providerConfigKey: 'github',
            models: ['Issue'],
            version: '1.0.0',
            runs: 'every hour',
            track_deletes: false,
            auto_start: true,
            attributes: {},
            metadata: { description: 'Issues of every repo', scopes: ['repo'] },
            sync_type: 'incremental',
            type: 'sync',
            fileBody: { js: 'js of github_syncs_issues', ts: 'ts of github_syncs_issues' },
            endpoints: [{ method: 'GET', path: '/issues' }],
            webhookSubscriptions: [],
            models_json_schema: issues.json_schema,
            features: []
        });
        expect(payload.flowConfigs[1]).toMatchObject({ runs: null, input: 'ActionInput_github_create-issue', endpoints: [{ method: 'POST', path: '/issues' }] });
        // Nango's order of fields; an action has no attributes or auto_start, and '' when it sets no version.
        expect(Object.keys(payload.flowConfigs[0]!)).toEqual([
            'syncName', 'providerConfigKey', 'models', 'version', 'runs', 'track_deletes', 'auto_start', 'attributes', 'metadata', 'sync_type', 'type', 'fileBody', 'endpoints', 'webhookSubscriptions', 'models_json_schema', 'features'
        ]);
        expect(Object.keys(payload.flowConfigs[1]!)).toEqual(['syncName', 'providerConfigKey', 'models', 'version', 'runs', 'metadata', 'input', 'type', 'fileBody', 'endpoints', 'track_deletes', 'models_json_schema', 'features']);
        expect(payload.flowConfigs[1]).toMatchObject({ version: '', metadata: { scopes: [] } });
        expect(payload.onEventScriptsByProvider).toEqual([
            { providerConfigKey: 'github', scripts: [{ name: 'setup', event: 'post-connection-creation', fileBody: { js: 'js of github_on-events_setup', ts: 'ts of github_on-events_setup' } }] }
        ]);
        expect(Object.keys(previewBody(payload))).toEqual(['flowConfigs', 'onEventScriptsByProvider', 'deployMode', 'reconcile', 'debug', 'sdkVersion']);
        expect(previewBody(payload).reconcile).toBe(false);
    });

    it("takes source from NANGO_DEPLOY_SOURCE as Nango does: 'standalone' when it says so, else 'repo'", () => {
        expect([deploySource('standalone'), deploySource('repo'), deploySource('STANDALONE'), deploySource(''), deploySource(undefined)]).toEqual(['standalone', 'repo', 'repo', 'repo', 'repo']);
    });

    it('sends one function in single mode, one integration in integration mode, and stamps --version', () => {
        const single = buildPayload({
            manifest,
            selection: { mode: 'single', integration: 'github', function: { type: 'action', name: 'create-issue' } },
            files,
            version: '2.0.0',
            debug: true,
            sdkVersion: 'x',
            source: 'standalone'
        });
        expect(single.deployMode).toBe('single');
        expect(single.flowConfigs.map((f) => [f.syncName, f.version])).toEqual([['create-issue', '2.0.0']]);
        expect(single).not.toHaveProperty('onEventScriptsByProvider');

        const integration = buildPayload({ manifest, selection: { mode: 'integration', integration: 'slack' }, files, debug: false, sdkVersion: 'x', source: 'repo' });
        expect(integration.deployMode).toBe('integration');
        expect(integration.flowConfigs.map((f) => f.syncName)).toEqual(['messages']);
        expect(integration.onEventScriptsByProvider).toEqual([]);
    });
});

describe('the deploy flow', () => {
    it('compiles, reads only the selected files, previews, deploys and reports name@version', async () => {
        const h = harness();
        const result = await deploy(options({ flags: { sync: 'issues' } }), h.deps);
        expect(result.error).toBeUndefined();
        expect(result.outcome).toBe('deployed');
        expect(h.reads.sort()).toEqual([`${GENERATION}/github_syncs_issues.cjs`, `${ROOT}/github/syncs/issues.ts`]);
        expect(h.previews).toHaveLength(1);
        expect(JSON.parse(h.previews[0]!)).toMatchObject({ deployMode: 'single', reconcile: false });
        expect(h.deploys).toHaveLength(1);
        expect(JSON.parse(h.deploys[0]!)).toMatchObject({ deployMode: 'single', reconcile: true });
        expect(result.deployed).toEqual([{ name: 'issues', version: '1.0.0', type: 'sync', integration: 'github' }]);
        expect(result.payloadBytes).toBe(Buffer.byteLength(h.deploys[0]!));
        expect(h.events.map((e) => e.kind)).toEqual(['compiled', 'payload', 'plan', 'deploying']);
        expect(h.closed()).toBe(true);
    });

    it('reads every bundle from the generation build linked to right after compile, though a dev rebuild switches build meanwhile', async () => {
        const h = harness({ onRead: (link) => (link.current = `${ROOT}/.ferry/build/g2`) });
        const result = await deploy(options(), h.deps);
        expect(result.outcome).toBe('deployed');
        expect(h.resolved).toEqual([`${ROOT}/build`]);
        const bundles = h.reads.filter((path) => path.endsWith('.cjs')).sort();
        expect(bundles).toEqual(refs.map((r) => `${GENERATION}/${r.id}.cjs`).sort());
    });

    it('reports on-event scripts of a full deploy as deployed', async () => {
        const h = harness();
        const result = await deploy(options(), h.deps);
        expect(result.deployed.map((d) => `${d.integration}/${d.type}/${d.name}@${d.version}`)).toEqual([
            'github/sync/issues@1.0.0',
            'github/action/create-issue@0.0.1',
            'slack/sync/messages@0.0.1',
            'github/onEvent/setup@null'
        ]);
    });

    it('sends nothing when compile fails, with exit 10', async () => {
        const errors: CompileDiagnostic[] = [{ code: 'TS2322', message: 'bad type', file: `${ROOT}/github/syncs/issues.ts`, line: 3 }];
        const h = harness({ compile: compiled(false, errors) });
        const result = await deploy(options(), h.deps);
        expect(result.outcome).toBe('failed');
        expect(result.error?.exitCode).toBe(10);
        expect(result.compileErrors).toEqual(errors);
        expect(h.previews).toHaveLength(0);
        expect(h.reads).toHaveLength(0);
    });

    it('stops after the plan with --dry-run', async () => {
        const h = harness();
        const result = await deploy(options({ dryRun: true }), h.deps);
        expect(result).toMatchObject({ outcome: 'previewed', dryRun: true, deployed: [] });
        expect(result.plan).toEqual(emptyPlan());
        expect(h.deploys).toHaveLength(0);
    });

    it('refuses a destructive plan unattended, naming the missing flag, and deploys it with both flags', async () => {
        const plan = emptyPlan();
        plan.syncs.deleted.push({ name: 'old', integration: 'github', connections: 3, autoStart: true });
        const refused = harness({ plan });
        const result = await deploy(options({ autoConfirm: true }), refused.deps);
        expect(result.outcome).toBe('failed');
        expect(result.destructive).toBe(true);
        expect(result.error?.exitCode).toBe(11);
        expect(result.error?.code).toBe('DEPLOY_REFUSED');
        expect(result.error?.message).toContain('--allow-destructive');
        expect(result.error?.message).not.toContain('--auto-confirm');
        expect(result.error?.message).toContain('nothing was deployed');
        expect(result.plan).toEqual(plan);
        expect(refused.deploys).toHaveLength(0);
        expect(refused.questions).toHaveLength(0);

        const allowed = harness({ plan });
        expect((await deploy(options({ autoConfirm: true, allowDestructive: true }), allowed.deps)).outcome).toBe('deployed');
        expect(allowed.deploys).toHaveLength(1);
    });

    it('asks a person about a destructive plan and respects the answer', async () => {
        const plan = emptyPlan();
        plan.deletedModels.push('Issue');
        const no = harness({ plan, answer: false });
        const declined = await deploy(options({ interactive: true }), no.deps);
        expect(no.questions[0]).toContain('the model Issue');
        expect(declined.error?.code).toBe('DEPLOY_CANCELLED');
        expect(declined.error?.exitCode).toBe(11);
        expect(no.deploys).toHaveLength(0);

        const yes = harness({ plan, answer: true });
        expect((await deploy(options({ interactive: true }), yes.deps)).outcome).toBe('deployed');
        expect(yes.deploys).toHaveLength(1);
    });

    it('never prompts for a plan that destroys nothing', async () => {
        const plan = emptyPlan();
        plan.syncs.deleted.push({ name: 'unused', integration: 'github', connections: 0, autoStart: true });
        const h = harness({ plan });
        expect((await deploy(options({ interactive: true }), h.deps)).outcome).toBe('deployed');
        expect(h.questions).toHaveLength(0);
    });

    it('refuses a payload holding the secret key or a secret .env value, naming only the variable', async () => {
        const leaky = harness({ files: { [`${GENERATION}/github_syncs_issues.cjs`]: `const key = "${SECRET}";` } });
        const result = await deploy(options(), leaky.deps);
        expect(result.error?.code).toBe('SECRET_IN_PAYLOAD');
        expect(result.error?.exitCode).toBe(11);
        expect(result.error?.message).toContain('NANGO_SECRET_KEY_DEV');
        expect(JSON.stringify(result.error?.toJSON())).not.toContain(SECRET);
        expect(leaky.previews).toHaveLength(0);

        const dotEnv = harness({ dotEnv: { GITHUB_TOKEN: 'ghp_abcdefghijklmnop', PORT: '3000' }, files: { [`${ROOT}/github/syncs/issues.ts`]: "const t = 'ghp_abcdefghijklmnop'; const port = 3000;" } });
        const fromEnv = await deploy(options(), dotEnv.deps);
        expect(fromEnv.error?.message).toContain('GITHUB_TOKEN');
        expect(fromEnv.error?.message).not.toContain('ghp_');
        expect(dotEnv.previews).toHaveLength(0);

        // A secret in a function that is not selected never leaves, so it does not block.
        const unselected = harness({ files: { [`${GENERATION}/slack_syncs_messages.cjs`]: `"${SECRET}"` } });
        expect((await deploy(options({ flags: { integration: 'github' } }), unselected.deps)).outcome).toBe('deployed');
    });

    it('passes a failed deploy through with the plan it had', async () => {
        const failure = new FerryError({ code: 'PLATFORM_SERVER_ERROR', message: 'The platform answered 500', hint: 'The deploy may or may not have been applied', exitCode: 11 });
        const h = harness({ deployError: failure });
        const result = await deploy(options(), h.deps);
        expect(result.outcome).toBe('failed');
        expect(result.error).toBe(failure);
        expect(result.plan).not.toBeNull();
        expect(result.payloadBytes).toBeGreaterThan(0);
        expect(h.closed()).toBe(true);
    });

    it('turns a bad -s name into a usage error before anything is read or sent', async () => {
        const h = harness();
        const result = await deploy(options({ flags: { sync: 'isues' } }), h.deps);
        expect(result.error?.exitCode).toBe(1);
        expect(result.error?.hint).toContain("'issues'");
        expect(h.reads).toHaveLength(0);
        expect(h.previews).toHaveLength(0);
    });

    it('refuses an action given to -s, or an unknown name, before compiling a project that does not compile', async () => {
        const failing = compiled(false, [{ file: `${ROOT}/github/syncs/issues.ts`, line: 3, column: 5, code: 'TS2322', message: 'bad' }]);
        let compiles = 0;
        const run = async (flags: DeployOptions['flags'], complete = true) => {
            const h = harness({ compile: failing, complete });
            const result = await deploy(options({ dryRun: true, flags }), {
                ...h.deps,
                compile: async () => {
                    compiles++;
                    return failing;
                }
            });
            return { result, h };
        };
        const action = await run({ sync: 'create-issue' });
        expect(action.result.error?.code).toBe('USAGE');
        expect(action.result.error?.message).toBe("'create-issue' is an action, not a sync");
        expect(action.result.error?.hint).toBe('Use -a create-issue.');
        expect(action.result.compileErrors).toEqual([]);
        const typo = await run({ action: 'create-isue' });
        expect(typo.result.error?.message).toBe("No action named 'create-isue' in this project");
        expect(typo.result.error?.hint).toContain("'create-issue'");
        const integration = await run({ integration: 'slak' });
        expect(integration.result.error?.message).toBe("No integration named 'slak' in this project");
        expect(compiles).toBe(0);
        expect([action, typo, integration].every(({ h }) => h.previews.length === 0 && h.reads.length === 0)).toBe(true);

        // index.ts imports something that registers nothing: an unknown name may be that one, so compile decides.
        const incomplete = await run({ sync: 'gone' }, false);
        expect(compiles).toBe(1);
        expect(incomplete.result.error?.code).toBe('COMPILE_FAILED');
        expect(incomplete.result.error?.exitCode).toBe(10);
        // ...but an action given to -s is still a flag mistake the entries prove.
        const stillWrongKind = await run({ sync: 'create-issue' }, false);
        expect(stillWrongKind.result.error?.message).toBe("'create-issue' is an action, not a sync");
        expect(compiles).toBe(1);
    });

    it('refuses -s with -a before compiling (a flag mistake should not wait for a type-check)', async () => {
        const h = harness();
        let compiles = 0;
        const result = await deploy(options({ flags: { sync: 'issues', action: 'create-issue' } }), {
            ...h.deps,
            compile: async () => {
                compiles++;
                return compiled();
            }
        });
        expect(result.error?.code).toBe('USAGE');
        expect(result.error?.exitCode).toBe(1);
        expect(compiles).toBe(0);
    });
});
