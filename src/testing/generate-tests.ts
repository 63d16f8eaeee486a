/**
 * `ferry generate tests`: one vitest file per recorded fixture, running its function against the
 * mocks of `nango/test` (or `ferry/test`) as Nango's `generate:tests` files do (vitest-test-file.ts),
 * and a `test` script so `npm test` runs them. Files this command wrote before are refreshed; a
 * file the user wrote at the same path is left alone.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { FerryError } from '../errors.js';
import { findProjectRoot } from '../project/project.js';
import { writeFileAtomic, writeFilesAtomic, type FileWrite } from '../util/fs.js';
import { discoverFixtures, FIXTURE_SUFFIX, type FixtureFile } from './fixtures.js';
import { GENERATED_MARKER, planMockTest, renderMockTestFile, renderReplayTestFile } from './vitest-test-file.js';

export { GENERATED_MARKER };
/** Runs the files in any project: with `nango` installed as plain vitest, without it with Ferry's mocks. */
export const TEST_SCRIPT = 'ferry test --vitest';
/** What `npm init` puts there: a placeholder, not a choice the user made. */
const NPM_PLACEHOLDER_SCRIPT = /^echo "Error: no test specified" && exit 1$/;

export interface GenerateTestsResult {
    root: string;
    /** Project-relative paths of the files written (new or changed). */
    written: string[];
    /** Project-relative paths already up to date. */
    unchanged: string[];
    /** Whether `"test": "ferry test --vitest"` was added to package.json. */
    scriptAdded: boolean;
    /** Files at a generated path that Ferry did not write: left as they are. */
    skipped: string[];
    /** The project's own `test` script when it is something else (kept; run the generated files with `ferry test --vitest`). */
    existingTestScript?: string;
    /** The vitest range added to devDependencies (run the package manager's install next). */
    vitestAdded?: string;
}

/**
 * `github/tests/issues.test.json` -> `github/tests/issues.replay.test.mjs`: beside the fixture,
 * matched by vitest's default pattern, never a .test.json. JavaScript on purpose: a project's
 * tsconfig includes every .ts file, and `ferry compile` must not start type-checking test files
 * (nor need vitest's types to be installed).
 */
export function generatedTestPath(fixturePath: string): string {
    return `${fixturePath.slice(0, -FIXTURE_SUFFIX.length)}.replay.test.mjs`;
}

/** The file for one fixture: with the mocks when they can stand for it, else a replay. */
export async function renderTestFile(root: string, fixture: Pick<FixtureFile, 'integration' | 'name' | 'path'>): Promise<string> {
    // A webhook recording (<name>.webhook.test.json) runs onWebhook, which the mocks' exec-based files cannot: replay it.
    if (fixture.path.endsWith(`.webhook${FIXTURE_SUFFIX}`)) return renderReplayTestFile({ integration: fixture.integration, name: `${fixture.name}.webhook` });
    const plan = await planMockTest(root, fixture);
    return plan ? renderMockTestFile(fixture, plan) : renderReplayTestFile(fixture);
}

async function planTestFile(root: string, fixture: FixtureFile): Promise<{ relPath: string; write?: FileWrite; state: 'written' | 'unchanged' | 'skipped' }> {
    const path = generatedTestPath(fixture.path);
    const relPath = relative(root, path).split('\\').join('/');
    const content = await renderTestFile(root, fixture);
    if (existsSync(path)) {
        const current = await readFile(path, 'utf8');
        if (current === content) return { relPath, state: 'unchanged' };
        if (!current.startsWith(GENERATED_MARKER)) return { relPath, state: 'skipped' };
    }
    return { relPath, write: { path, content }, state: 'written' };
}

interface ScriptPlan {
    added: boolean;
    existing?: string;
    /** The vitest range added to devDependencies, when the project had no vitest. */
    vitestAdded?: string;
    content?: string;
}

/** The vitest the generated files are written for: the major Ferry itself is tested with. */
export const VITEST_RANGE = '^4.1.12';

function dependsOn(pkg: Record<string, unknown>, name: string): boolean {
    return ['dependencies', 'devDependencies', 'peerDependencies', 'optionalDependencies'].some((field) => {
        const deps = pkg[field];
        return typeof deps === 'object' && deps !== null && name in deps;
    });
}

async function planTestScript(root: string): Promise<ScriptPlan> {
    const path = join(root, 'package.json');
    if (!existsSync(path)) {
        throw new FerryError({
            code: 'PACKAGE_JSON_MISSING',
            message: `${path} does not exist, so there is nowhere to add the test script`,
            hint: 'Create it with `npm init -y` (and add vitest and zod as devDependencies), then run this again.'
        });
    }
    const text = await readFile(path, 'utf8');
    let pkg: Record<string, unknown>;
    try {
        pkg = JSON.parse(text) as Record<string, unknown>;
    } catch (error) {
        throw new FerryError({
            code: 'PACKAGE_JSON_INVALID',
            message: `${path} is not valid JSON (${(error as Error).message.split('\n')[0]})`,
            hint: 'Fix package.json, then run this again; nothing was written.'
        });
    }
    if (typeof pkg !== 'object' || pkg === null || Array.isArray(pkg)) {
        throw new FerryError({ code: 'PACKAGE_JSON_INVALID', message: `${path} must hold a JSON object`, hint: 'Fix package.json, then run this again; nothing was written.' });
    }
    const scripts = (typeof pkg['scripts'] === 'object' && pkg['scripts'] !== null ? pkg['scripts'] : {}) as Record<string, unknown>;
    const current = scripts['test'];
    const keepScript = typeof current === 'string' && !NPM_PLACEHOLDER_SCRIPT.test(current.trim());
    // The generated files import vitest: a project without it could not run them after `npm install`.
    const addVitest = !dependsOn(pkg, 'vitest');
    const plan: ScriptPlan = {
        added: !keepScript,
        ...(keepScript && current.trim() !== TEST_SCRIPT ? { existing: current } : {}),
        ...(addVitest ? { vitestAdded: VITEST_RANGE } : {})
    };
    if (keepScript && !addVitest) return plan;
    const devDependencies = (typeof pkg['devDependencies'] === 'object' && pkg['devDependencies'] !== null ? pkg['devDependencies'] : {}) as Record<string, unknown>;
    const indent = /^[ \t]+(?=")/m.exec(text)?.[0] ?? '  ';
    const next = {
        ...pkg,
        ...(keepScript ? {} : { scripts: { ...scripts, test: TEST_SCRIPT } }),
        ...(addVitest ? { devDependencies: { ...devDependencies, vitest: VITEST_RANGE } } : {})
    };
    return { ...plan, content: `${JSON.stringify(next, null, indent)}\n` };
}

export interface GenerateTestsOptions {
    cwd: string;
    /** Nango's generate:tests -i: only this integration's fixtures. */
    integration?: string;
    /** -s: only this sync's fixtures. */
    sync?: string;
    /** -a: only this action's fixtures. */
    action?: string;
}

export async function generateTests(options: GenerateTestsOptions): Promise<GenerateTestsResult> {
    const root = findProjectRoot(options.cwd);
    const names = [options.sync, options.action].filter((name): name is string => name !== undefined);
    const fixtures = (await discoverFixtures(root, options.integration !== undefined ? { integration: options.integration } : {})).filter(
        (fixture) => names.length === 0 || names.includes(fixture.name)
    );
    if (fixtures.length === 0) {
        const only = [options.integration && `integration ${options.integration}`, options.sync && `sync ${options.sync}`, options.action && `action ${options.action}`].filter(Boolean).join(', ');
        throw new FerryError({
            code: 'NO_FIXTURES',
            message: `no fixture found in ${root}${only ? ` for ${only}` : ''} (looked for <integration>/tests/*${FIXTURE_SUFFIX})`,
            hint: 'Record one with `ferry dryrun <function> <connectionId> --save`, then run this again.'
        });
    }
    // Read everything first, then write: a bad package.json leaves no test file behind either.
    const plans = await Promise.all(fixtures.map((fixture) => planTestFile(root, fixture)));
    const script = await planTestScript(root);
    const writes = plans.flatMap((plan) => (plan.write ? [plan.write] : []));
    if (writes.length > 0) await writeFilesAtomic(writes);
    if (script.content !== undefined) await writeFileAtomic(join(root, 'package.json'), script.content);
    return {
        root,
        written: plans.filter((p) => p.state === 'written').map((p) => p.relPath),
        unchanged: plans.filter((p) => p.state === 'unchanged').map((p) => p.relPath),
        scriptAdded: script.added,
        skipped: plans.filter((p) => p.state === 'skipped').map((p) => p.relPath),
        ...(script.existing !== undefined ? { existingTestScript: script.existing } : {}),
        ...(script.vitestAdded !== undefined ? { vitestAdded: script.vitestAdded } : {})
    };
}
