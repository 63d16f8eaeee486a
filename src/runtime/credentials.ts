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

/**
 * Keys whose own string value is a secret, wherever they sit in a lookup answer (a provider's raw
 * token answer included). Only these: the rest of a credentials object (Slack's team id and name,
 * a user id, a BASIC username, Salesforce's instance_url) is ordinary data that records and logs
 * carry too, and masking it would corrupt them. `token_type` and `expires_at` describe a token.
 */
const SECRET_VALUE_KEY = /^(credentials|.*token|.*secret.*|.*passw(or)?d.*|passphrase|.*api[_-]?key|private[_-]?key|jwt)$/i;

/**
 * The values a dry run must mask wherever a provider echoes them: the strings under secret keys
 * of what the platform sent (see SECRET_VALUE_KEY), and for a username and password (BASIC) the
 * base64 of `username:password` that an Authorization header carries.
 */
export function credentialValues(value: unknown, found: string[] = []): string[] {
    collect(value, false, found);
    return found;
}

function collect(value: unknown, secret: boolean, found: string[]): void {
    if (typeof value === 'string') {
        if (secret) found.push(value);
    } else if (Array.isArray(value)) {
        for (const item of value) collect(item, secret, found);
    } else if (value && typeof value === 'object') {
        const fields = value as Record<string, unknown>;
        if (typeof fields['username'] === 'string' && typeof fields['password'] === 'string') {
            found.push(Buffer.from(`${fields['username']}:${fields['password']}`).toString('base64'));
        }
        for (const [key, field] of Object.entries(fields)) collect(field, SECRET_VALUE_KEY.test(key), found);
    }
}
