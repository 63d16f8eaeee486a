/**
 * Credentials at rest: AES-256-GCM with a random 96-bit IV per value, stored as
 * `v1.<iv>.<tag>.<ciphertext>` (base64url). The authentication tag makes a tampered or
 * wrongly-keyed value fail loudly instead of decrypting to garbage.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

export interface Sealer {
    seal(value: unknown): string;
    open<T = unknown>(sealed: string): T;
}

export function createSealer(key: Buffer): Sealer {
    if (key.length !== 32) throw new Error('the encryption key must be 32 bytes');
    return {
        seal(value) {
            const iv = randomBytes(12);
            const cipher = createCipheriv('aes-256-gcm', key, iv);
            const body = Buffer.concat([cipher.update(JSON.stringify(value), 'utf8'), cipher.final()]);
            return ['v1', iv, cipher.getAuthTag(), body].map((part) => (typeof part === 'string' ? part : part.toString('base64url'))).join('.');
        },
        open<T>(sealed: string): T {
            const [version, iv, tag, body] = sealed.split('.');
            if (version !== 'v1' || iv === undefined || tag === undefined || body === undefined) throw new Error('not a sealed value');
            const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
            decipher.setAuthTag(Buffer.from(tag, 'base64url'));
            const plain = Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]);
            return JSON.parse(plain.toString('utf8')) as T;
        }
    };
}
