/** `ferry serve`: its flags and help, and the options they give src/commands/serve.ts. */
import { defineCommand } from './define.js';

export const serveCommand = defineCommand({
    name: 'serve',
    description: 'run a local, Nango-compatible platform (foreground; Ctrl-C to stop)',
    module: 'serve',
    load: () => import('./serve.js'),
    flags: [
        { flags: '--host <host>', description: 'address to listen on', default: '127.0.0.1' },
        { flags: '--port <port>', description: 'port to listen on (0: a free one)', default: '3003' },
        { flags: '--data <dir>', description: 'data folder (default: .ferry/serve in the project, else per user)', complete: 'file' },
        { flags: '--database <postgres-url>', description: 'use this PostgreSQL database instead of the embedded one' },
        { flags: '--secret-key <key>', description: 'secret key of the dev environment (default: generated once, kept in the data folder)' },
        { flags: '--webhook-url <url>', description: 'send Nango webhooks to this URL (twice: primary and secondary)', repeatable: true },
        { flags: '--webhook-signing-key <key>', description: 'key that signs the webhooks (default: generated once, kept in the database)' },
        { flags: '--concurrency <n>', description: 'function runs at once (syncs, actions, on-event scripts)', default: '4' },
        { flags: '--run-timeout <seconds>', description: 'a run still going after this long is stopped and fails', default: '300' },
        { flags: '--run-memory <mb>', description: 'heap limit of each run, in MB', default: '512' }
    ],
    help: [
        '',
        'Other commands of the project reach it with -e local (e.g. ferry dryrun issues conn-1 -e local).',
        "Environment: FERRY_SERVE_ENCRYPTION_KEY (32 bytes, base64) encrypts credentials instead of the data folder's key file.",
        'Exit codes: 0 stopped by Ctrl-C or SIGTERM, 1 could not start.'
    ],
    options: (_args, o) => ({
        host: o.host,
        port: o.port,
        data: o.data,
        database: o.database,
        secretKey: o.secretKey,
        webhookUrl: o.webhookUrl,
        webhookSigningKey: o.webhookSigningKey,
        concurrency: o.concurrency,
        runTimeout: o.runTimeout,
        runMemory: o.runMemory
    })
});
