/**
 * build/ holds one compile's bundles, never a mix of two, whoever reads it and whenever a kill
 * falls. Each compile writes a new generation folder, `.ferry/build/<generation>/`, beside the
 * current one (unchanged bundles hard-linked; in fact the previous generation, kept and brought
 * up to date, so a compile costs what changed: build-buffer.ts), then switches one link,
 * `.ferry/build/current`, to it with a single rename of a fresh link over the old one. build/ itself is a link to `.ferry/build/current` that never changes (so git, editors
 * and watchers see one stable entry). The manifest (.nango/nango.json) stays a real file, since
 * it is committed to git: its rename follows the link's at once, with no turn of the event loop
 * in between, both recorded first in a journal (util/fs.ts commitRenames) that the next run
 * finishes if a kill falls between the two. Generations older than the previous one are removed
 * after the switch, and by the next run when a kill left one behind.
 *
 * On Windows the links are directory junctions (no privileges needed), which no rename replaces:
 * the old one is removed first, a moment without it that the journal covers the same way.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, lstatSync, readlinkSync, rmSync, symlinkSync } from 'node:fs';
import { mkdir, open, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { cleanStaleTemps, commitRenames, recoverCommit, tempPathFor, withPath, writeFileAtomic } from '../util/fs.js';
import { carryAll, catchUp, keptGenerations, namesIn, recordSwitch, reusableGeneration } from './build-buffer.js';
import { CACHE_FILE_NAME, LEGACY_CACHE_DIR, type ProjectPaths } from './layout.js';

/** The pending switch of build/ and the manifest; in the cache folder. */
export const SWITCH_FILE_NAME = 'build-switch.json';
/** The generation a real build/ folder is becoming (adoptBuildFolder); in the cache folder. */
const ADOPT_FILE_NAME = 'build-adopt';
/** In the generations folder: the link to the current generation, which build/ links to. */
const CURRENT_LINK = 'current';
/** The journal of Ferry versions that renamed bundles one by one, in the old cache folder. */
const LEGACY_COMMIT_FILE = 'build-commit.json';

interface BuildChange {
    /** Files (bundles) to write into the new generation, by name. */
    writes: readonly { name: string; content: string | Uint8Array }[];
    /** Names of the current generation not to carry into the new one; the rest are carried. */
    drop: (name: string) => boolean;
    /** The manifest's new bytes (whole, or in pieces); omitted when it is unchanged. */
    manifest?: string | readonly Uint8Array[];
}

/** The link that names the current generation. */
function currentLink(paths: ProjectPaths): string {
    return join(paths.generationsDir, CURRENT_LINK);
}

/** The generation build/ shows, or undefined when there is none yet. */
export function currentGeneration(paths: ProjectPaths): string | undefined {
    try {
        const target = resolve(paths.generationsDir, readlinkSync(currentLink(paths)));
        return dirname(target) === paths.generationsDir ? basename(target) : undefined;
    } catch {
        return undefined;
    }
}

/** Whether build/ is the link to the current generation, as the switch leaves it. */
function buildIsOurLink(paths: ProjectPaths): boolean {
    try {
        return resolve(dirname(paths.buildDir), readlinkSync(paths.buildDir)) === currentLink(paths);
    } catch {
        return false;
    }
}

function newGenerationName(): string {
    return `${Date.now().toString(36)}-${process.pid}-${randomBytes(3).toString('hex')}`;
}

/** A link to `target`, made beside `at` under a temporary name; the caller renames it there. */
function stageLink(at: string, target: string): string {
    const temp = tempPathFor(at);
    // Relative, so a moved or copied project still points into itself.
    if (process.platform === 'win32') symlinkSync(target, temp, 'junction');
    else symlinkSync(relative(dirname(at), target), temp);
    return temp;
}

/**
 * The renames that show `generation`: the current link, and build/ itself when it is not yet
 * the link to it (a new project, a link of someone else's). A real build/ folder is adopted first.
 */
function pointTo(paths: ProjectPaths, generation: string): [string, string][] {
    const renames: [string, string][] = [[stageLink(currentLink(paths), join(paths.generationsDir, generation)), currentLink(paths)]];
    if (!buildIsOurLink(paths)) renames.push([stageLink(paths.buildDir, currentLink(paths)), paths.buildDir]);
    return renames;
}

/** The manifest beside its target under a temporary name; the pieces with one vectored write. */
async function stageManifest(target: string, content: string | readonly Uint8Array[]): Promise<string> {
    await mkdir(dirname(target), { recursive: true });
    // The one rename after the commit point that could fail (a folder in the way): refused before it.
    if (isRealFolder(target)) throw Object.assign(new Error(`EISDIR: illegal operation on a directory, rename '${target}'`), { code: 'EISDIR', path: target });
    const temp = tempPathFor(target);
    try {
        if (typeof content === 'string') {
            await writeFile(temp, content);
        } else {
            const file = await open(temp, 'w');
            try {
                const total = content.reduce((sum, chunk) => sum + chunk.length, 0);
                const { bytesWritten } = await file.writev([...content]);
                if (bytesWritten !== total) await file.write(Buffer.concat(content).subarray(bytesWritten), 0, undefined, bytesWritten);
            } finally {
                await file.close();
            }
        }
    } catch (error) {
        await rm(temp, { force: true });
        throw withPath(error, target);
    }
    return temp;
}

/**
 * Writes a new generation and switches build/ (and the manifest, when given) to it. Must run
 * under the compile lock, after recoverBuild. A failure before the switch changes nothing.
 */
export async function switchBuild(paths: ProjectPaths, change: BuildChange): Promise<void> {
    const current = currentGeneration(paths);
    const currentFolder = current ? join(paths.generationsDir, current) : undefined;
    const changed = new Set([...change.writes.map((w) => w.name), ...(currentFolder ? namesIn(currentFolder).filter(change.drop) : [])]);
    const kept = reusableGeneration(paths, current);
    const generation = kept?.previous ?? newGenerationName();
    const folder = join(paths.generationsDir, generation);
    const staged: [string, string][] = [];
    try {
        await ignoredByGit(dirname(paths.generationsDir));
        if (kept) {
            await catchUp(paths, kept, changed);
        } else {
            await mkdir(folder, { recursive: true });
            if (currentFolder) carryAll(currentFolder, folder, changed);
        }
        await Promise.all(change.writes.map((w) => writeFile(join(folder, w.name), w.content).catch((e: unknown) => Promise.reject(withPath(e, join(paths.buildDir, w.name))))));
        if (change.manifest !== undefined) staged.push([await stageManifest(paths.manifestPath, change.manifest), paths.manifestPath]);
        staged.unshift(...pointTo(paths, generation));
    } catch (error) {
        // The folder is no generation now (a kept one's record is cleared first): it goes too.
        await Promise.all([folder, ...staged.map(([temp]) => temp)].map((path) => rm(path, { recursive: true, force: true })));
        throw error;
    }
    await commitRenames(join(paths.cacheDir, SWITCH_FILE_NAME), staged);
    await recordSwitch(paths, generation, current, changed);
    removeOldGenerations(paths);
}

/** Every generation but the current one and the kept previous one (build-buffer.ts): old ones, and those of killed runs. */
function removeOldGenerations(paths: ProjectPaths): void {
    const keep = keptGenerations(paths, currentGeneration(paths));
    // Temporary links of killed runs go too: under the lock, no other run is writing here.
    for (const name of namesIn(paths.generationsDir).filter((entry) => !keep.has(entry) && entry !== CURRENT_LINK)) {
        try {
            rmSync(join(paths.generationsDir, name), { recursive: true, force: true });
        } catch {
            // Housekeeping: what cannot go now goes on a later run.
        }
    }
}

/** A `*` .gitignore in Ferry's folder: projects made by `nango init` do not ignore it. */
async function ignoredByGit(ferryDir: string): Promise<void> {
    const file = join(ferryDir, '.gitignore');
    if (!existsSync(file)) await writeFile(file, '# Written by Ferry: nothing in this folder belongs in git.\n*\n').catch(() => undefined);
}

function isRealFolder(path: string): boolean {
    try {
        const info = lstatSync(path);
        return info.isDirectory() && !info.isSymbolicLink();
    } catch {
        return false;
    }
}

/**
 * Once, on a project whose build/ is a real folder (Ferry before generations, or `nango
 * compile`): an older Ferry's half-done switch is finished, its cache moved to the cache folder
 * (its stamps name build/<id>.cjs, still valid through the link), then the folder becomes the
 * first generation and build/ a link to it. The generation's name is recorded first, so a run
 * killed between the two renames is finished by the next one (adopt, again, with that name).
 */
async function adoptBuildFolder(paths: ProjectPaths): Promise<void> {
    const legacy = join(paths.root, LEGACY_CACHE_DIR);
    await recoverCommit(join(legacy, LEGACY_COMMIT_FILE));
    await mkdir(paths.cacheDir, { recursive: true });
    await rename(join(legacy, CACHE_FILE_NAME), join(paths.cacheDir, CACHE_FILE_NAME)).catch(() => undefined);
    await rm(legacy, { recursive: true, force: true });
    const generation = newGenerationName();
    await writeFileAtomic(join(paths.cacheDir, ADOPT_FILE_NAME), generation);
    await adopt(paths, generation);
}

/** Idempotent: whichever of its steps a killed run did, the rest. */
async function adopt(paths: ProjectPaths, generation: string): Promise<void> {
    const folder = join(paths.generationsDir, generation);
    await mkdir(paths.generationsDir, { recursive: true });
    await ignoredByGit(dirname(paths.generationsDir));
    if (isRealFolder(paths.buildDir) && !existsSync(folder)) await rename(paths.buildDir, folder);
    if (existsSync(folder) && (currentGeneration(paths) !== generation || !buildIsOurLink(paths))) {
        await commitRenames(join(paths.cacheDir, SWITCH_FILE_NAME), pointTo(paths, generation));
    }
    await rm(join(paths.cacheDir, ADOPT_FILE_NAME), { force: true });
}

/**
 * build/ exists from the first run on, as the link to a generation (an empty one on a new
 * project): made here, under the lock and before the type-check starts, the link's appearance
 * in the project folder is not later taken by the type-check's record for a change of the project.
 */
async function ensureLinked(paths: ProjectPaths): Promise<void> {
    const current = currentGeneration(paths);
    if (current && buildIsOurLink(paths) && existsSync(join(paths.generationsDir, current))) return;
    const generation = current ?? newGenerationName();
    await mkdir(join(paths.generationsDir, generation), { recursive: true });
    await ignoredByGit(dirname(paths.generationsDir));
    await commitRenames(join(paths.cacheDir, SWITCH_FILE_NAME), pointTo(paths, generation));
}

async function pendingAdoption(paths: ProjectPaths): Promise<string | undefined> {
    const name = (await readFile(join(paths.cacheDir, ADOPT_FILE_NAME), 'utf8').catch(() => '')).trim();
    return /^[\w-]+$/.test(name) ? name : undefined;
}

/**
 * Run under the compile lock before anything reads build/: finishes a switch a kill left half
 * done, turns a real build/ folder into a generation, removes generations and temporary files
 * of killed runs.
 */
export async function recoverBuild(paths: ProjectPaths): Promise<void> {
    await recoverCommit(join(paths.cacheDir, SWITCH_FILE_NAME));
    const adopting = await pendingAdoption(paths);
    if (adopting) await adopt(paths, adopting);
    else if (isRealFolder(paths.buildDir)) await adoptBuildFolder(paths);
    await ensureLinked(paths);
    // What killed runs left is swept once per process: a dev session takes the lock on every
    // save, and listing build/ each time costs what a big project's folder costs to read, while
    // its own switches remove the generations they replace.
    if (swept.has(paths.root)) return;
    swept.add(paths.root);
    // build/ too: temporary files of an older Ferry's killed writes, there before the adoption.
    await Promise.all([paths.root, paths.buildDir, paths.cacheDir, dirname(paths.manifestPath)].map((dir) => cleanStaleTemps(dir)));
    removeOldGenerations(paths);
}

/** Project roots whose leftovers this process has already removed. */
const swept = new Set<string>();
