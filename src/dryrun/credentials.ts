/**
 * What of a connection a function, the screen and a fixture may see: everything but credentials.
 * One rule for the live lookup, the runtime and `--save`, so a replay sees what the live run saw.
 */
import type { Connection } from './types.js';

/** Keys whose values are credentials, at any depth of a connection object. */
const CREDENTIAL_KEY = /^(credentials?(_iv|_tag)?|.*(access|refresh|id|bearer|session)_?token.*|.*secret.*|.*password.*|.*passwd.*|api_?key|private_?key|client_?secret|token|jwt|signature)$/i;

/** A deep copy without credential-bearing fields. */
export function withoutCredentials<T>(value: T): T {
    if (Array.isArray(value)) return value.map((item) => withoutCredentials(item)) as T;
    if (value && typeof value === 'object') {
        const kept: Record<string, unknown> = {};
        for (const [key, field] of Object.entries(value as Record<string, unknown>)) {
            if (!CREDENTIAL_KEY.test(key)) kept[key] = withoutCredentials(field);
        }
        return kept as T;
    }
    return value;
}

/** The connection without credentials; its metadata is the user's own configuration and stays as it is. */
export function publicConnection(connection: Connection): Connection {
    const { metadata, ...rest } = connection;
    return { ...withoutCredentials(rest), metadata: metadata ?? null } as Connection;
}

/** Fields of a credentials object that describe it rather than hold a secret: masking them would hide dates and words everywhere. */
const DESCRIPTIVE_KEY = /^(type|token_type|expires_at|expires_in|scopes?|created_at|updated_at|last_fetched_at)$/i;

/**
 * The string values withoutCredentials drops (what the platform sent as credentials), for the
 * dry run to mask wherever a provider echoes them.
 */
export function credentialValues(value: unknown, inside = false, found: string[] = []): string[] {
    if (typeof value === 'string') {
        if (inside) found.push(value);
    } else if (Array.isArray(value)) {
        for (const item of value) credentialValues(item, inside, found);
    } else if (value && typeof value === 'object') {
        for (const [key, field] of Object.entries(value as Record<string, unknown>)) {
            if (inside && DESCRIPTIVE_KEY.test(key)) continue;
            credentialValues(field, inside || CREDENTIAL_KEY.test(key), found);
        }
    }
    return found;
}
