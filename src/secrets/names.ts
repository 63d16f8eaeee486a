/**
 * Which names are secret: variables (of `.env`, the environment), keys of what the platform says
 * about a connection or an integration, and HTTP headers. One list per kind, read by the
 * redactor, the payload and fixture scans, the connection lookup and the fixture recorder.
 */

/** Variable names whose values are secrets: `*_KEY`, `*TOKEN*`, `*SECRET*`, `*PASSWORD*`, ... */
export const SECRET_VARIABLE = /(SECRET|TOKEN|PASSWORD|PASSWD|PRIVATE|API_?KEY|_KEY$|^KEY$)/i;

/** Keys whose whole value (a string or an object) is a credential, at any depth of a connection: dropped before anyone sees it. */
export const CREDENTIAL_KEY = /^(credentials?(_iv|_tag)?|.*(access|refresh|id|bearer|session)_?token.*|.*secret.*|.*password.*|.*passwd.*|api_?key|private_?key|client_?secret|token|jwt|signature)$/i;

/**
 * Keys whose own string value is a secret, wherever they sit in a lookup answer (a provider's raw
 * token answer included). Only these: the rest of a credentials object (Slack's team id and name,
 * a user id, a BASIC username, Salesforce's instance_url) is ordinary data that records and logs
 * carry too, and masking it would corrupt them. `token_type` and `expires_at` describe a token.
 */
export const SECRET_VALUE_KEY = /^(credentials|.*token|.*secret.*|.*passw(or)?d.*|passphrase|.*api[_-]?key|private[_-]?key|jwt)$/i;

const SECRET_HEADER = /(^|[-_])(authorization|auth|cookie|token|secret|password|passwd|api[-_]?key|apikey|key|signature|session|credential)s?($|[-_])/i;
const ALWAYS_SECRET_HEADER = new Set(['authorization', 'proxy-authorization', 'cookie', 'set-cookie', 'x-api-key']);

/** Credential-bearing headers are never recorded nor hashed. */
export function isSecretHeader(name: string): boolean {
    const lower = name.toLowerCase();
    return ALWAYS_SECRET_HEADER.has(lower) || SECRET_HEADER.test(lower);
}

/** The headers without credential-bearing ones, names lower-cased. */
export function withoutSecretHeaders(headers: Record<string, string> | undefined): Record<string, string> {
    const kept: Record<string, string> = {};
    for (const [name, value] of Object.entries(headers ?? {})) {
        if (!isSecretHeader(name)) kept[name.toLowerCase()] = value;
    }
    return kept;
}
