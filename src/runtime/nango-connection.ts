/**
 * The `nango` members about the run's connection: the connection and integration, the token,
 * metadata (and the deprecated field mappings kept in it), the checkpoint, environment variables,
 * the variant and the sync's flow attributes. Metadata writes are reported, not sent, and later
 * reads in the same run see them.
 */
import { isVoid } from '../compiler/zod-introspect.js';
import type { NangoContext } from './nango-context.js';
import { toRealm } from './nango-context.js';
import { checkValue, describeIssue, partialOf, passHint } from './validation.js';

/** What a metadata write answers in a dry run: the platform's success, nothing sent. */
function written(ctx: NangoContext): unknown {
    return toRealm(ctx.realm, { status: 200, statusText: 'OK', headers: {}, data: {} });
}

function metadataMembers(ctx: NangoContext): Record<string, unknown> {
    const { definition, state } = ctx;
    // What the connection (or --metadata) gives is checked once, when the function first reads
    // it: a sync written for { owner, repo } run on a connection without metadata otherwise only
    // fails inside the function, on `null`, with nothing saying what was missing. Metadata the
    // function wrote itself was checked as it was written.
    let metadataChecked = false;
    const validateWritten = (value: unknown, partial: boolean): void => {
        metadataChecked = true;
        const schema = partial ? partialOf(definition.metadata) : definition.metadata;
        for (const issue of checkValue(schema, value, { subject: 'metadata' })) ctx.report(issue);
    };
    const checkStartingMetadata = (): void => {
        // A z.void() metadata schema declares none: null is what it means, not a problem.
        if (metadataChecked || isVoid(definition.metadata)) return;
        metadataChecked = true;
        const value: unknown = JSON.parse(state.metadataJson);
        const issues = checkValue(definition.metadata, value, { subject: 'metadata' });
        if (issues.length === 0) return;
        const hint = `${value === null || value === undefined ? 'the connection has no metadata; ' : ''}${passHint('metadata', definition.metadata)}`;
        issues[0] = { ...issues[0]!, hint };
        for (const issue of issues) ctx.report(issue);
        if (ctx.job.validate) throw ctx.validationFailure(`${describeIssue(issues[0]!)} (--validate makes this fatal)`);
    };
    const getMetadata = async (): Promise<unknown> => {
        state.firstMetadataJson ??= state.metadataJson;
        checkStartingMetadata();
        return ctx.realm.JSON.parse(state.metadataJson);
    };
    const setMetadata = async (metadata: unknown, kind: 'setMetadata' | 'setFieldMapping' = 'setMetadata'): Promise<unknown> => {
        validateWritten(metadata, false);
        const json = JSON.stringify(metadata ?? null);
        ctx.write(kind, JSON.parse(json));
        state.metadataJson = json;
        await ctx.call({ op: 'metadata', merge: false, json });
        return written(ctx);
    };
    const deprecated = (message: string): void => ctx.host.post({ t: 'log', entry: { level: 'warn', message, time: new Date().toISOString() } });
    return {
        getMetadata,
        setMetadata: (metadata: unknown) => setMetadata(metadata),
        async updateMetadata(metadata: unknown) {
            validateWritten(metadata, true);
            const json = JSON.stringify(metadata ?? null);
            ctx.write('updateMetadata', JSON.parse(json));
            const current = JSON.parse(state.metadataJson) as Record<string, unknown> | null;
            state.metadataJson = JSON.stringify({ ...current, ...(JSON.parse(json) as Record<string, unknown> | null) });
            await ctx.call({ op: 'metadata', merge: true, json });
            return written(ctx);
        },
        // Nango keeps field mappings in the metadata: setting one replaces the whole metadata, and
        // reading reads its `fieldMapping` key.
        async setFieldMapping(fieldMapping: unknown) {
            deprecated('setFieldMapping is deprecated. Please use setMetadata instead.');
            return setMetadata(fieldMapping, 'setFieldMapping');
        },
        async getFieldMapping() {
            deprecated('getFieldMapping is deprecated. Please use getMetadata instead.');
            const metadata = (await getMetadata()) as Record<string, unknown> | null;
            return metadata?.['fieldMapping'] || toRealm(ctx.realm, {});
        }
    };
}

export function connectionMembers(ctx: NangoContext): Record<string, unknown> {
    const { connection, job, state, realm, providerConfigKey } = ctx;
    return {
        async getConnection(providerConfigKeyOverride?: string, connectionIdOverride?: string) {
            if ((providerConfigKeyOverride && providerConfigKeyOverride !== providerConfigKey) || (connectionIdOverride && connectionIdOverride !== connection.connection_id)) {
                throw ctx.fail(`nango.getConnection: only this run's connection (${providerConfigKey} / ${connection.connection_id}) is available here`);
            }
            // The metadata as this run sees it: given with --metadata or by the fixture, or written by the function.
            return toRealm(realm, { ...connection, metadata: JSON.parse(state.metadataJson) });
        },
        async getToken() {
            return toRealm(realm, await ctx.backend('getToken', []));
        },
        async getIntegration() {
            return toRealm(realm, job.integrationJson ? JSON.parse(job.integrationJson) : { unique_key: providerConfigKey, provider: connection.provider });
        },
        async getWebhookURL() {
            const integration = job.integrationJson ? (JSON.parse(job.integrationJson) as Record<string, unknown>) : {};
            return (integration['webhook_url'] as string | undefined) ?? null;
        },
        ...metadataMembers(ctx),

        async getCheckpoint() {
            return realm.JSON.parse(state.checkpointJson);
        },
        async saveCheckpoint(checkpoint: unknown) {
            if (!checkpoint || typeof checkpoint !== 'object' || Array.isArray(checkpoint)) throw ctx.fail('nango.saveCheckpoint(checkpoint): the checkpoint must be an object');
            for (const issue of checkValue(ctx.definition.checkpoint, checkpoint, { subject: 'checkpoint' })) ctx.report(issue);
            state.checkpointJson = JSON.stringify(checkpoint);
            await ctx.call({ op: 'checkpoint', json: state.checkpointJson });
        },
        async clearCheckpoint() {
            state.checkpointJson = 'null';
            await ctx.call({ op: 'checkpoint', json: state.checkpointJson });
        },

        async getEnvironmentVariables() {
            return toRealm(realm, await ctx.backend('getEnvironmentVariables', []));
        },
        getVariant: () => job.variant,
        // A sync run is a sync job, with the attributes of its config (none in a dry run); other runs have none.
        getFlowAttributes() {
            if (job.ref.type !== 'sync') throw ctx.fail('There is no current sync to get attributes from');
            return toRealm(realm, {});
        }
    };
}
