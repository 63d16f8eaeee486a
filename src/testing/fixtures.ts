/**
 * Finding recorded fixtures (`<integration>/tests/<name>.test.json`, docs/fixtures.md) and reading
 * them. Both writers are accepted: `ferry dryrun --save` and Nango's CLI (one entry or a list of
 * entries per endpoint, lower-case method keys). A bad file is a one-line error naming the file,
 * the place and what to do, never a stack trace.
 */
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { FerryError } from '../errors.js';
import type { Fixture } from '../runtime/fixture.js';
import { toFunctionRef } from '../project/project.js';
import { FOLDER_OF, type FunctionRef } from '../project/types.js';

export const FIXTURE_SUFFIX = '.test.json';

/** Folders at the project root that never hold an integration. */
const NOT_INTEGRATIONS = new Set(['node_modules', 'build', 'dist', 'tests', 'coverage']);

export interface FixtureFile {
    integration: string;
    /** The function the fixture belongs to: the file name without `.test.json`. */
    name: string;
    /** Absolute path. */
    path: string;
    /** Relative to the project root, forward slashes. */
    relPath: string;
}

interface FixtureFilter {
    integration?: string;
    functionName?: string;
}

/** Every fixture under `<root>/<integration>/tests/`, sorted by path so runs are reproducible. */
export async function discoverFixtures(root: string, filter: FixtureFilter = {}): Promise<FixtureFile[]> {
    const found: FixtureFile[] = [];
    const top = await readdir(root, { withFileTypes: true });
    for (const dir of top) {
        if (!dir.isDirectory() || dir.name.startsWith('.') || NOT_INTEGRATIONS.has(dir.name)) continue;
        if (filter.integration !== undefined && dir.name !== filter.integration) continue;
        const testsDir = join(root, dir.name, 'tests');
        if (!existsSync(testsDir)) continue;
        for (const file of await readdir(testsDir, { withFileTypes: true })) {
            if (!file.isFile() || !file.name.endsWith(FIXTURE_SUFFIX)) continue;
            // A webhook recording (<name>.webhook.test.json) belongs to the sync <name>.
            const name = file.name.slice(0, -FIXTURE_SUFFIX.length).replace(/\.webhook$/, '');
            if (filter.functionName !== undefined && name !== filter.functionName) continue;
            const path = join(testsDir, file.name);
            found.push({ integration: dir.name, name, path, relPath: relative(root, path).split('\\').join('/') });
        }
    }
    return found.sort((a, b) => a.relPath.localeCompare(b.relPath));
}

/** `<root>/<integration>/tests/<name>.test.json` -> integration and name; undefined when the path is not shaped so. */
export function fixtureIdentity(root: string, path: string): { integration: string; name: string } | undefined {
    const parts = relative(root, path).split(/[\\/]/);
    if (parts.length !== 3 || parts[1] !== 'tests' || !parts[2]!.endsWith(FIXTURE_SUFFIX)) return undefined;
    return { integration: parts[0]!, name: parts[2]!.slice(0, -FIXTURE_SUFFIX.length).replace(/\.webhook$/, '') };
}

/**
 * The function a fixture belongs to when index.ts does not import it: its file
 * `<integration>/{syncs,actions,on-events}/<name>.ts`, which a project's own tests may import
 * directly. Undefined when there is no such file.
 */
export function unregisteredFunction(root: string, integration: string, name: string): FunctionRef | undefined {
    for (const folder of Object.values(FOLDER_OF)) {
        const relPath = `${integration}/${folder}/${name}.ts`;
        if (existsSync(join(root, relPath))) return toFunctionRef(root, relPath, 0);
    }
    return undefined;
}

/** The note a replay of an unregistered function carries. */
export function unregisteredNote(ref: FunctionRef): string {
    return `${ref.relPath} is not imported by index.ts: replayed from its file, but compile and deploy leave it out`;
}

function badFixture(relPath: string, problem: string, hint: string): FerryError {
    return new FerryError({ code: 'FIXTURE_INVALID', message: `${relPath}: ${problem}`, hint, details: { fixture: relPath } });
}

/** Line and column of a JSON.parse failure, when the engine says where. */
function jsonErrorPlace(text: string, error: Error): string {
    const lineCol = /line (\d+) column (\d+)/.exec(error.message);
    if (lineCol) return `line ${lineCol[1]}, column ${lineCol[2]}`;
    const position = /position (\d+)/.exec(error.message);
    // V8 gives no position when the text stops early: the place is then the end of the file.
    const offset = position ? Number(position[1]) : text.trimEnd().length;
    const before = text.slice(0, offset);
    const line = before.split('\n').length;
    const column = before.length - before.lastIndexOf('\n');
    return `line ${line}, column ${column}`;
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Parses and checks the shape of one fixture's text; throws a one-line FerryError. */
export function parseFixture(text: string, relPath: string): Fixture {
    let value: unknown;
    try {
        value = JSON.parse(text);
    } catch (error) {
        const reason = ((error as Error).message.split('\n')[0] ?? '').replace(/^JSON\.parse: /, '');
        throw badFixture(relPath, `not valid JSON at ${jsonErrorPlace(text, error as Error)} (${reason})`, 'Fix the file by hand or record it again with `ferry dryrun <function> <connection> --save`.');
    }
    if (!isObject(value)) throw badFixture(relPath, 'a fixture must be a JSON object with input/output, nango and api', 'Record it again with `ferry dryrun --save`.');
    if (value['nango'] !== undefined && !isObject(value['nango'])) throw badFixture(relPath, '"nango" must be an object', 'See the fixture format in Ferry\'s docs/fixtures.md.');
    for (const key of ['batchSave', 'batchUpdate', 'batchDelete'] as const) {
        const section = (value['nango'] as Record<string, unknown> | undefined)?.[key];
        if (section === undefined) continue;
        if (!isObject(section)) throw badFixture(relPath, `"nango.${key}" must map model names to lists of records`, 'e.g. { "Issue": [ { "id": "1", ... } ] }.');
        for (const [model, records] of Object.entries(section)) {
            if (!Array.isArray(records)) throw badFixture(relPath, `"nango.${key}.${model}" must be a list of records`, 'e.g. [ { "id": "1", ... } ].');
        }
    }
    const api = value['api'];
    if (api !== undefined) {
        if (!isObject(api)) throw badFixture(relPath, '"api" must map lower-case methods to endpoints', 'e.g. { "get": { "/repos/o/r/issues": { "response": [...] } } }.');
        for (const [method, endpoints] of Object.entries(api)) {
            if (!isObject(endpoints)) throw badFixture(relPath, `"api.${method}" must map endpoints to recorded responses`, 'e.g. { "/repos/o/r/issues": { "response": [...] } }.');
            for (const [endpoint, entry] of Object.entries(endpoints)) {
                const list = Array.isArray(entry) ? entry : [entry];
                list.forEach((item, i) => {
                    const where = `api.${method}["${endpoint}"]${Array.isArray(entry) ? `[${i}]` : ''}`;
                    if (!isObject(item) || !('response' in item)) {
                        throw badFixture(relPath, `"${where}" must be an object with a "response"`, 'Each recorded request needs at least { "response": ... }.');
                    }
                    if (item['status'] !== undefined && typeof item['status'] !== 'number') {
                        throw badFixture(relPath, `"${where}.status" must be a number`, 'e.g. "status": 200.');
                    }
                });
            }
        }
    }
    return value as Fixture;
}

export async function loadFixture(path: string, root: string): Promise<Fixture> {
    const relPath = relative(root, path).split('\\').join('/');
    let text: string;
    try {
        text = await readFile(path, 'utf8');
    } catch (error) {
        throw badFixture(relPath, `cannot be read (${(error as Error).message})`, 'Check the file exists and is readable.');
    }
    return parseFixture(text, relPath);
}
