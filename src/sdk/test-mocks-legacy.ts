/**
 * The older `mocks/` folder beside `tests/`, one JSON file per recorded value:
 * `mocks/<name>/<Model>/batchSave.json`, `mocks/nango/getConnection.json`,
 * `mocks/nango/<method>/proxy/<endpoint>/<name>.json` or `.../<name>/<hash>.json`.
 */
import { promises as fs } from 'node:fs';
import { resolve } from 'node:path';
import type { FixtureProvider, LegacyMockFile } from './test-mocks-fixtures.js';
import type { ConfigIdentity } from './test-mocks-identity.js';

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
