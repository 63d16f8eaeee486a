import { describe, expect, it } from 'vitest';
import { credentialValues } from '../../src/dryrun/credentials.js';
import { dryrun } from '../../src/dryrun/live.js';
import { holdInterrupts } from '../../src/dryrun/prestart.js';
import { createRedactor } from '../../src/dryrun/redact.js';
import { FerryError } from '../../src/errors.js';

const KEY = 'sk-test-0123456789abcdef';
const TOKEN = 'ghp_token"with\\quotes/and+plus';

describe('the dry run redactor', () => {
    it('masks every known secret in strings, nested values and keys, raw, JSON-escaped or URL-encoded', () => {
        const redactor = createRedactor();
        redactor.add([KEY, TOKEN, 'short', '  ']);
        expect(redactor.text(`Bearer ${KEY} rejected`)).toBe('Bearer *** rejected');
        expect(redactor.text(JSON.stringify({ echoed: TOKEN }))).toBe('{"echoed":"***"}');
        expect(redactor.text(`/cb?token=${encodeURIComponent(TOKEN)}`)).toBe('/cb?token=***');
        // Values under eight characters are too likely to occur by chance.
        expect(redactor.text('a short word')).toBe('a short word');

        const bytes = new Uint8Array([1, 2]);
        const clean = { a: 1, list: ['x'] };
        const value = { clean, error: { message: `Bearer ${KEY}`, response: { data: [{ [KEY]: TOKEN }] } }, bytes };
        const scrubbed = redactor.value(value);
        expect(scrubbed).toEqual({ clean, error: { message: 'Bearer ***', response: { data: [{ '***': '***' }] } }, bytes });
        // Parts without a secret are shared, and the original is left as it was.
        expect(scrubbed.clean).toBe(clean);
        expect(scrubbed.bytes).toBe(bytes);
        expect(value.error.message).toBe(`Bearer ${KEY}`);
    });

    it('masks a secret that contains another as a whole', () => {
        const redactor = createRedactor();
        redactor.add(['abcdefgh', 'xxabcdefghxx']);
        expect(redactor.text('xxabcdefghxx and abcdefgh')).toBe('*** and ***');
    });

    it('scrubs errors: a FerryError keeps its code and exit code, a plain Error its identity', () => {
        const redactor = createRedactor();
        redactor.add([KEY]);
        const error = redactor.error(
            new FerryError({ code: 'PLATFORM_SERVER_ERROR', message: `500: Bearer ${KEY}`, hint: `not ${KEY}`, exitCode: 12, details: { body: KEY } })
        ) as FerryError;
        expect(error).toBeInstanceOf(FerryError);
        expect(error.toJSON()).toEqual({ code: 'PLATFORM_SERVER_ERROR', message: '500: Bearer ***', hint: 'not ***', details: { body: '***' } });
        expect(error.exitCode).toBe(12);
        expect(error.stack).not.toContain(KEY);
        const plain = new Error(`echo ${KEY}`);
        expect(redactor.error(plain)).toBe(plain);
        expect(plain.message).toBe('echo ***');
        expect(plain.stack).not.toContain(KEY);
    });

    it('is free when nothing is known yet', () => {
        const redactor = createRedactor();
        const value = { a: 'b' };
        expect(redactor.value(value)).toBe(value);
    });
});

describe('credential values', () => {
    it('collects the strings under credential keys at any depth, not the descriptive fields', () => {
        const answer = {
            connection_id: 'conn-1',
            provider_config_key: 'github',
            credentials: { type: 'OAUTH2', access_token: 'gho_access', refresh_token: 'ghr_refresh', expires_at: '2030-01-01T00:00:00Z', raw: { token_type: 'bearer', id_token: 'jwt.value' } },
            connection_config: { api_key: 'the-api-key', subdomain: 'acme' },
            metadata: { owner: 'octo' }
        };
        expect(credentialValues(answer)).toEqual(['gho_access', 'ghr_refresh', 'jwt.value', 'the-api-key']);
    });
});

describe('interrupt handling held early', () => {
    it('turns SIGINT into an abort until released, and hands out one set of handlers', () => {
        const before = process.listenerCount('SIGINT');
        const beforeTerm = process.listenerCount('SIGTERM');
        const interrupts = holdInterrupts();
        expect(holdInterrupts()).toBe(interrupts);
        expect(process.listenerCount('SIGINT')).toBe(before + 1);
        expect(process.listenerCount('SIGTERM')).toBe(beforeTerm + 1);
        // A signal before anything awaits it is kept: the command finds the signal aborted.
        process.emit('SIGINT', 'SIGINT');
        expect(interrupts.signal.aborted).toBe(true);
        interrupts.release();
        expect(process.listenerCount('SIGINT')).toBe(before);
        expect(process.listenerCount('SIGTERM')).toBe(beforeTerm);
        expect(holdInterrupts()).not.toBe(interrupts);
        holdInterrupts().release();
    });
});

describe('a dry run whose signal fired before it started', () => {
    it('stops with INTERRUPTED (130) before reading the project or starting anything', async () => {
        const controller = new AbortController();
        controller.abort();
        let ran = false;
        const error = await dryrun(
            { cwd: '/nonexistent/not-a-project', env: {}, functionName: 'issues', connectionId: 'c1', signal: controller.signal },
            {
                runFunction: async () => {
                    ran = true;
                    throw new Error('must not run');
                }
            }
        ).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(FerryError);
        expect((error as FerryError).code).toBe('INTERRUPTED');
        expect((error as FerryError).exitCode).toBe(130);
        expect(ran).toBe(false);
    });
});
