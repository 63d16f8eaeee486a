/**
 * One fixture file replayed on its own, for test runners (`ferry/test`): the project is found
 * from the fixture's path, only its function is bundled, and the result carries what the
 * function produced next to the failures, so a test can assert more than the comparison.
 */
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleFunctions } from '../compiler/bundle.js';
import type { Fixture } from '../dryrun/fixture.js';
import { functionNotFound } from '../dryrun/pick.js';
import { runFunction } from '../dryrun/run.js';
import { FerryError } from '../errors.js';
import { findProjectRoot, loadProject } from '../project/project.js';
import { fixtureIdentity, loadFixture } from './fixtures.js';
import { replay } from './replay.js';
import { formatCase } from './report.js';
import type { ReplayFixtureOptions, ReplayFixtureResult } from '../sdk/test.js';

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
    const project = await loadProject(root);
    const ref = project.entries.find((e) => e.integration === identity.integration && e.name === identity.name);
    if (!ref) throw functionNotFound(project.entries, identity.name, identity.integration, 'Register the function in index.ts or rename the fixture.');
    const loaded = (await loadFixture(path, root)) as Fixture & Record<string, unknown>;
    const bundled = await bundleFunctions(root, [ref]);
    const bundle = bundled.bundles[0];
    if (!bundle) {
        throw new FerryError({ code: 'BUNDLE_ERROR', message: bundled.errors[0]?.message ?? `${ref.relPath} did not build`, hint: 'Run `ferry compile` to see every error.' });
    }
    const outcome = await replay(
        {
            code: bundle.code,
            filename: join(root, 'build', `${ref.id}.cjs`),
            ref: { integration: ref.integration, name: ref.name, type: ref.type },
            fixture: loaded,
            fixturePath: path.slice(root.length + 1).split('\\').join('/'),
            ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {})
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
