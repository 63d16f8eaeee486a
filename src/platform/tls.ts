/**
 * Nango's client-certificate variables, for a platform behind mutual TLS or a private CA:
 * NANGO_CLI_TLS_CERT (a PEM with the certificate, and the key too if NANGO_CLI_TLS_KEY is not
 * set), NANGO_CLI_TLS_KEY, NANGO_CLI_TLS_KEY_PASSPHRASE and NANGO_CLI_TLS_CA. Read and checked
 * once, before any request: a file that cannot be read, holds no PEM block, or a key the
 * passphrase does not open is a one-line error naming the variable, not a TLS failure later.
 */
import { readFileSync } from 'node:fs';
import { createSecureContext } from 'node:tls';
import { FerryError, errnoCode, ExitCode } from '../errors.js';

interface ClientTls {
    cert?: string;
    key?: string;
    passphrase?: string;
    ca?: string;
}

const CERTIFICATES = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g;
const PRIVATE_KEY = /-----BEGIN (?:RSA |EC |ENCRYPTED )?PRIVATE KEY-----[\s\S]*?-----END (?:RSA |EC |ENCRYPTED )?PRIVATE KEY-----/;

function tlsError(variable: string, message: string, hint: string, exitCode: ExitCode): FerryError {
    return new FerryError({ code: 'TLS_CONFIG', message: `${variable}: ${message}`, hint, exitCode, details: { variable } });
}

function readPem(variable: string, path: string, exitCode: ExitCode): string {
    try {
        return readFileSync(path, 'utf8');
    } catch (error) {
        throw tlsError(variable, `cannot read ${path} (${errnoCode(error) ?? (error as Error).message})`, `Point ${variable} at a readable PEM file, or unset it.`, exitCode);
    }
}

/** The TLS options of the variables, or undefined when none is set. */
export function clientTlsFromEnv(env: Record<string, string | undefined>, exitCode: ExitCode = ExitCode.Failure): ClientTls | undefined {
    const certPath = env['NANGO_CLI_TLS_CERT']?.trim();
    const keyPath = env['NANGO_CLI_TLS_KEY']?.trim();
    const caPath = env['NANGO_CLI_TLS_CA']?.trim();
    const passphrase = env['NANGO_CLI_TLS_KEY_PASSPHRASE'];
    if (!certPath && !keyPath && !caPath) return undefined;
    const tls: ClientTls = {};
    let keyInCert: string | undefined;
    if (certPath) {
        const pem = readPem('NANGO_CLI_TLS_CERT', certPath, exitCode);
        const certs = pem.match(CERTIFICATES);
        if (!certs) throw tlsError('NANGO_CLI_TLS_CERT', `${certPath} holds no PEM certificate (-----BEGIN CERTIFICATE-----)`, 'Give the client certificate in PEM form.', exitCode);
        tls.cert = certs.join('\n');
        keyInCert = PRIVATE_KEY.exec(pem)?.[0];
    }
    if (keyPath) {
        const key = PRIVATE_KEY.exec(readPem('NANGO_CLI_TLS_KEY', keyPath, exitCode))?.[0];
        if (!key) throw tlsError('NANGO_CLI_TLS_KEY', `${keyPath} holds no PEM private key`, 'Give the private key in PEM form (-----BEGIN PRIVATE KEY----- or an encrypted one).', exitCode);
        tls.key = key;
    } else if (keyInCert) {
        tls.key = keyInCert;
    }
    if (caPath) {
        const certs = readPem('NANGO_CLI_TLS_CA', caPath, exitCode).match(CERTIFICATES);
        if (!certs) throw tlsError('NANGO_CLI_TLS_CA', `${caPath} holds no PEM certificate`, 'Give the CA certificate(s) in PEM form.', exitCode);
        tls.ca = certs.join('\n');
    }
    if (Boolean(tls.cert) !== Boolean(tls.key)) {
        const missing = tls.cert ? 'NANGO_CLI_TLS_KEY' : 'NANGO_CLI_TLS_CERT';
        throw tlsError(missing, 'is needed with the other: a client certificate goes with its private key', `Set ${missing} too (or put the certificate and the key in the one PEM of NANGO_CLI_TLS_CERT).`, exitCode);
    }
    if (passphrase) tls.passphrase = passphrase;
    checkUsable(tls, exitCode);
    return tls;
}

/** A wrong passphrase or a key of another certificate only fails at the first handshake otherwise. */
function checkUsable(tls: ClientTls, exitCode: ExitCode): void {
    try {
        createSecureContext(tls);
    } catch (error) {
        const message = (error as Error).message;
        if (/bad decrypt|passphrase|decrypt|bad password/i.test(message)) {
            const variable = 'NANGO_CLI_TLS_KEY_PASSPHRASE';
            throw tlsError(variable, tls.passphrase ? 'does not open the private key' : 'is needed: the private key is encrypted', `Set ${variable} to the key's passphrase.`, exitCode);
        }
        if (/key values mismatch|KEY_VALUES_MISMATCH/i.test(message)) {
            throw tlsError('NANGO_CLI_TLS_KEY', 'the private key does not belong to the certificate of NANGO_CLI_TLS_CERT', 'Give the key of that certificate.', exitCode);
        }
        throw tlsError(tls.key ? 'NANGO_CLI_TLS_CERT' : 'NANGO_CLI_TLS_CA', `Node cannot use it (${message})`, 'Check the PEM files the NANGO_CLI_TLS_* variables name.', exitCode);
    }
}
