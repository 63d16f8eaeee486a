/**
 * `ferry deploy` sends what `nango deploy` sends: the fixture project deployed to the fake
 * platform, its preview and deploy bodies compared with the ones the real Nango CLI (0.71.10)
 * sent for the same project (test/fixtures/projects/nango-manifest/nango-deploy-bodies.json).
 * Bundles differ between bundlers and are compared apart.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeployPayload } from '../../src/deploy/types.js';
import { REPO_ROOT, makeTempDir, runFerry } from '../support/cli.js';
import { createDeployRoutes, type FakeDeployState } from '../support/fake-platform-deploy.js';
import { startFakePlatform, type FakePlatform } from '../support/fake-platform.js';
import { copyNangoManifestProject } from '../support/nango-project.js';
import { platformConfirmationBody, platformDeployBody } from '../support/platform-deploy-schema.js';

const FIXTURE = join(REPO_ROOT, 'test/fixtures/projects/nango-manifest');
const SECRET_KEY = 'sk-test-nango-payload-4f3e2d1c0b';

interface Recorded {
    confirmation: { body: Record<string, unknown> };
    deploy: { body: Record<string, unknown> };
}

/** The body with every bundle replaced by a marker, after checking it is a CommonJS bundle. */
function withoutBundles(body: DeployPayload): Record<string, unknown> {
    const copy = JSON.parse(JSON.stringify(body)) as DeployPayload;
    const files = [...copy.flowConfigs.map((f) => f.fileBody), ...(copy.onEventScriptsByProvider ?? []).flatMap((p) => p.scripts.map((s) => s.fileBody))];
    for (const file of files) {
        expect(file.js).toContain('module.exports');
        file.js = '<bundle>';
    }
    return copy as unknown as Record<string, unknown>;
}

describe('ferry deploy sends the body nango deploy sends', () => {
    let dir: string;
    let cleanup: () => Promise<void>;
    let platform: FakePlatform;
    let state: FakeDeployState;
    let recorded: Recorded;

    beforeAll(async () => {
        ({ dir, cleanup } = await makeTempDir('ferry-nango-payload-'));
        await copyNangoManifestProject(dir);
        const routes = createDeployRoutes();
        state = routes.state;
        platform = await startFakePlatform({ secretKey: SECRET_KEY, extraRoutes: [routes.handler] });
        await writeFile(join(dir, '.env'), `NANGO_SECRET_KEY_DEV=${SECRET_KEY}\nNANGO_HOSTPORT=${platform.url}\n`);
        recorded = JSON.parse(await readFile(join(FIXTURE, 'nango-deploy-bodies.json'), 'utf8')) as Recorded;
        const result = await runFerry(['deploy', '--auto-confirm', '--json'], { cwd: dir, env: { NANGO_DEPLOY_SOURCE: 'standalone' }, timeoutMs: 120_000 });
        expect(result.stderr).not.toMatch(/error/i);
        expect(result.code).toBe(0);
    }, 150_000);

    afterAll(async () => {
        await platform?.close();
        await cleanup?.();
    });

    // The JSON Schemas are compared by the manifest test; here only that each flow carries its entry's.
    const comparable = (body: Record<string, unknown>): Record<string, unknown> => {
        const copy = JSON.parse(JSON.stringify(body)) as { flowConfigs: { models_json_schema: unknown }[]; sdkVersion: string };
        for (const flow of copy.flowConfigs) flow.models_json_schema = Object.keys((flow.models_json_schema as { definitions: object }).definitions);
        copy.sdkVersion = copy.sdkVersion.replace(/^[\d.]+-/, '<version>-');
        return copy;
    };

    it('previews with the confirmation body Nango sends: no source, no nangoYamlBody, reconcile false', () => {
        expect(state.confirmations).toHaveLength(1);
        const ours = comparable(withoutBundles(state.confirmations[0]!));
        expect(ours).toEqual(comparable(recorded.confirmation.body));
        expect(JSON.stringify(ours)).toBe(JSON.stringify(comparable(recorded.confirmation.body)));
    });

    it('deploys with the body Nango sends: every field, in order, source from NANGO_DEPLOY_SOURCE, metadata.scopes always', () => {
        expect(state.deploys).toHaveLength(1);
        const ours = comparable(withoutBundles(state.deploys[0]!));
        expect(ours).toEqual(comparable(recorded.deploy.body));
        expect(JSON.stringify(ours)).toBe(JSON.stringify(comparable(recorded.deploy.body)));
        expect(state.deploys[0]).toMatchObject({ source: 'standalone', nangoYamlBody: '', reconcile: true });
    });

    it('sends each flow the JSON Schemas of its manifest entry', async () => {
        const manifest = JSON.parse(await readFile(join(dir, '.nango/nango.json'), 'utf8')) as { providerConfigKey: string; syncs: { name: string; json_schema: unknown }[]; actions: { name: string; json_schema: unknown }[] }[];
        for (const flow of state.deploys[0]!.flowConfigs) {
            const integration = manifest.find((i) => i.providerConfigKey === flow.providerConfigKey)!;
            const entry = (flow.type === 'sync' ? integration.syncs : integration.actions).find((e) => e.name === flow.syncName)!;
            expect(flow.models_json_schema).toEqual(entry.json_schema);
        }
    });

    it("passes the platform's own body validation, as Nango's bodies do", () => {
        for (const body of [state.confirmations[0], recorded.confirmation.body]) expect(platformConfirmationBody.safeParse(body).error).toBeUndefined();
        for (const body of [state.deploys[0], recorded.deploy.body]) expect(platformDeployBody.safeParse(body).error).toBeUndefined();
        // The validation has teeth: a preview carrying the deploy-only nangoYamlBody, or a flow with a key the platform does not know, is refused.
        expect(platformConfirmationBody.safeParse({ ...state.confirmations[0], nangoYamlBody: '' }).success).toBe(false);
        const [first, ...rest] = state.deploys[0]!.flowConfigs;
        expect(platformDeployBody.safeParse({ ...state.deploys[0], flowConfigs: [{ ...first, autoStart: true }, ...rest] }).success).toBe(false);
    });
});
