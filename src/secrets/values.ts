/**
 * The secret values worth looking for and the forms they are echoed in. Only variable names are
 * ever reported, never values.
 */
import { SECRET_VARIABLE } from './names.js';

export interface NamedSecret {
    name: string;
    value: string;
}

/**
 * For values merely read from `.env` or the environment: shorter ones are too likely to occur by
 * chance (`true`, `dev`, ports).
 */
export const MIN_SECRET_LENGTH = 8;
/** For values a credential field holds: a 7-character API key is a secret all the same. */
export const MIN_CREDENTIAL_LENGTH = 4;

/**
 * The forms a secret is echoed in: raw, inside a JSON string, in a URL (encodeURIComponent) and
 * in a form body (URLSearchParams writes a space as `+` and leaves `*` alone). The masking and
 * every scan use this one list, so neither can miss a form the other knows.
 */
export function secretForms(value: string): string[] {
    const forms = new Set([value, JSON.stringify(value).slice(1, -1), encodeURIComponent(value), new URLSearchParams([['', value]]).toString().slice(1)]);
    return [...forms];
}

/** The secrets worth looking for: the resolved key, then secret-looking variables of `.env` and the environment. */
export function secretsToCheck(secretKey: NamedSecret, ...sources: Record<string, string | undefined>[]): NamedSecret[] {
    const found = new Map<string, NamedSecret>();
    const add = (name: string, value: string | undefined): void => {
        const trimmed = value?.trim();
        if (!trimmed || trimmed.length < MIN_SECRET_LENGTH || found.has(trimmed)) return;
        found.set(trimmed, { name, value: trimmed });
    };
    add(secretKey.name, secretKey.value);
    for (const source of sources) {
        for (const [name, value] of Object.entries(source)) {
            if (SECRET_VARIABLE.test(name)) add(name, value);
        }
    }
    return [...found.values()];
}

/** Every value of a source that holds secrets whatever their names (the platform's environment variables). */
export function allSecrets(source: Record<string, string>, label: string): NamedSecret[] {
    return Object.entries(source)
        .map(([name, value]) => ({ name: `${label} ${name}`, value: value.trim() }))
        .filter(({ value }) => value.length >= MIN_SECRET_LENGTH);
}

/** Credential values (see credentials.ts) under one name, those too short to be told from chance left out. */
export function namedCredentials(values: readonly string[], name: string): NamedSecret[] {
    return values.map((value) => ({ name, value: value.trim() })).filter(({ value }) => value.length >= MIN_CREDENTIAL_LENGTH);
}

/**
 * Names of the secrets whose value appears in `body`, in any of its secretForms: the last check
 * before anything leaves the machine (a deploy's payload) or lands in a file (a fixture).
 */
export function findLeakedSecrets(body: string, secrets: readonly NamedSecret[]): string[] {
    return secrets.filter(({ value }) => secretForms(value).some((form) => body.includes(form))).map(({ name }) => name);
}
