/**
 * The unified `tests/<name>.test.json` file, holding a test's input, output, `nango` calls and
 * every recorded API answer.
 */
import type { ApiMockResponse, FixtureProvider, UnifiedMockData } from './test-mocks-fixtures.js';
import { dataIdentity, type ConfigIdentity } from './test-mocks-identity.js';

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
