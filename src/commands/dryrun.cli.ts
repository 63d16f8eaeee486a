/** `ferry dryrun`: its arguments, flags and help, and the options they give src/commands/dryrun.ts. */
import { defineCommand, sourcemapFlag } from './define.js';

export const dryrunCommand = defineCommand({
    name: 'dryrun',
    description: 'run one function locally against a real connection',
    module: 'dryrun',
    load: () => import('./dryrun.js'),
    args: [
        { name: '<function>', description: 'function name (sync, action or on-event), or <integration>/<name>', complete: 'function' },
        { name: '<connectionId>', description: 'connection to run against', complete: 'connection' }
    ],
    flags: [
        { flags: '-e, --environment <env>', description: 'platform environment', default: 'dev', complete: 'environment' },
        { flags: '--integration-id <id>', description: 'integration (provider config key), when the function name is ambiguous', complete: 'integration' },
        { flags: '-i, --input <json>', description: 'action input: JSON or @file.json' },
        { flags: '-m, --metadata <json>', description: "metadata for getMetadata instead of the connection's: JSON or @file.json" },
        { flags: '-c, --checkpoint <json>', description: 'starting checkpoint: JSON or @file.json' },
        { flags: '-l, --lastSyncDate <date>', description: 'last sync date (ISO 8601)' },
        { flags: '--variant <name>', description: 'sync variant' },
        { flags: '--validate, --validation', description: "make a record, input or output that fails its schema fatal (--validation: Nango's alias)" },
        { flags: '--save, --save-responses', description: "save a test fixture to <integration>/tests/<name>.test.json (--save-responses: Nango's alias)" },
        { flags: '--diagnostics', description: 'print timing and memory of the run (as Nango does)' },
        { flags: '--webhook <payload.json|->', description: "run the sync's onWebhook(nango, payload) with this payload (a JSON file, or - for stdin)", complete: 'file' },
        sourcemapFlag,
        { flags: '--out <file.jsonl>', description: 'stream every record as JSON lines to a file', complete: 'file' },
        { flags: '--timeout <duration>', description: 'stop the function after this long, e.g. 30s, 5m, or seconds as a bare number (exit 12); default 15m, 0 for none' }
    ],
    help: [
        '',
        'Examples:',
        '  ferry dryrun issues conn-42',
        '  ferry dryrun create-issue conn-42 --input \'{"title":"Hi"}\'',
        '  ferry dryrun github/issues conn-42 -e prod --save   record a fixture for ferry test',
        '',
        'Environment: NANGO_SECRET_KEY_<ENV> (or NANGO_SECRET_KEY), NANGO_HOSTPORT; read from the',
        "environment, then the project's .env. The key is never printed.",
        'Exit codes: 0 ok, 1 bad flags or missing key, 10 does not build, 12 the run failed, 130 interrupted.'
    ],
    options: ([functionName, connectionId], o) => ({
        functionName,
        connectionId,
        environment: o.environment,
        integrationId: o.integrationId,
        input: o.input,
        metadata: o.metadata,
        checkpoint: o.checkpoint,
        lastSyncDate: o.lastSyncDate,
        variant: o.variant,
        // Commander keys a two-long-name flag by its second spelling.
        validate: Boolean(o.validation),
        save: Boolean(o.saveResponses),
        diagnostics: Boolean(o.diagnostics),
        webhook: o.webhook,
        sourcemap: o.sourcemap !== 'false',
        out: o.out,
        timeout: o.timeout
    })
});
