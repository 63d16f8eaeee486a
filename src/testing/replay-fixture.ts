/**
 * One fixture file replayed on its own, for test runners (`ferry/test`): the project is found
 * from the fixture's path, only its function is bundled, and the result carries what the
 * function produced next to the failures, so a test can assert more than the comparison.
 */
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleFunctions } from '../compiler/bundle.js';
import { describeBuildErrors } from './bundle-each.js';
import type { Fixture } from '../runtime/fixture.js';
import { functionNotFound } from '../dryrun/pick.js';
import { runFunction } from '../runtime/run.js';
import { FerryError } from '../errors.js';
import { findProjectRoot, loadProject } from '../project/project.js';
import { fixtureIdentity, loadFixture, unregisteredFunction, unregisteredNote } from './fixtures.js';
import { parseNow } from './recorded-time.js';
import { replay } from './replay.js';
import { formatCase, type TestCaseResult } from './report.js';
import type { ReplayFixtureOptions, ReplayFixtureResult } from '../sdk/test-types.js';

export async function replayFixtureFile(fixture: string | URL, options: ReplayFixtureOptions = {}): Promise<ReplayFixtureResult> {
    const path = resolve(fixture instanceof URL || fixture.startsWith('file:') ? fileURLToPath(fixture) : fixture);
    const root = findProjectRoot(dirname(path));
    const identity = fixtureIdentity(root, path);
    if (!identity) {
        throw new FerryError({
            code: 'FIXTURE_PATH',
            message: `${path} is not at <integration>/tests/<function>.test.json in the project ${root}`,
            hint: 'Fixtures name their function by where they live; move the file or record it with `ferry dryrun --save`.'
        });
    }
    const now = options.now === undefined ? undefined : options.now instanceof Date ? options.now : parseNow(options.now);
    if (options.now !== undefined && (!now || Number.isNaN(now.getTime()))) {
        throw new FerryError({ code: 'USAGE', message: `replayFixture: now '${String(options.now)}' is not a date`, hint: 'Pass a Date or an ISO date-time, e.g. 2025-06-01T12:00:00Z.' });
    }
    const project = await loadProject(root);
    const fixturePath = path.slice(root.length + 1).split('\\').join('/');
    const registered = project.entries.find((e) => e.integration === identity.integration && e.name === identity.name);
    // The project's own tests import function files directly: a file index.ts does not import still replays.
    const ref = registered ?? unregisteredFunction(root, identity.integration, identity.name);
    if (!ref) throw functionNotFound(project.entries, identity.name, identity.integration, 'Register the function in index.ts or rename the fixture.');
    const notes = registered ? undefined : [unregisteredNote(ref)];
    const loaded = (await loadFixture(path, root)) as Fixture & Record<string, unknown>;
    const bundled = await bundleFunctions(root, [ref]);
    const bundle = bundled.bundles[0];
    if (!bundle) {
        const test: TestCaseResult = {
            function: ref.name,
            integration: ref.integration,
            fixture: fixturePath,
            ok: false,
            durationMs: 0,
            ...(notes ? { notes } : {}),
            failures: [{ kind: 'bundle', message: `${ref.relPath} does not build: ${describeBuildErrors(root, bundled.errors)}` }]
        };
        return { ...test, report: formatCase(test), logs: [] };
    }
    const outcome = await replay(
        {
            code: bundle.code,
            filename: join(root, 'build', `${ref.id}.cjs`),
            ref: { integration: ref.integration, name: ref.name, type: ref.type },
            fixture: loaded,
            fixturePath,
            ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
            ...(now ? { now } : {}),
            ...(notes ? { notes } : {})
        },
        runFunction
    );
    const { result, ...test } = outcome;
    return {
        ...test,
        report: formatCase(test),
        ...(result?.output !== undefined ? { output: result.output } : {}),
        ...(result?.actionError !== undefined ? { actionError: result.actionError } : {}),
        ...(result?.saved ? { saved: result.saved } : {}),
        ...(result?.updated ? { updated: result.updated } : {}),
        ...(result?.deleted ? { deleted: result.deleted } : {}),
        logs: result?.logs ?? []
    };
}
