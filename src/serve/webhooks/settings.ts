/**
 * The environment's webhook settings, as Nango keeps them per environment: a primary and a
 * secondary URL, which events are sent, and the signing key (a secret distinct from the secret
 * key, sealed like credentials). `ferry serve --webhook-url` sets the URLs on start; the API
 * changes them while the server runs, and they are kept for the next start.
 */
import { randomUUID } from 'node:crypto';
import type { Sealer } from '../crypto.js';
import type { Queryable } from '../storage.js';

export interface WebhookSettings {
    primary_url: string | null;
    secondary_url: string | null;
    on_sync_completion_always: boolean;
    on_auth_creation: boolean;
    on_auth_refresh_error: boolean;
    on_sync_error: boolean;
    on_async_action_completion: boolean;
}

type SettingsChange = Partial<WebhookSettings>;

const SETTING_FLAGS = ['on_sync_completion_always', 'on_auth_creation', 'on_auth_refresh_error', 'on_sync_error', 'on_async_action_completion'] as const;

const COLUMNS = `primary_url, secondary_url, ${SETTING_FLAGS.join(', ')}`;

export class WebhookSettingsStore {
    private key: string | undefined;
    /** The environment's id, as Nango's webhook URLs carry it (`/webhook/<id>/<integration>`). */
    uuid = '';

    constructor(
        private readonly db: Queryable,
        private readonly sealer: Sealer,
        private readonly environment: string
    ) {}

    get environmentName(): string {
        return this.environment;
    }

    /**
     * Makes sure the environment has its row and signing key (generated on first start, or the
     * one given), then applies the URLs given on the command line. Says whether the key is new.
     */
    async init(given: { urls?: string[] | undefined; signingKey?: string | undefined }): Promise<{ generatedKey?: string }> {
        const generated = given.signingKey === undefined ? randomUUID() : undefined;
        const inserted = await this.db.query(
            `insert into ferry_webhook_settings (environment, signing_key) values ($1, $2) on conflict (environment) do nothing returning environment`,
            [this.environment, this.sealer.seal(given.signingKey ?? generated)]
        );
        if (given.signingKey !== undefined && inserted.length === 0) await this.setSigningKey(given.signingKey);
        if (given.urls?.length) await this.update({ primary_url: given.urls[0] ?? null, secondary_url: given.urls[1] ?? null });
        await this.db.query('update ferry_webhook_settings set environment_uuid = $2 where environment = $1 and environment_uuid is null', [this.environment, randomUUID()]);
        const rows = await this.db.query<{ environment_uuid: string }>('select environment_uuid from ferry_webhook_settings where environment = $1', [this.environment]);
        this.uuid = rows[0]!.environment_uuid;
        return inserted.length > 0 && generated ? { generatedKey: generated } : {};
    }

    async get(): Promise<WebhookSettings> {
        const rows = await this.db.query<WebhookSettings>(`select ${COLUMNS} from ferry_webhook_settings where environment = $1`, [this.environment]);
        return rows[0]!;
    }

    async update(change: SettingsChange): Promise<void> {
        const sets: string[] = [];
        const params: (string | boolean | null)[] = [this.environment];
        for (const [name, value] of Object.entries(change)) {
            if (value === undefined || !(name === 'primary_url' || name === 'secondary_url' || (SETTING_FLAGS as readonly string[]).includes(name))) continue;
            params.push(value === '' ? null : value);
            sets.push(`${name} = $${params.length}`);
        }
        if (sets.length === 0) return;
        await this.db.query(`update ferry_webhook_settings set ${sets.join(', ')}, updated_at = now() where environment = $1`, params);
    }

    async signingKey(): Promise<string> {
        if (this.key) return this.key;
        const rows = await this.db.query<{ signing_key: string }>('select signing_key from ferry_webhook_settings where environment = $1', [this.environment]);
        this.key = this.sealer.open<string>(rows[0]!.signing_key);
        return this.key;
    }

    async setSigningKey(key: string): Promise<void> {
        await this.db.query('update ferry_webhook_settings set signing_key = $2, updated_at = now() where environment = $1', [this.environment, this.sealer.seal(key)]);
        this.key = key;
    }

    async rotate(): Promise<string> {
        const key = randomUUID();
        await this.setSigningKey(key);
        return key;
    }
}
