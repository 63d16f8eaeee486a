/**
 * Where Nango's test mocks read recorded data from, in the two layouts the `nango` package reads:
 * the unified `tests/<name>.test.json` file, and the older `mocks/` folder beside `tests/`
 * (`mocks/<name>/<Model>/batchSave.json`, `mocks/nango/getConnection.json`,
 * `mocks/nango/<method>/proxy/<endpoint>/<name>.json` or `.../<name>/<hash>.json`). What is
 * missing, and whether that is an error, follows the `nango` package, so a suite fails where it
 * fails there.
 */
import { promises as fs } from 'node:fs';
import { resolve } from 'node:path';
import { dataIdentity, type ConfigIdentity } from './test-mocks-identity.js';

export interface FixtureProvider {
    getBatchSaveData(modelName: string): Promise<any>;
    getBatchDeleteData(modelName: string): Promise<any>;
    getInput(): Promise<any>;
    getOutput(): Promise<any>;
    getConnectionData(): Promise<any>;
    getMetadataData(): Promise<any>;
    getCachedResponse(identity: ConfigIdentity): Promise<any>;
    getUpdateMetadata(): Promise<any>;
    getDeleteRecordsFromPreviousExecutions(): Promise<any>;
    getTrackDeletesStart(): Promise<any>;
    getTrackDeletesEnd(): Promise<any>;
    isUnifiedMocks(): boolean;
}

export interface LegacyMockFile {
    method: string;
    endpoint: string;
    requestIdentityHash: string;
    requestIdentity: { method: string; endpoint: string; params: [string, string][]; headers: [string, string][]; data?: unknown };
    response: unknown;
    status?: number;
    headers?: Record<string, string>;
}

export interface ApiMockResponse {
    response: any;
    headers?: Record<string, string>;
    status?: number;
    hash?: string;
    request?: { params: Record<string, unknown> | undefined; headers: Record<string, unknown> | undefined; data?: unknown };
}

export interface UnifiedMockData {
    input?: any;
    output?: any;
    nango?: {
        batchSave?: Record<string, any>;
        batchDelete?: Record<string, any>;
        getConnection?: any;
        getMetadata?: any;
        updateMetadata?: any;
        deleteRecordsFromPreviousExecutions?: any;
        trackDeletesStart?: any;
        trackDeletesEnd?: any;
    };
    api?: Record<string, Record<string, ApiMockResponse | ApiMockResponse[]>>;
    /** Set on files converted from a `mocks/` folder. */
    _migrated?: boolean;
}

/** Same key and value (as strings) in any order. */
function samePairs(stored: [string, unknown][], incoming: [string, unknown][]): boolean {
    if (stored.length !== incoming.length) return false;
    const a = [...stored].sort((x, y) => x[0].localeCompare(y[0]));
    const b = [...incoming].sort((x, y) => x[0].localeCompare(y[0]));
    return a.every(([key, value], i) => b[i] !== undefined && b[i]![0] === key && String(b[i]![1]) === String(value));
}

/** The `mocks/` folder layout, one JSON file per recorded value. */
export class LegacyFixtureProvider implements FixtureProvider {
    private readonly listings = new Map<string, string[]>();
    private readonly parsed = new Map<string, LegacyMockFile | null>();

    constructor(
        private readonly dirname: string,
        private readonly name: string
    ) {}

    private mocksPath(relPath: string): string {
        return resolve(this.dirname, `../mocks/${relPath}`);
    }

    private async readMock(fileName: string, required: boolean, identity?: ConfigIdentity): Promise<any> {
        const path = this.mocksPath(`${fileName}.json`);
        try {
            return JSON.parse(await fs.readFile(path, 'utf-8'));
        } catch (error) {
            if (!required) return undefined;
            throw new Error(`Failed to load mock data from ${path}: ${(error as Error).message} ${identity ? JSON.stringify(identity, null, 2) : ''}`);
        }
    }

    private async exists(relPath: string): Promise<boolean> {
        return fs.stat(this.mocksPath(relPath)).then(
            () => true,
            () => false
        );
    }

    private async jsonFiles(dir: string): Promise<string[]> {
        let files = this.listings.get(dir);
        if (!files) {
            files = await fs.readdir(this.mocksPath(dir)).then(
                (entries) => entries.filter((entry) => entry.endsWith('.json')),
                () => []
            );
            this.listings.set(dir, files);
        }
        return files;
    }

    private async mockFile(dir: string, file: string): Promise<LegacyMockFile | null> {
        const key = `${dir}/${file}`;
        if (!this.parsed.has(key)) {
            const content = await fs.readFile(this.mocksPath(key), 'utf-8').then(
                (text) => JSON.parse(text) as LegacyMockFile,
                () => null
            );
            this.parsed.set(key, content);
        }
        return this.parsed.get(key)!;
    }

    /** A file whose name is not the hash (older recorders hashed paginated calls differently): matched on what was asked. */
    private async byRequest(dir: string, identity: ConfigIdentity): Promise<LegacyMockFile | null> {
        const asked = identity.requestIdentity;
        for (const file of await this.jsonFiles(dir)) {
            const mock = await this.mockFile(dir, file);
            if (!mock?.requestIdentity || !samePairs(mock.requestIdentity.params, asked.params)) continue;
            if ((mock.requestIdentity.headers.length > 0 || asked.headers.length > 0) && !samePairs(mock.requestIdentity.headers, asked.headers)) continue;
            if ((mock.requestIdentity.data !== undefined || asked.data !== undefined) && String(mock.requestIdentity.data) !== String(asked.data)) continue;
            return mock;
        }
        return null;
    }

    async getCachedResponse(identity: ConfigIdentity): Promise<any> {
        const dir = `nango/${identity.method}/proxy/${identity.endpoint}/${this.name}/`;
        if (!(await this.exists(dir))) {
            return { response: await this.readMock(`nango/${identity.method}/proxy/${identity.endpoint}/${this.name}`, true, identity) };
        }
        const exact = await this.readMock(`${dir}/${identity.requestIdentityHash}`, false, identity);
        if (exact) return exact;
        const matched = await this.byRequest(dir, identity);
        if (matched) return matched;
        throw new Error(
            `Failed to load mock data for ${identity.method.toUpperCase()} ${identity.endpoint}\n` +
                `Hash ${identity.requestIdentityHash} not found in ${dir}\n` +
                `Request params: ${JSON.stringify(identity.requestIdentity.params)}\n` +
                `This may be due to missing pagination mock files. Re-record with: ferry dryrun <sync> <connection> --save`
        );
    }

    getBatchSaveData(modelName: string): Promise<any> {
        return this.readMock(`${this.name}/${modelName}/batchSave`, true);
    }
    getBatchDeleteData(modelName: string): Promise<any> {
        return this.readMock(`${this.name}/${modelName}/batchDelete`, true);
    }
    getInput(): Promise<any> {
        return this.readMock(`${this.name}/input`, false);
    }
    getOutput(): Promise<any> {
        return this.readMock(`${this.name}/output`, true);
    }
    getConnectionData(): Promise<any> {
        return this.readMock('nango/getConnection', true);
    }
    getMetadataData(): Promise<any> {
        return this.readMock('nango/getMetadata', true);
    }
    getUpdateMetadata(): Promise<any> {
        return this.readMock('nango/updateMetadata', false);
    }
    getDeleteRecordsFromPreviousExecutions(): Promise<any> {
        return this.readMock('nango/deleteRecordsFromPreviousExecutions', false);
    }
    getTrackDeletesStart(): Promise<any> {
        return this.readMock('nango/trackDeletesStart', false);
    }
    getTrackDeletesEnd(): Promise<any> {
        return this.readMock('nango/trackDeletesEnd', false);
    }
    isUnifiedMocks(): boolean {
        return false;
    }

    /** Every recorded answer of one endpoint (what a conversion to the unified file keeps). */
    async getAllMocksForEndpoint(method: string, endpoint: string): Promise<LegacyMockFile[]> {
        const path = endpoint.startsWith('/') ? endpoint.slice(1) : endpoint;
        const lower = method.toLowerCase();
        const dir = `nango/${lower}/proxy/${path}/${this.name}/`;
        if (await this.exists(dir)) {
            const mocks = await Promise.all((await this.jsonFiles(dir)).map((file) => this.mockFile(dir, file)));
            return mocks.filter((mock): mock is LegacyMockFile => mock !== null);
        }
        const response = await this.readMock(`nango/${lower}/proxy/${path}/${this.name}`, false);
        if (response === undefined) return [];
        return [{ method: lower, endpoint: path, requestIdentityHash: '', requestIdentity: { method: lower, endpoint: path, params: [], headers: [] }, response }];
    }
}

/** Header pairs compared without case on the name; a client's default form content type does not count. */
function headerMap(entries: [string, unknown][]): Map<string, string> {
    const map = new Map<string, string>();
    for (const [rawKey, rawValue] of entries) {
        const key = String(rawKey).toLowerCase();
        const value = String(rawValue);
        if (key === 'content-type' && value.toLowerCase().startsWith('application/x-www-form-urlencoded')) continue;
        if (!map.has(key)) map.set(key, value);
    }
    return map;
}

function matchesRequest(mock: ApiMockResponse, identity: ConfigIdentity, only: boolean): boolean {
    if (mock.hash && mock.hash === identity.requestIdentityHash) return true;
    const asked = identity.requestIdentity;
    if (!mock.request) return only && asked.params.length === 0;
    const params = Object.entries(mock.request.params ?? {});
    if (params.length !== asked.params.length) return false;
    for (const [key, value] of params) {
        const found = asked.params.find(([k]) => k === key);
        if (!found || String(found[1]) !== String(value)) return false;
    }
    const recorded = headerMap(Object.entries(mock.request.headers || {}));
    const sent = headerMap(asked.headers);
    if (recorded.size !== sent.size) return false;
    for (const [key, value] of recorded) if (sent.get(key) !== value) return false;
    return mock.request.data === undefined || dataIdentity(mock.request.data) === asked.data;
}

/** One `tests/<name>.test.json` file holding everything. */
export class UnifiedFixtureProvider implements FixtureProvider {
    private readonly migrated: boolean;

    constructor(private readonly mockData: UnifiedMockData) {
        this.migrated = mockData._migrated === true;
    }

    private required(value: unknown, what: string): any {
        if (value === undefined) throw new Error(`Missing mock data for ${what}`);
        return value;
    }

    async getBatchSaveData(modelName: string): Promise<any> {
        return this.mockData.nango?.batchSave?.[modelName];
    }
    async getBatchDeleteData(modelName: string): Promise<any> {
        return this.mockData.nango?.batchDelete?.[modelName];
    }
    async getInput(): Promise<any> {
        return this.mockData.input;
    }
    async getOutput(): Promise<any> {
        return this.required(this.mockData.output, 'output');
    }
    async getConnectionData(): Promise<any> {
        return this.required(this.mockData.nango?.getConnection, 'getConnection');
    }
    async getMetadataData(): Promise<any> {
        return this.required(this.mockData.nango?.getMetadata, 'getMetadata');
    }
    async getUpdateMetadata(): Promise<any> {
        return this.mockData.nango?.updateMetadata;
    }
    async getDeleteRecordsFromPreviousExecutions(): Promise<any> {
        return this.mockData.nango?.deleteRecordsFromPreviousExecutions;
    }
    async getTrackDeletesStart(): Promise<any> {
        return this.mockData.nango?.trackDeletesStart;
    }
    async getTrackDeletesEnd(): Promise<any> {
        return this.mockData.nango?.trackDeletesEnd;
    }
    isUnifiedMocks(): boolean {
        return true;
    }

    async getCachedResponse(identity: ConfigIdentity): Promise<ApiMockResponse> {
        const { method, endpoint, requestIdentityHash } = identity;
        const path = endpoint.startsWith('/') ? endpoint.slice(1) : endpoint;
        const entry = this.mockData.api?.[method]?.[path] ?? this.mockData.api?.[method]?.[`/${path}`];
        if (entry) {
            const mocks = Array.isArray(entry) ? entry : [entry];
            const found = mocks.find((mock) => matchesRequest(mock, identity, mocks.length === 1));
            if (found) return found;
        }
        const missing = `No mock found for ${method.toUpperCase()} ${endpoint} (normalized: ${path}) with hash ${requestIdentityHash}`;
        const rerecord = 'ferry dryrun <sync-name> <connection-id> --save';
        if (this.migrated) {
            throw new Error(
                `${missing}\n\nThis mock file was converted from a mocks/ folder, which keeps only the answers its test asked for; ` +
                    `pages the old recorder missed are not in it.\n\nRecord the function again with:\n  ${rerecord}`
            );
        }
        throw new Error(`${missing}\n\nRecord the missing answer with:\n  ${rerecord}`);
    }
}
