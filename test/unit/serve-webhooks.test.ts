/**
 * The rules of webhooks to the app, without a server: which events the environment's settings let
 * through (a sync only when it changed something, unless "always"), the bodies' shapes, and the
 * signatures, checked against openssl rather than against the code that made them.
 */
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { asyncActionBody, authBody, forwardBody, syncBody } from '../../src/serve/webhooks/bodies.js';
import { wanted } from '../../src/serve/webhooks/service.js';
import type { WebhookSettings } from '../../src/serve/webhooks/settings.js';
import { signatureHeaders, stableStringify } from '../../src/serve/webhooks/sign.js';

const settings: WebhookSettings = {
    primary_url: 'http://127.0.0.1:1/hooks',
    secondary_url: null,
    on_sync_completion_always: false,
    on_auth_creation: true,
    on_auth_refresh_error: true,
    on_sync_error: true,
    on_async_action_completion: true
};
const startedAt = new Date('2026-01-02T03:04:05.000Z');
const sync = (result?: { added: number; updated: number; deleted?: number }, error?: { type: string; description: string }) =>
    syncBody({ connectionId: 'c', providerConfigKey: 'p', syncName: 's', model: 'M', operation: 'INCREMENTAL', startedAt, result, error });

describe('webhooks to the app', () => {
    it('sends a successful sync only when records changed, unless on_sync_completion_always', () => {
        expect(wanted('sync', sync({ added: 0, updated: 0, deleted: 0 }), settings)).toBe(false);
        expect(wanted('sync', sync({ added: 0, updated: 0, deleted: 0 }), { ...settings, on_sync_completion_always: true })).toBe(true);
        expect(wanted('sync', sync({ added: 1, updated: 0 }), settings)).toBe(true);
        expect(wanted('sync', sync({ added: 0, updated: 0, deleted: 2 }), settings)).toBe(true);
        expect(wanted('sync', sync(undefined, { type: 'script_error', description: 'x' }), settings)).toBe(true);
        expect(wanted('sync', sync(undefined, { type: 'script_error', description: 'x' }), { ...settings, on_sync_error: false })).toBe(false);
    });

    it('follows the other settings, and sends nothing without a URL', () => {
        const auth = (operation: 'creation' | 'override' | 'refresh') => authBody({ connectionId: 'c', providerConfigKey: 'p', provider: 'github', authMode: 'OAUTH2', environment: 'dev', operation });
        expect(wanted('auth', auth('creation'), { ...settings, on_auth_creation: false })).toBe(false);
        expect(wanted('auth', auth('override'), { ...settings, on_auth_creation: false })).toBe(true);
        expect(wanted('auth', auth('refresh'), { ...settings, on_auth_refresh_error: false })).toBe(false);
        expect(wanted('async_action', asyncActionBody({ connectionId: 'c', providerConfigKey: 'p', id: 'i', statusUrl: '/action/i' }), { ...settings, on_async_action_completion: false })).toBe(false);
        expect(wanted('forward', {}, { ...settings, on_auth_creation: false })).toBe(true);
        expect(wanted('forward', {}, { ...settings, primary_url: null })).toBe(false);
    });

    it("builds Nango's sync body: INITIAL for a full run, modifiedAfter from the run's start, error fields on failure", () => {
        expect(syncBody({ connectionId: 'c', providerConfigKey: 'p', syncName: 's', model: 'M', operation: 'FULL', startedAt, result: { added: 2, updated: 1 } })).toEqual({
            from: 'nango',
            type: 'sync',
            connectionId: 'c',
            providerConfigKey: 'p',
            syncName: 's',
            syncVariant: 'base',
            model: 'M',
            syncType: 'INITIAL',
            success: true,
            responseResults: { added: 2, updated: 1, deleted: 0 },
            modifiedAfter: '2026-01-02T03:04:05.000Z',
            queryTimeStamp: '2026-01-02T03:04:05.000Z'
        });
        expect(sync(undefined, { type: 'script_error', description: 'boom' })).toMatchObject({ success: false, error: { type: 'script_error', description: 'boom' }, startedAt: '2026-01-02T03:04:05.000Z', failedAt: expect.any(String) });
        expect(forwardBody({ provider: 'linear', providerConfigKey: 'l', payload: [1, 2] })).toEqual([1, 2]);
    });

    it('serialises with sorted keys and signs as openssl computes it', () => {
        const body = stableStringify({ b: 1, a: { d: [{ z: 1, y: 2 }], c: 'é' }, u: undefined });
        expect(body).toBe('{"a":{"c":"é","d":[{"y":2,"z":1}]},"b":1}');
        const key = 'a-signing-key';
        const headers = signatureHeaders(key, body);
        const hmac = execFileSync('openssl', ['dgst', '-sha256', '-hmac', key], { input: body }).toString().trim().split(/\s+/).pop();
        const legacy = execFileSync('openssl', ['dgst', '-sha256'], { input: `${key}${body}` }).toString().trim().split(/\s+/).pop();
        expect(headers['X-Nango-Hmac-Sha256']).toBe(hmac);
        expect(headers['X-Nango-Signature']).toBe(legacy);
    });
});
