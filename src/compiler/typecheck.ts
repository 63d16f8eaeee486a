/**
 * Type-checking with TypeScript 7's native `tsc` (the Go port: no JS program API, so it runs as a
 * child process and its `--pretty false` output is parsed). The check runs against a generated
 * tsconfig in the cache folder (typecheck-config.ts): the project's compilerOptions, the files
 * index.ts imports, one zod, the project's type packages, and 'ferry'/'nango' mapped to Ferry's
 * SDK when the project has not installed them, so a project type-checks with nothing installed.
 * `--incremental` keeps warm checks cheap; a clean check is also remembered by the mtime and size
 * of every file tsc read, so a compile with nothing changed does not start tsc at all.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { writeFileAtomic } from '../util/fs.js';
import { resolveFromFerry } from './ferry-package.js';
import { createFramer } from './frame.js';
import { fileStamps, hashContent, stampsUnchanged, type FileStamp } from './stamps.js';
import { generatedTsconfig, writeTypecheckSupportFiles } from './typecheck-config.js';
import type { CompileDiagnostic } from './types.js';

export { DEFAULT_COMPILER_OPTIONS, generatedTsconfig, parseJsonc, type ChunkOptions } from './typecheck-config.js';

interface TypecheckOptions {
    root: string;
    /** Folder for the generated tsconfig, the tsBuildInfo and the clean-check record. */
    cacheDir: string;
    /** Ignore the clean-check record (tsc's own incremental state is still used). */
    force?: boolean;
    signal?: AbortSignal;
    /** The function files (absolute). With more than SINGLE_PROGRAM_MAX, the check runs in chunks of about CHUNK_SIZE. */
    entries?: readonly string[];
}

export interface TypecheckOutcome {
    diagnostics: CompileDiagnostic[];
    /** Skipped: nothing tsc read changed since the last clean check. */
    cached: boolean;
    durationMs: number;
}

const RECORD_VERSION = 1;

interface CleanRecord {
    version: number;
    config: string;
    files: FileStamp[];
}

/**
 * Entries per tsc program. One program for thousands of functions grows past a gigabyte (every
 * model is its own instantiation of zod's types), so big projects are checked in chunks, one
 * after the other: memory stays bounded and each chunk has its own incremental state.
 */
export const CHUNK_SIZE = 400;
/** Up to this many entries one program is faster than chunks (shared types are checked once) and still fits. */
export const SINGLE_PROGRAM_MAX = 600;

interface CheckJob {
    /** Suffix of the job's files in the cache folder ('' for the whole project). */
    id: string;
    configText: string;
}

/** The tsc programs to run: the whole project, or stable chunks of entries for large ones. */
export function typecheckJobs(root: string, cacheDir: string, entries: readonly string[] | undefined): CheckJob[] {
    if (!entries || entries.length <= SINGLE_PROGRAM_MAX) return [{ id: '', configText: generatedTsconfig(root, cacheDir) }];
    const count = Math.ceil(entries.length / CHUNK_SIZE);
    const groups: string[][] = Array.from({ length: count }, () => []);
    // Functions of one integration share helpers, so they go to one chunk (an edited helper then
    // re-checks one chunk, not all); an integration too big for that is spread by file. By hash,
    // not by position: adding a function never moves the others.
    const integrationOf = (entry: string): string => relative(root, entry).split(sep)[0] ?? entry;
    const perIntegration = new Map<string, number>();
    for (const entry of entries) perIntegration.set(integrationOf(entry), (perIntegration.get(integrationOf(entry)) ?? 0) + 1);
    for (const entry of [...entries].sort()) {
        const integration = integrationOf(entry);
        const key = perIntegration.get(integration)! > CHUNK_SIZE / 2 ? entry : integration;
        groups[parseInt(hashContent(key).slice(0, 8), 16) % count]!.push(entry);
    }
    return groups
        .filter((files) => files.length > 0)
        .map((files, i) => {
            const id = `-${count}-${i}`;
            return { id, configText: generatedTsconfig(root, cacheDir, { files, buildInfo: `tsbuildinfo${id}` }) };
        });
}

export async function typecheckProject(options: TypecheckOptions): Promise<TypecheckOutcome> {
    const started = performance.now();
    const { root, cacheDir } = options;
    await mkdir(cacheDir, { recursive: true });
    await writeTypecheckSupportFiles(cacheDir);
    const diagnostics: CompileDiagnostic[] = [];
    const seen = new Set<string>();
    let cached = true;
    for (const job of typecheckJobs(root, cacheDir, options.entries)) {
        options.signal?.throwIfAborted();
        const outcome = await runJob(options, job);
        cached &&= outcome.cached;
        for (const d of outcome.diagnostics) {
            // A helper shared across chunks is reported once per chunk.
            const key = `${d.file}:${d.line}:${d.column}:${d.code}:${d.message}`;
            if (seen.has(key)) continue;
            seen.add(key);
            diagnostics.push(d);
        }
    }
    return { diagnostics, cached, durationMs: performance.now() - started };
}

async function runJob(options: TypecheckOptions, job: CheckJob): Promise<{ diagnostics: CompileDiagnostic[]; cached: boolean }> {
    const { root, cacheDir } = options;
    const configPath = join(cacheDir, `tsconfig${job.id}.json`);
    const recordPath = join(cacheDir, `typecheck${job.id}.json`);
    if (!options.force && (await cleanRecordHolds(recordPath, job.configText))) return { diagnostics: [], cached: true };
    if ((await readFile(configPath, 'utf8').catch(() => undefined)) !== job.configText) await writeFileAtomic(configPath, job.configText);
    // A forced check starts from nothing, like --no-cache promises.
    if (options.force) await rm(join(cacheDir, `tsbuildinfo${job.id}`), { force: true });

    const tsc = await tscCommand();
    const { stdout, code } = await runTsc(tsc.command, [...tsc.args, '-p', configPath, '--pretty', 'false', '--listFiles'], root, options.signal);
    const { diagnostics, files } = parseTscOutput(stdout, root);
    if (code !== 0 && diagnostics.length === 0) {
        diagnostics.push({ code: 'TYPECHECK_FAILED', message: `tsc exited with code ${code} without reporting why: ${stdout.trim().split('\n').slice(-3).join(' ') || 'no output'}` });
    }
    if (diagnostics.length === 0) {
        // The project's folders too: a new file in a folder tsconfig includes changes its mtime.
        // Folders elsewhere (node_modules, Ferry's own SDK) only matter through the files read.
        const folders = files.map((file) => dirname(file)).filter((dir) => dir === root || (dir.startsWith(`${root}/`) && !dir.includes('/node_modules/')));
        const watched = [...new Set([...files, ...folders, root])];
        const record: CleanRecord = { version: RECORD_VERSION, config: job.configText, files: await fileStamps(watched) };
        await writeFileAtomic(recordPath, JSON.stringify(record));
    } else {
        await writeFileAtomic(recordPath, '{}');
    }
    return { diagnostics, cached: false };
}

async function cleanRecordHolds(recordPath: string, configText: string): Promise<boolean> {
    try {
        const record = JSON.parse(await readFile(recordPath, 'utf8')) as Partial<CleanRecord>;
        if (record.version !== RECORD_VERSION || record.config !== configText || !Array.isArray(record.files)) return false;
        return await stampsUnchanged(record.files);
    } catch {
        return false;
    }
}

let tscCommandPromise: Promise<{ command: string; args: string[] }> | undefined;

/**
 * How to start tsc: the native executable itself when TypeScript can say where it is. On Node 20
 * the `bin/tsc` wrapper runs it through execFileSync, so killing the wrapper (an aborted compile)
 * would leave the checker running, and the wrapper costs a Node start-up.
 */
export function tscCommand(): Promise<{ command: string; args: string[] }> {
    tscCommandPromise ??= (async () => {
        try {
            const module = (await import(pathToFileURL(resolveFromFerry('typescript/lib/getExePath.js')).href)) as { default: () => string };
            const command = module.default();
            if (existsSync(command)) return { command, args: [] };
        } catch {
            // Fall back to the wrapper below.
        }
        return { command: process.execPath, args: [resolveFromFerry('typescript/bin/tsc')] };
    })();
    return tscCommandPromise;
}

function runTsc(command: string, args: string[], cwd: string, signal: AbortSignal | undefined): Promise<{ stdout: string; code: number }> {
    return new Promise((resolvePromise, reject) => {
        // SIGKILL: the native checker may finish its whole check before it honours a SIGTERM.
        const child = spawn(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'], ...(signal ? { signal, killSignal: 'SIGKILL' } : {}) });
        const out: Buffer[] = [];
        let failure: Error | undefined;
        child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
        child.stderr.on('data', (chunk: Buffer) => out.push(chunk));
        // An abort fires 'error' while the child still runs: settle only once it is gone.
        child.on('error', (error) => {
            failure = error;
            if (child.pid === undefined) reject(error);
        });
        child.on('close', (code) => {
            if (failure) reject(failure);
            else resolvePromise({ stdout: Buffer.concat(out).toString('utf8'), code: code ?? 1 });
        });
    });
}

const LOCATED = /^(.+?)\((\d+),(\d+)\): (error|warning) (TS\d+): (.*)$/;
const GLOBAL = /^(error|warning) (TS\d+): (.*)$/;
// tsc's "Cannot find name/module 'node:crypto'" (TS2591, TS2307) on a module the platform provides.
const UNTYPED_PLATFORM_MODULE = /^Cannot find (?:name|module) '((?:node:)?(?:crypto|url))'/;

/**
 * A scaffolded project type-checks without Node's types (functions get no `process` or `require`),
 * so the modules the platform does provide have none either: tsc's own advice says what to install
 * but not what it costs, nor that the globals need nothing.
 */
function withPlatformModuleHint(code: string, message: string): string {
    const module = (code === 'TS2591' || code === 'TS2307') && UNTYPED_PLATFORM_MODULE.exec(message)?.[1];
    if (!module) return message;
    const instead = module.endsWith('crypto') ? 'the global `crypto` (randomUUID, getRandomValues, subtle)' : 'the global `URL` and `URLSearchParams`';
    return (
        `'${module}' is provided at run time, but this project has no types for it: use ${instead}, which need no import, ` +
        'or run `npm i -D @types/node` (and add "node" to "types" in tsconfig.json when it lists types; Node globals such as `process` then type-check too, though functions cannot use them)'
    );
}

/** Diagnostics and (from --listFiles) the files the program read. */
export function parseTscOutput(output: string, root: string): { diagnostics: CompileDiagnostic[]; files: string[] } {
    const diagnostics: CompileDiagnostic[] = [];
    const files: string[] = [];
    const frameOf = createFramer();
    let last: CompileDiagnostic | undefined;
    for (const line of output.split(/\r?\n/)) {
        if (line === '') continue;
        const located = LOCATED.exec(line);
        if (located) {
            const [, file, lineNo, column, , code, message] = located as unknown as [string, string, string, string, string, string, string];
            const absolute = resolve(root, file);
            last = { file: absolute, line: Number(lineNo), column: Number(column), code, message: withPlatformModuleHint(code, message) };
            const frame = frameOf(absolute, last.line!, last.column!);
            if (frame) last.frame = frame;
            diagnostics.push(last);
            continue;
        }
        const global = GLOBAL.exec(line);
        if (global) {
            last = { code: global[2]!, message: global[3]! };
            diagnostics.push(last);
            continue;
        }
        if (/^\s/.test(line) && last) {
            // Continuation of a message chain ("Type X is not assignable... \n  Property y is missing").
            last.message += `\n${line}`;
            continue;
        }
        if (isAbsolute(line)) files.push(line);
    }
    return { diagnostics, files };
}
