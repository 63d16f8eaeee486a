/**
 * A connection's tags and end user, as Nango keeps them: tags are at most 10 string pairs with
 * keys lowercased (a letter first, then letters, digits, `_ - . /`), values of 1 to 255 characters;
 * an end user given with a connection becomes tags too (`end_user_id`, `end_user_email`,
 * `end_user_display_name`, then its own tags), and the explicit tags win. Nango links each
 * connection to an end-user row of its own, so the end user is kept on the connection.
 */
import { z } from 'zod';

const TAG_MAX_COUNT = 10;
const KEY_MAX = 64;
const VALUE_MAX = 255;

const tagKey = z
    .string()
    .regex(/^[a-zA-Z][a-zA-Z0-9_\-./]*$/, { message: 'Tag keys must start with a letter and contain only alphanumerics, underscores, hyphens, periods, or slashes' })
    .max(KEY_MAX, { message: `Tag keys must be at most ${KEY_MAX} characters` });

function tagIssues(tags: Record<string, string>): string[] {
    const entries = Object.entries(tags);
    if (entries.length > TAG_MAX_COUNT) return [`Tags cannot contain more than ${TAG_MAX_COUNT} keys`];
    const issues: string[] = [];
    const seen = new Set<string>();
    for (const [key, value] of entries) {
        const normalized = key.toLowerCase();
        if (seen.has(normalized)) issues.push(`Duplicate tag key after case normalization: "${normalized}"`);
        seen.add(normalized);
        if (normalized === 'end_user_email' && !z.string().email().min(5).safeParse(value).success) issues.push('Tag "end_user_email" must be a valid email');
    }
    return issues;
}

const checked = <T extends z.ZodType<Record<string, string>>>(schema: T) =>
    schema.check((payload) => {
        for (const message of tagIssues(payload.value)) payload.issues.push({ code: 'custom', message, input: payload.value });
    });

/** `tags` of a request: validated, keys lowercased. */
export const tagsSchema = checked(z.record(tagKey, z.string().min(1).max(VALUE_MAX, { message: `Tag values must be at most ${VALUE_MAX} characters` }))).transform((tags) =>
    Object.fromEntries(Object.entries(tags).map(([key, value]) => [key.toLowerCase(), value]))
);

export const endUserSchema = z.strictObject({
    id: z.string().max(255).min(1),
    email: z.string().email().min(5).optional(),
    display_name: z.string().max(255).optional(),
    tags: checked(z.record(tagKey, z.string().max(255))).optional()
});

type EndUserInput = z.infer<typeof endUserSchema>;

/** The end user as the API shows it (and as it is stored). */
export interface PublicEndUser {
    id: string;
    email: string | null;
    display_name: string | null;
    tags: Record<string, string> | null;
    organization: { id: string; display_name: string | null } | null;
}

export function toPublicEndUser(input: EndUserInput): PublicEndUser {
    return { id: input.id, email: input.email ?? null, display_name: input.display_name || null, tags: input.tags ?? null, organization: null };
}

/**
 * The tags an end user stands for: its id, email and display name, then its own tags (lowercased,
 * invalid keys left out; all of them dropped when they would make more than 10).
 */
export function tagsFromEndUser(endUser: EndUserInput | undefined): Record<string, string> {
    if (!endUser) return {};
    const base: Record<string, string> = {};
    const put = (target: Record<string, string>, key: string, value: string | undefined): void => {
        if (typeof value === 'string' && value.length > 0) target[key] = value.slice(0, VALUE_MAX);
    };
    put(base, 'end_user_id', endUser.id);
    put(base, 'end_user_email', endUser.email);
    put(base, 'end_user_display_name', endUser.display_name);
    const own: Record<string, string> = {};
    for (const [rawKey, value] of Object.entries(endUser.tags ?? {})) {
        const key = rawKey.toLowerCase().slice(0, KEY_MAX);
        if (tagKey.safeParse(key).success) own[key] = value.slice(0, VALUE_MAX);
    }
    const merged = { ...base, ...own };
    const chosen = Object.keys(merged).length > TAG_MAX_COUNT ? base : merged;
    const parsed = tagsSchema.safeParse(chosen);
    if (parsed.success) return parsed.data;
    const fallback = tagsSchema.safeParse(base);
    return fallback.success ? fallback.data : {};
}

/** `tags[key]=value` query parameters (Nango's API reads them as an object), beside the others. */
export function splitTagParams(query: Record<string, string | string[]>): { rest: Record<string, string | string[]>; tags: Record<string, string | string[]> | undefined } {
    const rest: Record<string, string | string[]> = {};
    let tags: Record<string, string | string[]> | undefined;
    for (const [key, value] of Object.entries(query)) {
        const match = /^tags\[([^\]]*)\]$/.exec(key);
        if (match) (tags ??= {})[match[1]!] = value;
        else rest[key] = value;
    }
    return { rest, tags };
}
