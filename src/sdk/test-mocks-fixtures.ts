/**
 * What Nango's test mocks read recorded data through, whichever of the two layouts the `nango`
 * package reads holds it: the unified `tests/<name>.test.json` file (test-mocks-unified.ts), or
 * the older `mocks/` folder beside `tests/` (test-mocks-legacy.ts). What is missing, and whether
 * that is an error, follows the `nango` package, so a suite fails where it fails there.
 */
import type { ConfigIdentity } from './test-mocks-identity.js';

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
