/**
 * What of a connection or an integration a function, the screen and a fixture may see: everything
 * but credentials; and the credential values themselves, which the output must mask should a
 * provider echo them. One rule for the platform lookup, the runtime, `serve` and `--save`, so a
 * replay sees what the live run saw.
 */
import { CREDENTIAL_KEY, SECRET_VALUE_KEY } from './names.js';

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
export function publicConnection<T extends { metadata?: unknown }>(connection: T): T {
    const { metadata, ...rest } = connection;
    return { ...withoutCredentials(rest), metadata: metadata ?? null } as unknown as T;
}

/**
 * The values to mask wherever a provider echoes them: the strings under secret keys of what the
 * platform sent (see SECRET_VALUE_KEY), and for a username and password (BASIC) the base64 of
 * `username:password` that an Authorization header carries.
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
