import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findLeakedSecrets, MIN_CREDENTIAL_LENGTH, secretForms } from '../../src/secrets/values.js';
import { credentialValues } from '../../src/secrets/credentials.js';
import { dryrun } from '../../src/dryrun/live.js';
import { holdInterrupts } from '../../src/dryrun/prestart.js';
import { createRedactor } from '../../src/secrets/redact.js';
import { FerryError } from '../../src/errors.js';
import { makeTempDir } from '../support/cli.js';
import { startFakePlatform } from '../support/fake-platform.js';

const KEY = 'sk-test-0123456789abcdef';
const TOKEN = 'ghp_token"with\\quotes/and+plus';

describe('the dry run redactor', () => {
    it('masks every known secret in strings, nested values and keys, raw, JSON-escaped, URL- or form-encoded', () => {
        const redactor = createRedactor();
        redactor.add([KEY, TOKEN, 'short', '  ', 'pass word*~']);
        expect(redactor.text(`Bearer ${KEY} rejected`)).toBe('Bearer *** rejected');
        expect(redactor.text(JSON.stringify({ echoed: TOKEN }))).toBe('{"echoed":"***"}');
        expect(redactor.text(`/cb?token=${encodeURIComponent(TOKEN)}`)).toBe('/cb?token=***');
        expect(redactor.text(new URLSearchParams({ user: 'u', token: TOKEN, password: 'pass word*~' }).toString())).toBe('user=u&token=***&password=***');
        expect(redactor.text(`/login?p=${encodeURIComponent('pass word*~')}`)).toBe('/login?p=***');
        // Values read from .env or the environment under eight characters are too likely to occur by chance.
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

    it('masks a credential of four characters or more, never a shorter one', () => {
        const redactor = createRedactor();
        redactor.add(['k7x9q2z', 'abc'], MIN_CREDENTIAL_LENGTH);
        expect(redactor.text('x-api-key: k7x9q2z')).toBe('x-api-key: ***');
        expect(redactor.text('abc def')).toBe('abc def');
        // The same short value read from the environment is left alone.
        const fromEnv = createRedactor();
        fromEnv.add(['k7x9q2z']);
        expect(fromEnv.text('x-api-key: k7x9q2z')).toBe('x-api-key: k7x9q2z');
    });

    it('masks a JSON line as the decoded value would be masked, keeping it valid JSON', () => {
        const redactor = createRedactor();
        const quoted = 'se"cr\\et-value';
        redactor.add([KEY, '12345678', quoted, 'nabcdefg']);
        const line = (record: unknown): string => JSON.stringify({ model: 'M', op: 'save', record });
        const plain = line({ id: 'U123', email: 'dev@example.com' });
        expect(redactor.json(plain)).toBe(plain);
        expect(redactor.json(line({ auth: `Bearer ${KEY}`, [KEY]: 1 }))).toBe(line({ auth: 'Bearer ***', '***': 1 }));
        // A secret that is also a number elsewhere: the number is data, not a string to mask.
        expect(redactor.json(line({ n: 12345678, s: 'id 12345678' }))).toBe(line({ n: 12345678, s: 'id ***' }));
        // Needles with a quote or a backslash, and a match that starts inside an escape (\n).
        expect(JSON.parse(redactor.json(line({ q: `x${quoted}y`, nl: 'a\nabcdefg' })))).toEqual({ model: 'M', op: 'save', record: { q: 'x***y', nl: 'a\nabcdefg' } });
        expect(JSON.parse(redactor.json(line({ nl: 'a\nabcdefgh' })))).toEqual({ model: 'M', op: 'save', record: { nl: 'a\nabcdefgh' } });
        expect(JSON.parse(redactor.json(line({ raw: 'nabcdefg!' })))).toEqual({ model: 'M', op: 'save', record: { raw: '***!' } });
    });

    it('finds a needle wherever it is, whatever the number of needles (the pre-check never skips one)', () => {
        const redactor = createRedactor();
        const secrets = Array.from({ length: 60 }, (_, i) => `s${i}-${(i * 7919).toString(36)}-é${'x'.repeat(i % 9)}`);
        redactor.add(secrets, MIN_CREDENTIAL_LENGTH);
        redactor.add(['wxyz'], MIN_CREDENTIAL_LENGTH);
        for (const secret of [...secrets, 'wxyz']) {
            for (const text of [secret, `${secret}tail`, `head${secret}`, `a b c ${secret} d e f`, `é${secret}é`]) {
                expect(redactor.text(text)).not.toContain(secret);
                expect(redactor.text(text)).toContain('***');
            }
        }
        expect(redactor.text('nothing here at all, wxy z')).toBe('nothing here at all, wxy z');
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

    it('leaves the ids, names and URLs of a raw Slack answer alone: only its tokens are secrets', () => {
        const answer = {
            connection_id: 'conn-slack',
            credentials: {
                type: 'OAUTH2',
                access_token: 'xoxb-17653672481-19874698323-pdFZKVeTuE8sk7oOcBrzbqgy',
                raw: {
                    ok: true,
                    app_id: 'A0KRD7HC3',
                    authed_user: { id: 'U1234', scope: 'chat:write', access_token: 'xoxp-1234', token_type: 'user' },
                    scope: 'commands,incoming-webhook',
                    token_type: 'bot',
                    access_token: 'xoxb-17653672481-19874698323-pdFZKVeTuE8sk7oOcBrzbqgy',
                    bot_user_id: 'U0KRQLJ9H',
                    team: { name: 'Slack Softworks', id: 'T9TK3CUKW' },
                    enterprise: { name: 'slack-sports', id: 'E12345678' },
                    is_enterprise_install: false,
                    incoming_webhook: { channel: '#general', channel_id: 'C12345678', url: 'https://hooks.slack.com/TXXXXX/BXXXXX/XXXXXXXXXX' }
                },
                instance_url: 'https://acme.my.salesforce.com'
            }
        };
        const values = credentialValues(answer);
        expect(values).toEqual(['xoxb-17653672481-19874698323-pdFZKVeTuE8sk7oOcBrzbqgy', 'xoxp-1234', 'xoxb-17653672481-19874698323-pdFZKVeTuE8sk7oOcBrzbqgy']);
        const redactor = createRedactor();
        redactor.add(values, MIN_CREDENTIAL_LENGTH);
        const record = { team: 'T9TK3CUKW', teamName: 'Slack Softworks', app: 'A0KRD7HC3', user: 'U1234', url: 'https://acme.my.salesforce.com', webhook: answer.credentials.raw.incoming_webhook.url };
        expect(redactor.value(record)).toBe(record);
        expect(redactor.json(JSON.stringify(record))).toBe(JSON.stringify(record));
    });

    it('BASIC: the password and the Authorization value are secrets, the username is not', () => {
        const values = credentialValues({ credentials: { type: 'BASIC', username: 'dev@example.com', password: 'hunter2' } });
        const header = Buffer.from('dev@example.com:hunter2').toString('base64');
        expect(values).toEqual([header, 'hunter2']);
        const redactor = createRedactor();
        redactor.add(values, MIN_CREDENTIAL_LENGTH);
        expect(redactor.text(`Authorization: Basic ${header} for dev@example.com`)).toBe('Authorization: Basic *** for dev@example.com');
        expect(redactor.text('password=hunter2')).toBe('password=***');
    });
});

describe('the forms of a secret', () => {
    it('are the same list for masking and for the --save scan', () => {
        const value = 'a b"c/d+e*~';
        expect(secretForms(value)).toEqual(['a b"c/d+e*~', 'a b\\"c/d+e*~', 'a%20b%22c%2Fd%2Be*~', 'a+b%22c%2Fd%2Be*%7E']);
        const redactor = createRedactor();
        redactor.add([value]);
        for (const form of secretForms(value)) {
            expect(findLeakedSecrets(`{"x":"${form}"}`, [{ name: 'API_TOKEN', value }])).toEqual(['API_TOKEN']);
            expect(redactor.text(`<${form}>`)).toBe('<***>');
        }
    });
});

describe('interrupt handling held early', () => {
    it('turns SIGINT into an abort until released, and hands out one set of handlers', async () => {
        const before = process.listenerCount('SIGINT');
        const beforeTerm = process.listenerCount('SIGTERM');
        const interrupts = holdInterrupts();
        expect(holdInterrupts()).toBe(interrupts);
        expect(process.listenerCount('SIGINT')).toBe(before + 1);
        expect(process.listenerCount('SIGTERM')).toBe(beforeTerm + 1);
        // A signal before anything awaits it is kept: the command finds the signal aborted.
        process.emit('SIGINT', 'SIGINT');
        expect(interrupts.signal.aborted).toBe(true);
        // A second Ctrl-C during the clean-up is ignored, not left to Node's default (exit at once).
        expect(process.listenerCount('SIGINT')).toBe(before + 1);
        process.emit('SIGINT', 'SIGINT');
        process.emit('SIGTERM', 'SIGTERM');
        expect(process.listenerCount('SIGTERM')).toBe(beforeTerm + 1);
        interrupts.release();
        // Still held for what follows in this turn (the output, the exit), then given back.
        expect(process.listenerCount('SIGINT')).toBe(before + 1);
        await new Promise((resolve) => setImmediate(resolve));
        expect(process.listenerCount('SIGINT')).toBe(before);
        expect(process.listenerCount('SIGTERM')).toBe(beforeTerm);
        expect(holdInterrupts()).not.toBe(interrupts);
        holdInterrupts().release();
        await new Promise((resolve) => setImmediate(resolve));
        expect(process.listenerCount('SIGINT')).toBe(before);
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

describe("the connection's credentials, learnt from the lookup", () => {
    it('are masked in the error of an integration lookup that fails after the connection was found', async () => {
        const token = 'gho_lookup_token_0123';
        const platform = await startFakePlatform({
            secretKey: KEY,
            // No provider: the integration is required, and its lookup fails quoting the token.
            connections: [{ connection_id: 'c1', provider_config_key: 'github', credentials: { type: 'OAUTH2', access_token: token } }],
            extraRoutes: [(req) => (req.path.startsWith('/integrations/') ? { status: 400, body: { error: { message: `integration broken for ${token}` } } } : undefined)]
        });
        const { dir, cleanup } = await makeTempDir('ferry-lookup-');
        try {
            await mkdir(join(dir, '.nango'));
            await mkdir(join(dir, 'github/actions'), { recursive: true });
            await writeFile(join(dir, 'github/actions/a.ts'), 'export default {};\n');
            await writeFile(join(dir, 'index.ts'), "import './github/actions/a.js';\n");
            const env = { NANGO_SECRET_KEY_DEV: KEY, NANGO_HOSTPORT: platform.url };
            const error = await dryrun({ cwd: dir, env, functionName: 'a', connectionId: 'c1' }, { runFunction: () => Promise.reject(new Error('must not run')) }).catch((e: unknown) => e);
            expect(error).toBeInstanceOf(FerryError);
            expect((error as FerryError).message).toContain('integration broken for ***');
            expect(JSON.stringify({ ...(error as FerryError), message: (error as FerryError).message })).not.toContain(token);
        } finally {
            await cleanup();
            await platform.close();
        }
    });
});
