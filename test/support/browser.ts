/**
 * Debian's Chromium (/usr/bin/chromium, installed by .ci/run) driven by playwright-core: no
 * browser is downloaded. Headless, with a fresh profile and none of Chromium's background calls
 * to the network, so a test touches only the servers it starts on 127.0.0.1.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext } from 'playwright-core';

export const CHROMIUM = process.env['FERRY_TEST_CHROMIUM'] ?? '/usr/bin/chromium';

/** Without the browser the test is skipped on a developer's machine; in CI it must run (and fail). */
export const browserMissing = !existsSync(CHROMIUM) && !process.env['CI'];

export interface TestBrowser {
    context: BrowserContext;
    close(): Promise<void>;
}

export async function launchChromium(): Promise<TestBrowser> {
    const { chromium } = await import('playwright-core');
    const profile = await mkdtemp(join(tmpdir(), 'ferry-chromium-'));
    // A persistent context is how playwright passes its own --user-data-dir: a fresh folder each run.
    const context = await chromium.launchPersistentContext(profile, {
        executablePath: CHROMIUM,
        headless: true,
        args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
        timeout: 60_000
    });
    return {
        context,
        async close() {
            await context.close();
            await rm(profile, { recursive: true, force: true });
        }
    };
}
