/**
 * One small storage interface over the two databases `ferry serve` can use: PGlite (PostgreSQL
 * compiled to WebAssembly, files in the data folder, no server) by default, or a real PostgreSQL
 * server with --database. The SQL is plain PostgreSQL and runs on both; every value travels as a
 * parameter ($1, $2...), never inside the SQL text. Both drivers load only when a server opens
 * its storage, so no other command pays for them.
 */
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { tempPathFor } from '../util/fs.js';

type SqlValue = string | number | boolean | null | Date;

export interface Queryable {
    query<T = Record<string, unknown>>(sql: string, params?: readonly SqlValue[]): Promise<T[]>;
}

export interface Storage extends Queryable {
    /** 'pglite' or 'postgres', for the start-up line. */
    readonly kind: 'pglite' | 'postgres';
    /** Several statements without parameters (migrations). */
    exec(sql: string): Promise<void>;
    /** Runs `fn` in one transaction: all of it is committed, or none. */
    transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
    close(): Promise<void>;
}

interface PgliteOptions {
    /**
     * A folder holding a freshly initialised database (in the user cache): a new data folder is a
     * copy of it instead of running initdb again, which costs seconds and several hundred MB the
     * process keeps. Made the first time a data folder is initialised; a template that cannot be
     * read or written only costs that.
     */
    templateFile?: string | undefined;
}

/**
 * PostgreSQL's buffer cache lives in PGlite's WebAssembly memory, which never shrinks: every page
 * of it a bulk insert has touched stays resident. 128MB (initdb's choice) made a server that had
 * loaded a million records hold ~700 MB; with 32MB it stays under 400 MB. Pages it evicts are still
 * in the OS's file cache, so reads cost a system call, not a disk access.
 */
const PGLITE_SETTINGS = ['shared_buffers=32MB', 'wal_buffers=4MB', 'maintenance_work_mem=16MB'];

export async function openPglite(dataDir: string, options: PgliteOptions = {}): Promise<Storage> {
    const { PGlite } = await import('@electric-sql/pglite');
    const startParams = [...PGlite.defaultStartParams, ...PGLITE_SETTINGS.flatMap((setting) => ['-c', setting])];
    const template = options.templateFile;
    const fresh = !existsSync(join(dataDir, 'PG_VERSION'));
    if (fresh) mkdirSync(dirname(dataDir), { recursive: true });
    const copied = fresh && template !== undefined && copyTemplate(template, dataDir);
    let db = await PGlite.create(dataDir, { startParams });
    if (fresh && !copied && template !== undefined) {
        // initdb just ran in this process (a second WebAssembly instance): closed, its files are
        // consistent to copy as the template, and reopening leaves initdb's memory behind.
        await db.close();
        saveTemplate(dataDir, template);
        db = await PGlite.create(dataDir, { startParams });
    }
    const query = async <T>(runner: Pick<typeof db, 'query'>, sql: string, params: readonly SqlValue[] = []): Promise<T[]> =>
        (await runner.query<T>(sql, params as SqlValue[])).rows;
    return {
        kind: 'pglite',
        query: (sql, params) => query(db, sql, params),
        async exec(sql) {
            await db.exec(sql);
        },
        transaction: (fn) => db.transaction((tx) => fn({ query: (sql, params) => query(tx, sql, params) })),
        async close() {
            await db.close();
        }
    };
}

/** The template's files beside the data folder, then one rename: a copy cut short leaves no half database. */
function copyTemplate(template: string, dataDir: string): boolean {
    if (!existsSync(join(template, 'PG_VERSION')) || (existsSync(dataDir) && readdirSync(dataDir).length > 0)) return false;
    const temp = tempPathFor(dataDir);
    try {
        mkdirSync(dirname(dataDir), { recursive: true });
        cpSync(template, temp, { recursive: true });
        if (existsSync(dataDir)) rmdirSync(dataDir);
        renameSync(temp, dataDir);
        return true;
    } catch {
        rmSync(temp, { recursive: true, force: true });
        return false;
    }
}

function saveTemplate(dataDir: string, template: string): void {
    const temp = tempPathFor(template);
    try {
        mkdirSync(dirname(template), { recursive: true });
        cpSync(dataDir, temp, { recursive: true });
        renameSync(temp, template);
    } catch {
        // Another server saved it first, or the cache is not writable: the next start runs initdb again.
        rmSync(temp, { recursive: true, force: true });
    }
}

export async function openPostgres(url: string): Promise<Storage> {
    const { default: postgres } = await import('postgres');
    // Notices (e.g. "relation already exists, skipping") are not the user's business.
    const sql = postgres(url, {
        max: 10,
        onnotice: () => undefined,
        connect_timeout: 10,
        // Every json/jsonb parameter is given as JSON text (as PGlite takes it); the driver would
        // otherwise encode that text again, storing a JSON string instead of the object.
        types: { jsonText: { to: 3802, from: [114, 3802], serialize: (value: unknown) => (typeof value === 'string' ? value : JSON.stringify(value)), parse: (text: string) => JSON.parse(text) as unknown } }
    });
    type Runner = { unsafe(query: string, params?: any[]): PromiseLike<unknown> };
    const query = async <T>(runner: Runner, text: string, params: readonly SqlValue[] = []): Promise<T[]> =>
        [...((await runner.unsafe(text, params as SqlValue[])) as Iterable<T>)];
    // Fails here, at start, when the server is unreachable or refuses the credentials.
    await sql.unsafe('select 1');
    return {
        kind: 'postgres',
        query: (text, params) => query(sql, text, params),
        async exec(text) {
            await sql.unsafe(text);
        },
        transaction: async (fn) => (await sql.begin((tx) => fn({ query: (text, params) => query(tx as unknown as Runner, text, params) }))) as never,
        async close() {
            await sql.end({ timeout: 5 });
        }
    };
}

/** Where the template of PGlite's fresh database is kept: per user, per PGlite version (a folder). */
export function pgliteTemplatePath(cacheDir: string): string | undefined {
    try {
        let dir = dirname(createRequire(import.meta.url).resolve('@electric-sql/pglite'));
        while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
        const { version } = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version: string };
        return join(cacheDir, `pglite-${version}-fresh`);
    } catch {
        return undefined;
    }
}
