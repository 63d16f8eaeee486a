/**
 * NANGO_CLI_TLS_*: the platform client presents a client certificate and trusts a private CA, on
 * a local HTTPS server that requires one; bad paths and passphrases are one-line errors naming
 * the variable. Certificates are made here with the openssl CLI.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { TLSSocket } from 'node:tls';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExitCode, FerryError } from '../../src/errors.js';
import { PlatformClient } from '../../src/platform/client.js';
import { clientTlsFromEnv } from '../../src/platform/tls.js';
import { makeTempDir } from '../support/cli.js';

const PASSPHRASE = 'open sesame';

function openssl(dir: string, ...args: string[]): void {
    execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
}

/** A CA, a server certificate for 127.0.0.1 signed by it, and a client certificate with an encrypted key. */
function makeCertificates(dir: string): void {
    openssl(dir, 'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2', '-subj', '/CN=Test CA');
    writeFileSync(join(dir, 'server.ext'), 'subjectAltName=IP:127.0.0.1\n');
    openssl(dir, 'req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=127.0.0.1');
    openssl(dir, 'x509', '-req', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'server.pem', '-days', '2', '-extfile', 'server.ext');
    openssl(dir, 'req', '-newkey', 'rsa:2048', '-keyout', 'client.key', '-passout', `pass:${PASSPHRASE}`, '-out', 'client.csr', '-subj', '/CN=ferry-cli');
    openssl(dir, 'x509', '-req', '-in', 'client.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'client.pem', '-days', '2');
}

describe('client certificates for the platform (NANGO_CLI_TLS_*)', () => {
    let dir: string;
    let cleanup: () => Promise<void>;
    let server: Server;
    let url: string;
    const env = (extra: Record<string, string> = {}): Record<string, string> => ({
        NANGO_CLI_TLS_CERT: join(dir, 'client.pem'),
        NANGO_CLI_TLS_KEY: join(dir, 'client.key'),
        NANGO_CLI_TLS_KEY_PASSPHRASE: PASSPHRASE,
        NANGO_CLI_TLS_CA: join(dir, 'ca.pem'),
        ...extra
    });
    const client = (tlsEnv: Record<string, string>) => new PlatformClient({ host: url, secretKey: 'sk-test', exitCode: ExitCode.Failure, tlsEnv, connectTimeoutMs: 5_000, timeoutMs: 5_000 });
    const thrown = (fn: () => unknown): FerryError => {
        try {
            fn();
        } catch (error) {
            return error as FerryError;
        }
        throw new Error('did not throw');
    };

    beforeAll(async () => {
        ({ dir, cleanup } = await makeTempDir('ferry-tls-'));
        makeCertificates(dir);
        server = createServer(
            { key: readFileSync(join(dir, 'server.key')), cert: readFileSync(join(dir, 'server.pem')), ca: readFileSync(join(dir, 'ca.pem')), requestCert: true, rejectUnauthorized: true },
            (req, res) => {
                const peer = (req.socket as TLSSocket).getPeerCertificate();
                res.setHeader('content-type', 'application/json');
                res.end(JSON.stringify({ client: peer.subject?.CN ?? null }));
            }
        );
        await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
        url = `https://127.0.0.1:${(server.address() as { port: number }).port}`;
    }, 60_000);
    afterAll(async () => {
        server?.close();
        await cleanup?.();
    });

    it('presents the client certificate and trusts the private CA', async () => {
        const platform = client(env());
        try {
            const answer = await platform.raw({ method: 'GET', path: '/integrations' });
            expect(answer.status).toBe(200);
            expect(JSON.parse(answer.body.toString())).toEqual({ client: 'ferry-cli' });
        } finally {
            await platform.close();
        }
    });

    it('takes the key from the certificate file when NANGO_CLI_TLS_KEY is not set', async () => {
        // An unencrypted key beside the certificate, in one PEM.
        openssl(dir, 'pkey', '-in', 'client.key', '-passin', `pass:${PASSPHRASE}`, '-out', 'client-plain.key');
        writeFileSync(join(dir, 'bundle.pem'), readFileSync(join(dir, 'client.pem'), 'utf8') + readFileSync(join(dir, 'client-plain.key'), 'utf8'));
        const platform = client({ NANGO_CLI_TLS_CERT: join(dir, 'bundle.pem'), NANGO_CLI_TLS_CA: join(dir, 'ca.pem') });
        try {
            expect((await platform.raw({ method: 'GET', path: '/x' })).status).toBe(200);
        } finally {
            await platform.close();
        }
    });

    it('without the client certificate the server refuses the connection', async () => {
        const platform = client({ NANGO_CLI_TLS_CA: join(dir, 'ca.pem') });
        try {
            await expect(platform.raw({ method: 'GET', path: '/x' })).rejects.toThrow(/Cannot reach the platform|ECONNRESET|certificate/);
        } finally {
            await platform.close();
        }
    });

    it('a bad path, a file without PEM, a wrong or missing passphrase: one line naming the variable', () => {
        const missing = thrown(() => clientTlsFromEnv(env({ NANGO_CLI_TLS_CERT: join(dir, 'nope.pem') })));
        expect(missing).toBeInstanceOf(FerryError);
        expect(missing.message).toMatch(/^NANGO_CLI_TLS_CERT: cannot read .*nope\.pem \(ENOENT\)$/);
        writeFileSync(join(dir, 'empty.pem'), 'not a pem\n');
        expect(thrown(() => clientTlsFromEnv(env({ NANGO_CLI_TLS_CA: join(dir, 'empty.pem') }))).message).toMatch(/^NANGO_CLI_TLS_CA: .* holds no PEM certificate/);
        const wrong = thrown(() => clientTlsFromEnv(env({ NANGO_CLI_TLS_KEY_PASSPHRASE: 'wrong' })));
        expect(wrong.message).toBe('NANGO_CLI_TLS_KEY_PASSPHRASE: does not open the private key');
        expect(wrong.message).not.toContain('wrong');
        const none = thrown(() => clientTlsFromEnv(env({ NANGO_CLI_TLS_KEY_PASSPHRASE: '' })));
        expect(none.message).toBe('NANGO_CLI_TLS_KEY_PASSPHRASE: is needed: the private key is encrypted');
        expect(thrown(() => clientTlsFromEnv({ NANGO_CLI_TLS_KEY: join(dir, 'client.key') })).message).toMatch(/^NANGO_CLI_TLS_CERT: is needed/);
        expect(clientTlsFromEnv({})).toBeUndefined();
        // The platform client checks them when it is made, before any request.
        expect(thrown(() => client(env({ NANGO_CLI_TLS_KEY_PASSPHRASE: 'wrong' }))).message).toContain('NANGO_CLI_TLS_KEY_PASSPHRASE');
    });
});
