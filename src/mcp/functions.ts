/**
 * list_functions and describe_function: what index.ts registers, with what compile learns of each
 * function (description, JSON schemas of its input, output, metadata and models). The facts come
 * from a compile without the type-check (what `ferry compile --no-typecheck` does, cached, so
 * cheap when nothing changed); when the project does not compile, from index.ts and the last
 * manifest, marked stale, beside the errors that stopped it.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { compileProject } from '../compiler/compile.js';
import { diagnosticJson } from '../compiler/diagnostic-json.js';
import type { Manifest, ManifestAction, ManifestOnEvent, ManifestSync } from '../compiler/types.js';
import { pickRegistered } from '../dryrun/pick.js';
import { loadProject } from '../project/project.js';
import type { FunctionRef } from '../project/types.js';
import { discoverFixtures } from '../testing/fixtures.js';
import type { Progress } from './progress.js';
import type { ToolDocument } from './results.js';

type Entry = ManifestSync | ManifestAction | ManifestOnEvent;

interface KnownFunctions {
    root: string;
    /** Each registered function with its manifest entry, when one is known. */
    functions: { ref: FunctionRef; entry: Entry | undefined }[];
    /** False: the project does not compile now, entries come from the last manifest. */
    current: boolean;
    errors: Record<string, unknown>[];
}

async function knownFunctions(cwd: string, progress: Progress): Promise<KnownFunctions> {
    const result = await compileProject({ cwd, typecheck: false, onProgress: (event) => progress(event.message) });
    if (result.ok) return { root: result.root, functions: result.functions.map((f) => ({ ref: f.ref, entry: f.summary?.entry })), current: true, errors: [] };
    const project = await loadProject(cwd);
    const manifest = await lastManifest(project.root);
    return {
        root: project.root,
        functions: project.entries.map((ref) => ({ ref, entry: fromManifest(manifest, ref) })),
        current: false,
        errors: result.errors.map((d) => diagnosticJson(d, result.root))
    };
}

async function lastManifest(root: string): Promise<Manifest> {
    try {
        const parsed: unknown = JSON.parse(await readFile(join(root, '.nango', 'nango.json'), 'utf8'));
        return Array.isArray(parsed) ? (parsed as Manifest) : [];
    } catch {
        // Never compiled, or a manifest someone broke: nothing is known beyond index.ts.
        return [];
    }
}

function fromManifest(manifest: Manifest, ref: FunctionRef): Entry | undefined {
    const integration = manifest.find((i) => i.providerConfigKey === ref.integration);
    if (!integration) return undefined;
    if (ref.type === 'sync') return integration.syncs.find((s) => s.name === ref.name);
    if (ref.type === 'action') return integration.actions.find((a) => a.name === ref.name);
    const event = Object.entries(integration.onEventScripts ?? {}).find(([, names]) => names.includes(ref.name))?.[0];
    return event ? ({ type: 'onEvent', name: ref.name, description: '', event, version: '' } as ManifestOnEvent) : undefined;
}

/** One function as list_functions reports it. */
function functionInfo(ref: FunctionRef, entry: Entry | undefined): ToolDocument {
    const base = { name: ref.name, type: ref.type, integration: ref.integration, file: ref.relPath, description: entry?.description || null };
    if (!entry) return { ...base, known: false };
    if (entry.type === 'sync') {
        const definitions = entry.json_schema.definitions;
        return {
            ...base,
            frequency: entry.runs,
            metadataSchema: entry.input ? (definitions[entry.input] ?? null) : null,
            models: Object.fromEntries(entry.output.map((model) => [model, definitions[model] ?? null])),
            endpoints: entry.endpoints
        };
    }
    if (entry.type === 'action') {
        const definitions = entry.json_schema.definitions;
        const output = entry.output?.[0];
        return {
            ...base,
            inputSchema: entry.input ? (definitions[entry.input] ?? null) : null,
            outputSchema: output ? (definitions[output] ?? null) : null,
            endpoint: entry.endpoint
        };
    }
    return { ...base, event: entry.event };
}

export async function listFunctions(cwd: string, progress: Progress): Promise<ToolDocument> {
    const known = await knownFunctions(cwd, progress);
    return {
        root: known.root,
        current: known.current,
        functions: known.functions.map(({ ref, entry }) => functionInfo(ref, entry)),
        ...(known.current ? {} : { errors: known.errors, hint: 'The project does not compile: descriptions and schemas are from the last successful compile. Fix the errors (compile tool) for current ones.' })
    };
}

export async function describeFunction(cwd: string, name: string, integration: string | undefined, progress: Progress): Promise<ToolDocument> {
    const project = await loadProject(cwd);
    // Unknown names fail here, with the closest names as the hint, before anything is compiled.
    const ref = pickRegistered(project.root, project.entries, name, integration);
    const known = await knownFunctions(cwd, progress);
    const entry = known.functions.find((f) => f.ref.id === ref.id)?.entry;
    const fixtures = await discoverFixtures(project.root, { integration: ref.integration, functionName: ref.name });
    const input = ref.type === 'action' ? ` --input '{...}'` : '';
    return {
        function: functionInfo(ref, entry),
        current: known.current,
        manifest: entry ?? null,
        fixtures: fixtures.map((f) => f.relPath),
        source: await readFile(ref.file, 'utf8'),
        commands: {
            compile: 'ferry compile --json',
            dryrun: `ferry dryrun ${ref.integration}/${ref.name} <connection-id>${input} --json`,
            test: `ferry test ${ref.name} --integration ${ref.integration} --json`
        },
        ...(known.current ? {} : { errors: known.errors })
    };
}
