/**
 * OAuth 1.0a request signing for the proxy (RFC 5849), as Nango's proxy signs OAUTH1 connections:
 * the integration's client id and secret are the consumer, the connection's oauth_token and
 * oauth_token_secret the token; the signature covers the method, the URL without its query, and
 * the oauth_* and query parameters (not the body); HMAC-SHA1, or PLAINTEXT when the provider says so.
 */
import { createHmac, randomBytes } from 'node:crypto';

export interface OAuth1Keys {
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
    options: { signatureMethod?: string | undefined; nonce?: string; timestamp?: number; extraParams?: [string, string][] } = {}
): string {
    const signatureMethod = options.signatureMethod === 'PLAINTEXT' ? 'PLAINTEXT' : 'HMAC-SHA1';
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
    if (signatureMethod === 'HMAC-SHA1') {
        const params = [...Object.entries(oauth), ...url.searchParams.entries(), ...(options.extraParams ?? [])]
            .map(([key, value]) => [percentEncode(key), percentEncode(value)] as const)
            .sort(([a, x], [b, y]) => (a === b ? (x < y ? -1 : x > y ? 1 : 0) : a < b ? -1 : 1))
            .map(([key, value]) => `${key}=${value}`)
            .join('&');
        const base = `${url.protocol}//${url.host}${url.pathname}`;
        const baseString = [method.toUpperCase(), percentEncode(base), percentEncode(params)].join('&');
        signature = createHmac('sha1', signingKey).update(baseString).digest('base64');
    }
    const header = { ...oauth, oauth_signature: signature };
    return `OAuth ${Object.keys(header)
        .sort()
        .map((key) => `${percentEncode(key)}="${percentEncode(header[key as keyof typeof header])}"`)
        .join(', ')}`;
}
