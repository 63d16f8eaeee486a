/** The small page the browser lands on after the provider: what happened, and that the tab can close. */
import type { ServerResponse } from 'node:http';

const escape = (text: string): string => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export function sendPage(res: ServerResponse, status: number, title: string, detail: string): void {
    const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escape(title)}</title></head><body style="font-family:system-ui,sans-serif;margin:3rem"><h1>${escape(title)}</h1><p>${escape(detail)}</p></body></html>`;
    const body = Buffer.from(html);
    res.writeHead(status, {
        'content-type': 'text/html; charset=utf-8',
        'content-length': String(body.length),
        // The page echoes nothing it did not escape, and loads nothing.
        'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'",
        'cache-control': 'no-store'
    });
    res.end(body);
}
