/**
 * The dashboard's page, script and style. The build bakes them into the bundle (scripts/build.mjs
 * defines __FERRY_DASHBOARD__, the script minified), so the installed CLI needs no file beside it
 * and no network; running from sources, they are read from client/ as they are.
 */
import { readFileSync } from 'node:fs';

declare const __FERRY_DASHBOARD__: { html: string; js: string; css: string } | undefined;

export function dashboardAssets(): { html: string; js: string; css: string } {
    if (typeof __FERRY_DASHBOARD__ === 'object' && __FERRY_DASHBOARD__) return __FERRY_DASHBOARD__;
    const read = (name: string): string => readFileSync(new URL(`./client/${name}`, import.meta.url), 'utf8');
    return { html: read('index.html'), js: read('app.js'), css: read('app.css') };
}
