/** The proxy's OAuth 1.0a signature against a published example (Twitter's "Creating a signature"). */
import { describe, expect, it } from 'vitest';
import { oauth1Header, percentEncode, signedAuthorization } from '../../src/serve/oauth1-sign.js';

describe('OAuth 1.0a signing', () => {
    const keys = {
        consumerKey: 'xvz1evFS4wEEPTGEFPHBog',
        consumerSecret: 'kAcSOqF21Fu85e7zjz7ZN2U4ZRhfV3WpwPAoE3Z7kBw',
        token: '370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb',
        tokenSecret: 'LswwdoUaIvS8ltyTt5jkRh4J50vUPVVHtR2YPi5kE'
    };
    const fixed = { nonce: 'kYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg', timestamp: 1318622958 };

    it('signs method, URL, query and oauth parameters with HMAC-SHA1', () => {
        const header = oauth1Header('post', new URL('https://api.twitter.com/1/statuses/update.json?include_entities=true'), keys, {
            ...fixed,
            extraParams: [['status', 'Hello Ladies + Gentlemen, a signed OAuth request!']]
        });
        expect(header).toContain(`oauth_signature="${percentEncode('tnnArxj06cWHq44gCs1OSKk/jLY=')}"`);
        expect(header).toBe(
            'OAuth oauth_consumer_key="xvz1evFS4wEEPTGEFPHBog", oauth_nonce="kYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg", oauth_signature="tnnArxj06cWHq44gCs1OSKk%2FjLY%3D", oauth_signature_method="HMAC-SHA1", oauth_timestamp="1318622958", oauth_token="370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb", oauth_version="1.0"'
        );
    });

    it('sends the key pair itself with PLAINTEXT', () => {
        const header = oauth1Header('GET', new URL('https://api.smugmug.com/api/v2'), { ...keys, consumerSecret: 'c s', tokenSecret: 't&s' }, { ...fixed, signatureMethod: 'PLAINTEXT' });
        expect(header).toContain('oauth_signature_method="PLAINTEXT"');
        expect(header).toContain(`oauth_signature="${percentEncode('c%20s&t%26s')}"`);
    });

    it("signs TBA with HMAC-SHA256 and the account id as realm, the connection's own client first", () => {
        const url = new URL('https://123-sb1.suitetalk.api.netsuite.com/services/rest/record/v1/customer');
        const signed = signedAuthorization('GET', url, { type: 'TBA', token_id: 'ti', token_secret: 'ts', config_override: { client_id: 'own' } }, { accountId: '123-sb1' }, { id: 'ck', secret: 'cs' }, undefined);
        expect(signed && 'header' in signed && signed.header).toMatch(/^OAuth realm="123_SB1", oauth_consumer_key="own", .*oauth_signature_method="HMAC-SHA256"/);
        expect(signedAuthorization('GET', url, { type: 'OAUTH1', oauth_token: 't', oauth_token_secret: 's' }, {}, { id: null, secret: null }, undefined)).toEqual({
            error: 'OAuth1 requires oauth_client_id and oauth_client_secret in integration config'
        });
        expect(signedAuthorization('GET', url, { type: 'OAUTH2', access_token: 'a' }, {}, { id: 'ck', secret: 'cs' }, undefined)).toBeUndefined();
    });
});
