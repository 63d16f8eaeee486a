/**
 * The schema, as numbered migrations applied in order, each in its own transaction and recorded
 * in ferry_migrations, so a data folder (or a PostgreSQL database) made by an older Ferry is
 * brought up to date on start, and a newer one is refused rather than misread.
 */
import type { Storage } from './storage.js';

interface Migration {
    version: number;
    name: string;
    sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
    {
        version: 1,
        name: 'integrations and connections',
        sql: `
create table ferry_integrations (
    unique_key text primary key,
    provider text not null,
    display_name text,
    custom jsonb not null default '{}',
    oauth_client_id text,
    oauth_client_secret text,
    oauth_scopes text,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now()
);
create table ferry_connections (
    id serial primary key,
    provider_config_key text not null references ferry_integrations (unique_key) on delete cascade,
    connection_id text not null,
    credentials text not null,
    connection_config jsonb not null default '{}',
    metadata jsonb not null default '{}',
    credentials_expires_at timestamptz,
    last_fetched_at timestamptz,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    unique (provider_config_key, connection_id)
);`
    },
    {
        version: 2,
        name: 'deployed functions and records',
        sql: `
create table ferry_functions (
    id serial primary key,
    provider_config_key text not null references ferry_integrations (unique_key) on delete cascade,
    type text not null,
    name text not null,
    event text not null default '',
    version text not null,
    runs text,
    auto_start boolean not null default true,
    models jsonb not null default '[]',
    config jsonb not null default '{}',
    js text not null,
    ts text,
    deployed_at timestamptz not null default now(),
    unique (provider_config_key, type, name, event)
);
create table ferry_records (
    connection_id integer not null references ferry_connections (id) on delete cascade,
    model text not null,
    external_id text not null,
    data jsonb not null,
    data_hash text not null,
    first_seen_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    deleted_at timestamptz,
    last_action text not null,
    primary key (connection_id, model, external_id)
);
create index ferry_records_by_cursor on ferry_records (connection_id, model, updated_at, external_id);`
    },
    {
        version: 3,
        name: 'asynchronous action results',
        sql: `
create table ferry_action_results (
    id text primary key,
    connection_id integer not null references ferry_connections (id) on delete cascade,
    action text not null,
    status text not null,
    output jsonb,
    error jsonb,
    created_at timestamptz not null default now(),
    finished_at timestamptz
);`
    },
    {
        version: 4,
        name: 'webhooks to the app and OAuth connections',
        sql: `
create table ferry_webhook_settings (
    environment text primary key,
    primary_url text,
    secondary_url text,
    on_sync_completion_always boolean not null default false,
    on_auth_creation boolean not null default true,
    on_auth_refresh_error boolean not null default true,
    on_sync_error boolean not null default true,
    on_async_action_completion boolean not null default true,
    signing_key text not null,
    updated_at timestamptz not null default now()
);
create table ferry_webhook_outbox (
    id serial primary key,
    url text not null,
    kind text not null,
    body text not null,
    headers jsonb not null default '{}',
    status text not null default 'pending',
    attempts integer not null default 0,
    next_attempt_at timestamptz not null default now(),
    last_error text,
    created_at timestamptz not null default now(),
    delivered_at timestamptz
);
create index ferry_webhook_outbox_due on ferry_webhook_outbox (status, next_attempt_at);
alter table ferry_connections add column webhook_url_override text;`
    },
    {
        version: 5,
        name: 'environment id',
        sql: `alter table ferry_webhook_settings add column environment_uuid text;`
    },
    {
        version: 6,
        name: 'sync schedules and runs',
        sql: `
create table ferry_syncs (
    id serial primary key,
    function_id integer not null references ferry_functions (id) on delete cascade,
    connection_id integer not null references ferry_connections (id) on delete cascade,
    variant text not null default 'base',
    state text not null default 'STARTED',
    next_run_at timestamptz,
    last_sync_date timestamptz,
    checkpoint jsonb,
    pending_mode text,
    created_at timestamptz not null default now(),
    unique (function_id, connection_id, variant)
);
create index ferry_syncs_due on ferry_syncs (state, next_run_at);
create table ferry_sync_runs (
    id serial primary key,
    sync_id integer references ferry_syncs (id) on delete set null,
    type text not null,
    name text not null,
    provider_config_key text not null,
    connection_id text not null,
    mode text,
    status text not null,
    started_at timestamptz not null default now(),
    finished_at timestamptz,
    duration_ms integer,
    result jsonb not null default '{}',
    error jsonb,
    logs jsonb not null default '[]',
    logs_dropped integer not null default 0
);
create index ferry_sync_runs_by_sync on ferry_sync_runs (sync_id, id);`
    },
    {
        version: 7,
        name: 'oauth sessions',
        sql: `
create table ferry_oauth_sessions (
    id text primary key,
    state_hash text unique,
    provider_config_key text not null,
    connection_id text not null,
    code_verifier text not null,
    redirect_uri text not null,
    connection_config jsonb not null default '{}',
    webhook_url_override text,
    status text not null default 'pending',
    error jsonb,
    created_at timestamptz not null default now()
);`
    },
    {
        version: 8,
        name: 'connection tags and end users',
        sql: `
alter table ferry_connections add column tags jsonb not null default '{}';
alter table ferry_connections add column end_user jsonb;`
    },
    {
        version: 9,
        name: 'sync frequency per connection',
        sql: `alter table ferry_syncs add column frequency text;`
    },
    {
        version: 10,
        name: 'connect sessions',
        sql: `
create table ferry_connect_sessions (
    id serial primary key,
    token_hash text not null unique,
    end_user jsonb,
    tags jsonb not null default '{}',
    allowed_integrations jsonb,
    integrations_config_defaults jsonb,
    overrides jsonb,
    webhook_url_override text,
    connection_id integer references ferry_connections (id) on delete cascade,
    created_at timestamptz not null default now(),
    expires_at timestamptz not null
);`
    },
    {
        version: 11,
        name: 'pruned records',
        sql: `alter table ferry_records add column pruned_at timestamptz;`
    },
    {
        version: 12,
        name: 'pruned records index',
        // Saving a batch first asks whether the model has any pruned record: with this (empty,
        // most of the time) index that is one probe, not a scan of the model per batch.
        sql: `create index ferry_records_pruned on ferry_records (connection_id, model) where pruned_at is not null;`
    }
];

export async function migrate(storage: Storage, migrations: readonly Migration[] = MIGRATIONS): Promise<{ applied: number[]; version: number }> {
    await storage.exec(`create table if not exists ferry_migrations (
        version integer primary key,
        name text not null,
        applied_at timestamptz not null default now()
    )`);
    const rows = await storage.query<{ version: number }>('select version from ferry_migrations order by version');
    const done = new Set(rows.map((row) => Number(row.version)));
    const newest = Math.max(0, ...done);
    const known = Math.max(0, ...migrations.map((m) => m.version));
    if (newest > known) {
        throw new Error(`the database is at schema version ${newest}, newer than this Ferry knows (${known}): upgrade Ferry, or use another --data folder or --database`);
    }
    const applied: number[] = [];
    for (const migration of migrations) {
        if (done.has(migration.version)) continue;
        await storage.transaction(async (tx) => {
            // Two servers starting on one PostgreSQL database: the second waits, then sees the row.
            await tx.query('select pg_advisory_xact_lock(8461735)');
            const again = await tx.query('select 1 from ferry_migrations where version = $1', [migration.version]);
            if (again.length > 0) return;
            for (const statement of migration.sql.split(/;\s*$/m).map((s) => s.trim()).filter(Boolean)) await tx.query(statement);
            await tx.query('insert into ferry_migrations (version, name) values ($1, $2)', [migration.version, migration.name]);
            applied.push(migration.version);
        });
    }
    return { applied, version: Math.max(newest, known) };
}
