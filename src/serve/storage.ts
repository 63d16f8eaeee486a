/**
 * One small storage interface over the two databases `ferry serve` can use: PGlite (PostgreSQL
 * compiled to WebAssembly, files in the data folder, no server) by default, or a real PostgreSQL
 * server with --database. The SQL is plain PostgreSQL and runs on both; every value travels as a
 * parameter ($1, $2...), never inside the SQL text. Both drivers load only when a server opens
 * its storage, so no other command pays for them.
 */
export type SqlValue = string | number | boolean | null | Date;

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

export async function openPglite(dataDir: string): Promise<Storage> {
    const { PGlite } = await import('@electric-sql/pglite');
    const db = await PGlite.create(dataDir);
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

export async function openPostgres(url: string): Promise<Storage> {
    const { default: postgres } = await import('postgres');
    // Notices (e.g. "relation already exists, skipping") are not the user's business.
    const sql = postgres(url, { max: 10, onnotice: () => undefined, connect_timeout: 10 });
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
