/**
 * `NangoSyncMock` and `NangoActionMock`: stand-ins for the `nango` object that Nango projects'
 * vitest files hand to a function's `exec` (`new NangoSyncMock({ dirname: __dirname, name:
 * 'issues', Model: 'GithubIssue' })`), with the constructor options, fields and methods of the
 * `nango/test` mocks, reading the same recorded files. Every method a function calls is a vitest
 * spy, as there, so tests can assert on calls (`vi.spyOn(mock, 'batchSave')`). This module imports
 * vitest: it is only ever loaded inside a vitest run (`ferry/test` loads it when `VITEST` is set;
 * `ferry test --vitest` maps `nango/test` to it).
 */
import { vi, type Mock } from 'vitest';
import { getProviderDefaults } from '../providers/catalog.js';
import { ActionError } from './action-error.js';
import type { CheckpointValue } from './nango.js';
import type { FixtureProvider } from './test-mocks-fixtures.js';
import { LegacyFixtureProvider } from './test-mocks-legacy.js';
import { UnifiedFixtureProvider } from './test-mocks-unified.js';
import { legacyIdentity, unifiedIdentity, type MockProxyConfig } from './test-mocks-identity.js';
import { legacyPages, platformPages, validatePagination, type MockAnswer } from './test-mocks-paginate.js';
import { RecordingFixtureProvider, fixtureProviderFor } from './test-mocks-recording.js';

export { LegacyFixtureProvider, RecordingFixtureProvider, UnifiedFixtureProvider };
export type { FixtureProvider };

export interface NangoMockOptions {
    /** The folder of the test file (`__dirname`): `<integration>/tests`. */
    dirname: string;
    /** The function's name: `tests/<name>.test.json` or `mocks/<name>/` holds its recording. */
    name: string;
    /** The function's model (output model for an action); kept for the test's own use. */
    Model: string;
}

type ProxyMockFn = (args: MockProxyConfig) => Promise<MockAnswer>;
type PaginateMockFn = (args: MockProxyConfig) => AsyncGenerator<unknown, undefined, void>;
type LogMockFn = (message: unknown, ...args: unknown[]) => Promise<void>;
type ZodValidateInputMockFn = (args: { input: unknown }) => { data: unknown };

const BODY_METHODS = ['post', 'put', 'patch'];

export class NangoActionMock {
    dirname: string;
    name: string;
    Model: string;
    /** The integration: the name of the folder above `tests/`. */
    providerConfigKey: string;
    private readonly fixtureProvider: Promise<FixtureProvider>;
    log: Mock<LogMockFn>;
    ActionError: typeof ActionError = ActionError;
    getConnection: Mock<() => Promise<unknown>>;
    getMetadata: Mock<() => Promise<unknown>>;
    updateMetadata: Mock<() => Promise<unknown>>;
    paginate: Mock<PaginateMockFn>;
    get: Mock<ProxyMockFn>;
    post: Mock<ProxyMockFn>;
    patch: Mock<ProxyMockFn>;
    put: Mock<ProxyMockFn>;
    delete: Mock<ProxyMockFn>;
    proxy: Mock<ProxyMockFn>;
    getWebhookURL: Mock<() => string>;
    zodValidateInput: Mock<ZodValidateInputMockFn>;
    deleteRecordsFromPreviousExecutions: Mock<() => Promise<unknown>>;
    trackDeletesStart: Mock<() => Promise<unknown>>;
    trackDeletesEnd: Mock<() => Promise<unknown>>;

    constructor({ dirname, name, Model }: NangoMockOptions) {
        this.dirname = dirname;
        this.name = name;
        this.Model = Model;
        this.providerConfigKey = dirname.split(/[\\/]/).filter(Boolean).slice(-2, -1)[0] ?? '';
        // The stack is read now, while the test file that creates the mock is on it.
        this.fixtureProvider = fixtureProviderFor(dirname, name, new Error().stack);
        // A recording that cannot be read fails the first call that needs it, not the process.
        this.fixtureProvider.catch(() => undefined);
        this.log = vi.fn<LogMockFn>();
        this.getConnection = vi.fn(async () => (await this.fixtureProvider).getConnectionData());
        this.getMetadata = vi.fn(async () => (await this.fixtureProvider).getMetadataData());
        this.updateMetadata = vi.fn(async () => (await this.fixtureProvider).getUpdateMetadata());
        this.deleteRecordsFromPreviousExecutions = vi.fn(async () => (await this.fixtureProvider).getDeleteRecordsFromPreviousExecutions());
        this.trackDeletesStart = vi.fn(async () => (await this.fixtureProvider).getTrackDeletesStart());
        this.trackDeletesEnd = vi.fn(async () => (await this.fixtureProvider).getTrackDeletesEnd());
        this.paginate = vi.fn<PaginateMockFn>((args) => this.pages(args));
        this.get = vi.fn<ProxyMockFn>((args) => this.answer({ ...args, method: 'get' }));
        this.post = vi.fn<ProxyMockFn>((args) => this.answer({ ...args, method: 'post' }));
        this.patch = vi.fn<ProxyMockFn>((args) => this.answer({ ...args, method: 'patch' }));
        this.put = vi.fn<ProxyMockFn>((args) => this.answer({ ...args, method: 'put' }));
        this.delete = vi.fn<ProxyMockFn>((args) => this.answer({ ...args, method: 'delete' }));
        this.proxy = vi.fn<ProxyMockFn>((args) => this.answer(args));
        this.getWebhookURL = vi.fn(() => 'https://example.com/webhook');
        this.zodValidateInput = vi.fn<ZodValidateInputMockFn>(({ input }) => ({ data: input }));
    }

    /** The records the recording says the sync saved for this model. */
    async getBatchSaveData(modelName: string): Promise<any> {
        return (await this.fixtureProvider).getBatchSaveData(modelName);
    }

    /** The records the recording says the sync deleted for this model. */
    async getBatchDeleteData(modelName: string): Promise<any> {
        return (await this.fixtureProvider).getBatchDeleteData(modelName);
    }

    /** The action's recorded input. */
    async getInput(): Promise<any> {
        return (await this.fixtureProvider).getInput();
    }

    /** The action's recorded output. */
    async getOutput(): Promise<any> {
        return (await this.fixtureProvider).getOutput();
    }

    /** The recorded answer to this request (no pagination). */
    private async answer(args: MockProxyConfig): Promise<MockAnswer> {
        const provider = await this.fixtureProvider;
        const identity = provider.isUnifiedMocks() ? unifiedIdentity(args) : legacyIdentity(args);
        const cached = await provider.getCachedResponse(identity);
        return { data: cached.response, headers: cached.headers, status: cached.status };
    }

    private async *pages(args: MockProxyConfig): AsyncGenerator<unknown, undefined, void> {
        const defaults = await getProviderDefaults(this.providerConfigKey);
        if (!defaults) throw new Error(`Provider config not found for ${this.providerConfigKey}`);
        args.method = args.method || 'get';
        const pagination: Record<string, any> = { ...defaults.paginate, ...args.paginate };
        args.paginate = pagination;
        const inBody = BODY_METHODS.includes(args.method.toLowerCase());
        // The caller's own params (or body) object carries the page fields, as on the platform.
        const fields = (inBody ? args.data || {} : args.params || {}) as Record<string, unknown>;
        if (pagination['limit']) fields[pagination['limit_name_in_request']] = pagination['limit'];
        const provider = await this.fixtureProvider;
        if (!provider.isUnifiedMocks()) return yield* legacyPages(args, pagination, fields, inBody, (config) => this.answer(config));
        validatePagination(pagination);
        const send = async (config: MockProxyConfig): Promise<MockAnswer> => {
            const response = await this.answer(config);
            return { data: response.data, status: response.status || 200, headers: response.headers || {} };
        };
        return yield* platformPages(args, pagination, fields, inBody, send);
    }
}

export class NangoSyncMock extends NangoActionMock {
    lastSyncDate: null = null;
    private checkpoint: CheckpointValue | null = null;
    batchSave: Mock<(...args: unknown[]) => Promise<unknown>>;
    batchDelete: Mock<(...args: unknown[]) => Promise<unknown>>;
    getCheckpoint: Mock<() => Promise<CheckpointValue | null>>;
    saveCheckpoint: Mock<(checkpoint: CheckpointValue) => Promise<void>>;
    clearCheckpoint: Mock<() => Promise<void>>;
    listRecords: Mock<() => AsyncGenerator<never, void, unknown>>;

    constructor(options: NangoMockOptions) {
        super(options);
        this.batchSave = vi.fn<(...args: unknown[]) => Promise<unknown>>();
        this.batchDelete = vi.fn<(...args: unknown[]) => Promise<unknown>>();
        this.getCheckpoint = vi.fn(async () => this.checkpoint);
        this.saveCheckpoint = vi.fn(async (checkpoint: CheckpointValue) => {
            this.checkpoint = checkpoint;
        });
        this.clearCheckpoint = vi.fn(async () => {
            this.checkpoint = null;
        });
        this.listRecords = vi.fn(async function* () {});
    }
}
