/**
 * OAuth 1.0a request signing for the proxy (RFC 5849), as Nango's proxy signs OAUTH1 and TBA
 * connections: the signature covers the method, the URL without its query, and the oauth_* and
 * query parameters (not the body). OAUTH1: the integration's client id and secret are the consumer,
 * the connection's oauth_token and oauth_token_secret the token, HMAC-SHA1 (or PLAINTEXT when the
 * provider says so). TBA (NetSuite): the consumer comes with the connection, the token is
 * token_id/token_secret, HMAC-SHA256, and the account id is the realm.
 */
import { createHmac, randomBytes } from 'node:crypto';

interface OAuth1Keys {
    consumerKey: string;
    consumerSecret: string;
    token: string;
    tokenSecret: string;
}

/** RFC 3986 encoding, which encodeURIComponent leaves short of (!'()*). */
export function percentEncode(value: string): string {
    return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

export function oauth1Header(
    method: string,
    url: URL,
    keys: OAuth1Keys,
    options: { signatureMethod?: string | undefined; realm?: string; nonce?: string; timestamp?: number; extraParams?: [string, string][] } = {}
): string {
    const signatureMethod = options.signatureMethod === 'PLAINTEXT' || options.signatureMethod === 'HMAC-SHA256' ? options.signatureMethod : 'HMAC-SHA1';
    const oauth: Record<string, string> = {
        oauth_consumer_key: keys.consumerKey,
        oauth_nonce: options.nonce ?? randomBytes(16).toString('hex'),
        oauth_signature_method: signatureMethod,
        oauth_timestamp: String(options.timestamp ?? Math.floor(Date.now() / 1000)),
        oauth_token: keys.token,
        oauth_version: '1.0'
    };
    const signingKey = `${percentEncode(keys.consumerSecret)}&${percentEncode(keys.tokenSecret)}`;
    let signature = signingKey;
    if (signatureMethod !== 'PLAINTEXT') {
        const params = [...Object.entries(oauth), ...url.searchParams.entries(), ...(options.extraParams ?? [])]
            .map(([key, value]) => [percentEncode(key), percentEncode(value)] as const)
            .sort(([a, x], [b, y]) => (a === b ? (x < y ? -1 : x > y ? 1 : 0) : a < b ? -1 : 1))
            .map(([key, value]) => `${key}=${value}`)
            .join('&');
        const base = `${url.protocol}//${url.host}${url.pathname}`;
        const baseString = [method.toUpperCase(), percentEncode(base), percentEncode(params)].join('&');
        signature = createHmac(signatureMethod === 'HMAC-SHA256' ? 'sha256' : 'sha1', signingKey).update(baseString).digest('base64');
    }
    const header = { ...oauth, oauth_signature: signature };
    return `OAuth ${options.realm === undefined ? '' : `realm="${options.realm}", `}${Object.keys(header)
        .sort()
        .map((key) => `${percentEncode(key)}="${percentEncode(header[key as keyof typeof header])}"`)
        .join(', ')}`;
}

type Credentials = Record<string, unknown>;

/**
 * The Authorization header of an OAUTH1 or TBA request, an error message when the consumer is
 * missing, or undefined for other credential types (their headers come from provider-auth.ts).
 */
export function signedAuthorization(
    method: string,
    url: URL,
    credentials: Credentials,
    connectionConfig: Record<string, unknown>,
    client: { id: string | null; secret: string | null },
    providerSignatureMethod: string | undefined
): { header: string } | { error: string } | undefined {
    if (credentials['type'] === 'OAUTH1') {
        if (!client.id || !client.secret) return { error: 'OAuth1 requires oauth_client_id and oauth_client_secret in integration config' };
        const keys = { consumerKey: client.id, consumerSecret: client.secret, token: String(credentials['oauth_token']), tokenSecret: String(credentials['oauth_token_secret']) };
        return { header: oauth1Header(method, url, keys, { signatureMethod: providerSignatureMethod }) };
    }
    if (credentials['type'] === 'TBA') {
        const override = (credentials['config_override'] ?? {}) as Credentials;
        // Nango copies the integration's client into the connection config; here it stays sealed in the integration.
        const consumerKey = String(override['client_id'] ?? client.id ?? '');
        const consumerSecret = String(override['client_secret'] ?? client.secret ?? '');
        if (!consumerKey || !consumerSecret) return { error: 'TBA requires a client id and secret (config_override or the integration)' };
        const keys = { consumerKey, consumerSecret, token: String(credentials['token_id']), tokenSecret: String(credentials['token_secret']) };
        // Nango's realm: the account id with its first '-' as '_', upper case.
        const realm = String(connectionConfig['accountId'] ?? '').replace('-', '_').toUpperCase();
        return { header: oauth1Header(method, url, keys, { signatureMethod: 'HMAC-SHA256', realm }) };
    }
    return undefined;
}
