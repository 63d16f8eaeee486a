/**
 * Which recorded data a mock reads, and the conversion of a `mocks/` folder into a
 * `tests/<name>.test.json` file (run the suite with MIGRATE_MOCKS set, as with the `nango`
 * package): every value a test reads through the older layout is also written to the new file.
 */
import { promises as fs } from 'node:fs';
import { resolve } from 'node:path';
import { writeFileAtomic } from '../util/fs.js';
import type { ConfigIdentity } from './test-mocks-identity.js';
import type { ApiMockResponse, FixtureProvider, UnifiedMockData } from './test-mocks-fixtures.js';
import { LegacyFixtureProvider } from './test-mocks-legacy.js';
import { UnifiedFixtureProvider } from './test-mocks-unified.js';

type NangoKey = keyof NonNullable<UnifiedMockData['nango']>;

function parsedBody(data: unknown): unknown {
    if (typeof data !== 'string') return data;
    try {
        return JSON.parse(data);
    } catch {
        return data;
    }
}

export class RecordingFixtureProvider implements FixtureProvider {
    private readonly recorded: { input: unknown; output: unknown; nango: NonNullable<UnifiedMockData['nango']>; api: Record<string, Record<string, ApiMockResponse[]>>; _migrated: true } = {
        input: null,
        output: null,
        nango: {},
        api: {},
        _migrated: true
    };

    constructor(
        private readonly delegate: LegacyFixtureProvider,
        private readonly outputPath: string
    ) {}

    /** The file as far as the suite has read: empty sections left out. */
    private async save(): Promise<void> {
        const data = JSON.parse(JSON.stringify(this.recorded)) as Record<string, any>;
        for (const key of ['batchSave', 'batchDelete']) if (Object.keys(data['nango'][key] || {}).length === 0) delete data['nango'][key];
        if (Object.keys(data['nango']).length === 0) delete data['nango'];
        if (Object.keys(data['api']).length === 0) delete data['api'];
        if (data['input'] === null) delete data['input'];
        if (data['output'] === null) delete data['output'];
        // Saved after every read: a suite stopped mid-way leaves the last whole file, never half of one.
        await writeFileAtomic(this.outputPath, JSON.stringify(data, null, 4));
    }

    private async keep<T>(read: Promise<T>, store: (value: T) => void): Promise<T> {
        const value = await read;
        store(value);
        await this.save();
        return value;
    }

    private keepNango(key: NangoKey, read: Promise<unknown>): Promise<any> {
        return this.keep(read, (value) => {
            this.recorded.nango[key] = value;
        });
    }

    getBatchSaveData(modelName: string): Promise<any> {
        return this.keep(this.delegate.getBatchSaveData(modelName), (value) => {
            this.recorded.nango.batchSave = { ...this.recorded.nango.batchSave, [modelName]: value };
        });
    }
    getBatchDeleteData(modelName: string): Promise<any> {
        return this.keep(this.delegate.getBatchDeleteData(modelName), (value) => {
            this.recorded.nango.batchDelete = { ...this.recorded.nango.batchDelete, [modelName]: value };
        });
    }
    getInput(): Promise<any> {
        return this.keep(this.delegate.getInput(), (value) => (this.recorded.input = value));
    }
    getOutput(): Promise<any> {
        return this.keep(this.delegate.getOutput(), (value) => (this.recorded.output = value));
    }
    getConnectionData(): Promise<any> {
        return this.keepNango('getConnection', this.delegate.getConnectionData());
    }
    getMetadataData(): Promise<any> {
        return this.keepNango('getMetadata', this.delegate.getMetadataData());
    }
    getUpdateMetadata(): Promise<any> {
        return this.keepNango('updateMetadata', this.delegate.getUpdateMetadata());
    }
    getDeleteRecordsFromPreviousExecutions(): Promise<any> {
        return this.keepNango('deleteRecordsFromPreviousExecutions', this.delegate.getDeleteRecordsFromPreviousExecutions());
    }
    getTrackDeletesStart(): Promise<any> {
        return this.keepNango('trackDeletesStart', this.delegate.getTrackDeletesStart());
    }
    getTrackDeletesEnd(): Promise<any> {
        return this.keepNango('trackDeletesEnd', this.delegate.getTrackDeletesEnd());
    }
    isUnifiedMocks(): boolean {
        return false;
    }

    /** The answer asked for, plus every other recorded answer of its endpoint (pages the test did not reach). */
    async getCachedResponse(identity: ConfigIdentity): Promise<any> {
        const answer = await this.delegate.getCachedResponse(identity);
        const byEndpoint = (this.recorded.api[identity.method] ??= {});
        const list = (byEndpoint[identity.endpoint] ??= []);
        for (const mock of await this.delegate.getAllMocksForEndpoint(identity.method, identity.endpoint)) {
            const own = mock.requestIdentityHash.length > 0 || mock.requestIdentity.params.length > 0 || mock.requestIdentity.headers.length > 0 || mock.requestIdentity.data !== undefined;
            const source = own ? mock.requestIdentity : identity.requestIdentity;
            const params = Object.fromEntries(source.params);
            const headers = Object.fromEntries(source.headers);
            const entry: ApiMockResponse = {
                request: {
                    params: Object.keys(params).length > 0 ? params : undefined,
                    headers: Object.keys(headers).length > 0 ? headers : undefined,
                    data: parsedBody(source.data)
                },
                response: mock.response,
                hash: mock.requestIdentityHash || identity.requestIdentityHash,
                ...(mock.headers ? { headers: mock.headers } : {}),
                ...(mock.status !== undefined ? { status: mock.status } : {})
            };
            if (!list.some((kept) => kept.hash === entry.hash)) list.push(entry);
        }
        await this.save();
        return answer;
    }
}

/**
 * The test file that is creating the mock, from the call stack (`github-issues.test.ts` reads
 * `github-issues.test.json`); `name` when the stack does not show one in `dirname`.
 */
export function testFileName(dirname: string, name: string, stack: string | undefined): string {
    for (const line of (stack ?? '').split('\n')) {
        if (!line.includes(dirname) || !line.includes('.test.ts')) continue;
        const match = /\/([^/]+\.test\.ts)/.exec(line);
        if (match?.[1]) return match[1].slice(0, -'.test.ts'.length);
    }
    return name;
}

const isFile = (path: string): Promise<boolean> =>
    fs.stat(path).then(
        () => true,
        () => false
    );

/** `tests/<test file>.test.json`, then `tests/<name>.test.json`, then the `mocks/` folder. */
export async function fixtureProviderFor(dirname: string, name: string, stack: string | undefined): Promise<FixtureProvider> {
    const fromStack = testFileName(dirname, name, stack);
    let unified = resolve(dirname, `${fromStack}.test.json`);
    let found = await isFile(unified);
    if (!found && fromStack !== name) {
        const byName = resolve(dirname, `${name}.test.json`);
        if (await isFile(byName)) {
            unified = byName;
            found = true;
        }
    }
    if (found) return new UnifiedFixtureProvider(JSON.parse(await fs.readFile(unified, 'utf-8')) as UnifiedMockData);
    const legacy = new LegacyFixtureProvider(dirname, name);
    return process.env['MIGRATE_MOCKS'] ? new RecordingFixtureProvider(legacy, unified) : legacy;
}
