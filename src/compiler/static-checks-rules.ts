/**
 * The source rules `nango compile` enforces, read from one file's syntax tree (ESTree, as
 * oxc-parser gives it). Same conditions as Nango's, no stricter and no looser: a call counts when
 * it is written `nango.<name>(...)`; "awaited" means an `await`, a `.then`/`.catch` or a `return`
 * anywhere above it; the order rules only look at calls inside an `exec: ...` property of the
 * function's own file, compared by line.
 */

/** A syntax node as oxc-parser gives it; only what the rules read is typed. */
export interface Node {
    type: string;
    start: number;
    end: number;
    [key: string]: unknown;
}

interface SourceIssue {
    /** Offset in the source, turned into line and column by the caller. */
    at: number;
    code: string;
    message: string;
}

/** What one file says, once for every function whose bundle includes it. */
export interface FileAnalysis {
    /** Rules for every TypeScript file a function is built from. */
    shared: SourceIssue[];
    /** Rules for a function's own file only. */
    entry: SourceIssue[];
    /** Calls nango.getCheckpoint, saveCheckpoint or clearCheckpoint. */
    checkpoints: boolean;
}

/** The nango calls whose promise must be awaited, returned or chained. */
const MUST_AWAIT: readonly string[] = [
    'batchDelete', 'batchSave', 'batchSend', 'delete', 'deleteRecordsFromPreviousExecutions', 'get', 'getConnection',
    'getEnvironmentVariables', 'getFieldMapping', 'getMetadata', 'log', 'patch', 'post', 'proxy', 'put', 'setFieldMapping',
    'setMergingStrategy', 'setMetadata', 'trackDeletesEnd', 'trackDeletesStart', 'triggerAction'
];
/** What a function file may export by name, besides its default export. */
const ALLOWED_EXPORTS: readonly string[] = ['createAction', 'createSync', 'createOnEvent', 'createFunction'];
const PROXY_CALLS = ['proxy', 'get', 'post', 'put', 'patch', 'delete'];
const BATCH_CALLS = ['batchSave', 'batchDelete', 'batchUpdate'];
const CHECKPOINT_CALLS = ['getCheckpoint', 'saveCheckpoint', 'clearCheckpoint'];
const DEFAULT_EXPORT_HINT = 'end the file with `export default createSync({ ... })` (or createAction / createOnEvent), or assign that call to a const and export the const';

const isNode = (value: unknown): value is Node => typeof value === 'object' && value !== null && typeof (value as Node).type === 'string';
const identifierName = (node: unknown): string | undefined => (isNode(node) && node.type === 'Identifier' ? (node['name'] as string) : undefined);

/** `nango.<name>(...)`, not optional (`nango?.get()` is another node kind to Nango, and not checked). */
function nangoCallName(node: Node): string | undefined {
    if (node.type !== 'CallExpression' || node['optional']) return undefined;
    const callee = node['callee'];
    if (!isNode(callee) || callee.type !== 'MemberExpression' || callee['optional']) return undefined;
    if (identifierName(callee['object']) !== 'nango') return undefined;
    return identifierName(callee['property']);
}

/** A plain `key: value` (or shorthand) property with an identifier key, as Nango's rules read object literals. */
function plainPropertyKey(node: unknown): string | undefined {
    if (!isNode(node) || node.type !== 'Property' || node['method'] || node['kind'] !== 'init') return undefined;
    return identifierName(node['key']);
}

interface ExecCalls {
    proxy: number[];
    batch: number[];
    mergingStrategy: number[];
    deletePrevious: number[];
    trackDeletes: Map<string, { start: { line: number; at: number }[]; end: { line: number; at: number }[] }>;
}

export function analyzeProgram(program: Node, lineOf: (offset: number) => number): FileAnalysis {
    const result: FileAnalysis = { shared: [], entry: [], checkpoints: false };
    const exec: ExecCalls = { proxy: [], batch: [], mergingStrategy: [], deletePrevious: [], trackDeletes: new Map() };
    const firstAt = new Map<number, number>();
    const ancestors: Node[] = [];

    const onCall = (node: Node, name: string): void => {
        const awaited = ancestors.some(
            (a) =>
                a.type === 'AwaitExpression' ||
                a.type === 'ReturnStatement' ||
                (a.type === 'MemberExpression' && !a['optional'] && ['then', 'catch'].includes(identifierName(a['property']) ?? ''))
        );
        if (!awaited && MUST_AWAIT.includes(name)) {
            result.shared.push({
                at: node.start,
                code: 'NANGO_CALL_NOT_AWAITED',
                message: `nango.${name}() is not awaited: write \`await nango.${name}(...)\` (or return or .then() it), or the run can end before it is done`
            });
        }
        const [first] = node['arguments'] as unknown[];
        if (isNode(first) && first.type === 'ObjectExpression') {
            const keys = (first['properties'] as unknown[]).map(plainPropertyKey);
            if (keys.includes('retryOn') && !keys.includes('retries')) {
                result.shared.push({
                    at: node.start,
                    code: 'RETRY_ON_WITHOUT_RETRIES',
                    message: `nango.${name}() sets retryOn without retries: add \`retries: <number>\` to the same config, retryOn alone retries nothing`
                });
            }
        }
        if (CHECKPOINT_CALLS.includes(name)) result.checkpoints = true;
        if (!ancestors.some((a) => plainPropertyKey(a) === 'exec')) return;
        const line = lineOf(node.start);
        if (!firstAt.has(line)) firstAt.set(line, node.start);
        if (PROXY_CALLS.includes(name)) exec.proxy.push(line);
        if (BATCH_CALLS.includes(name)) exec.batch.push(line);
        if (name === 'setMergingStrategy') exec.mergingStrategy.push(line);
        if (name === 'deleteRecordsFromPreviousExecutions') exec.deletePrevious.push(line);
        if (name === 'trackDeletesStart' || name === 'trackDeletesEnd') {
            const model = isNode(first) && first.type === 'Literal' && typeof first['value'] === 'string' ? first['value'] : undefined;
            if (model === undefined) return;
            const calls = exec.trackDeletes.get(model) ?? { start: [], end: [] };
            exec.trackDeletes.set(model, calls);
            (name === 'trackDeletesStart' ? calls.start : calls.end).push({ line, at: node.start });
        }
    };

    const visit = (node: Node): void => {
        const name = nangoCallName(node);
        if (name !== undefined) onCall(node, name);
        ancestors.push(node);
        for (const key in node) {
            const value = node[key];
            if (Array.isArray(value)) {
                for (const item of value) if (isNode(item)) visit(item);
            } else if (isNode(value)) visit(value);
        }
        ancestors.pop();
    };
    visit(program);

    checkExports(program, result.entry);
    checkExecOrder(exec, (line) => firstAt.get(line) ?? 0, result.entry);
    return result;
}

function checkExports(program: Node, issues: SourceIssue[]): void {
    const body = program['body'] as Node[];
    for (const statement of body) {
        if (statement.type === 'ExportNamedDeclaration' && !statement['source']) {
            const names: string[] = [];
            for (const specifier of (statement['specifiers'] as Node[]) ?? []) {
                const exported = identifierName(specifier['exported']);
                if (exported !== undefined) names.push(exported);
            }
            const declaration = statement['declaration'];
            if (isNode(declaration) && declaration.type === 'FunctionDeclaration' && identifierName(declaration['id'])) names.push(identifierName(declaration['id'])!);
            if (isNode(declaration) && declaration.type === 'VariableDeclaration') {
                for (const declarator of declaration['declarations'] as Node[]) {
                    const id = identifierName(declarator['id']);
                    if (id !== undefined) names.push(id);
                }
            }
            for (const name of names.filter((n) => !ALLOWED_EXPORTS.includes(n))) {
                issues.push({
                    at: statement.start,
                    code: 'NAMED_EXPORT_NOT_ALLOWED',
                    message: `a function file exports only its default export, not '${name}': move '${name}' to a helper file and import it from there, or drop the export`
                });
            }
        }
        if (statement.type === 'ExportDefaultDeclaration') checkDefaultExport(body, statement, issues);
    }
}

function checkDefaultExport(body: Node[], statement: Node, issues: SourceIssue[]): void {
    const declaration = statement['declaration'] as Node;
    const creatorCall = (node: unknown): node is Node =>
        isNode(node) && node.type === 'CallExpression' && ALLOWED_EXPORTS.includes(identifierName(node['callee']) ?? '');
    const checkArgument = (call: Node): void => {
        const [argument] = call['arguments'] as unknown[];
        if (!isNode(argument) || argument.type !== 'ObjectExpression') {
            issues.push({
                at: statement.start,
                code: 'INVALID_FUNCTION_PARAM',
                message: `${identifierName(call['callee'])}() takes an object literal here: write ${identifierName(call['callee'])}({ description, exec, ... }) with the properties inline`
            });
        }
    };
    if (creatorCall(declaration)) return checkArgument(declaration);
    const local = identifierName(declaration);
    if (local !== undefined) {
        const init = topLevelConstInit(body, local);
        if (creatorCall(init)) return checkArgument(init);
    }
    issues.push({ at: statement.start, code: 'INVALID_DEFAULT_EXPORT', message: `the default export is not a createSync(), createAction() or createOnEvent() call: ${DEFAULT_EXPORT_HINT}` });
}

/** The initializer of a top-level variable `name` (exported or not); undefined for anything else. */
function topLevelConstInit(body: Node[], name: string): unknown {
    for (const statement of body) {
        const declaration = statement.type === 'ExportNamedDeclaration' ? statement['declaration'] : statement;
        if (!isNode(declaration) || declaration.type !== 'VariableDeclaration') continue;
        for (const declarator of declaration['declarations'] as Node[]) {
            if (identifierName(declarator['id']) === name) return declarator['init'] ?? undefined;
        }
    }
    return undefined;
}

function checkExecOrder(exec: ExecCalls, atLine: (line: number) => number, issues: SourceIssue[]): void {
    const min = (lines: number[]): number => Math.min(...lines);
    const max = (lines: number[]): number => Math.max(...lines);
    const push = (line: number, code: string, message: string): void => void issues.push({ at: atLine(line), code, message });

    if (exec.mergingStrategy.length > 0) {
        if (exec.batch.length > 0 && exec.mergingStrategy.some((line) => line > min(exec.batch))) {
            push(min(exec.mergingStrategy), 'MERGING_STRATEGY_ORDER', 'nango.setMergingStrategy() comes after a batchSave/batchUpdate/batchDelete: call it first in exec, before any record is saved');
        }
        if (exec.proxy.length > 0 && exec.mergingStrategy.some((line) => line > min(exec.proxy))) {
            push(min(exec.mergingStrategy), 'MERGING_STRATEGY_ORDER', 'nango.setMergingStrategy() comes after a proxy call: call it first in exec, before any request');
        }
    }
    if (exec.deletePrevious.length > 1) {
        push(max(exec.deletePrevious), 'DELETE_RECORDS_TWICE', 'nango.deleteRecordsFromPreviousExecutions() is called more than once: call it once, at the end of exec');
    }
    if (exec.deletePrevious.length > 0 && exec.batch.some((line) => line > min(exec.deletePrevious))) {
        push(min(exec.deletePrevious), 'DELETE_RECORDS_ORDER', 'nango.deleteRecordsFromPreviousExecutions() comes before a batchSave/batchUpdate/batchDelete: call it after the last one');
    }
    for (const [model, calls] of exec.trackDeletes) {
        const starts = calls.start.map((c) => c.line);
        const ends = calls.end.map((c) => c.line);
        const call = (kind: 'Start' | 'End'): string => `nango.trackDeletes${kind}('${model}')`;
        if (starts.length > 1) push(max(starts), 'TRACK_DELETES_TWICE', `${call('Start')} is called more than once: call it once per run, before the first batchSave`);
        if (ends.length > 1) push(max(ends), 'TRACK_DELETES_TWICE', `${call('End')} is called more than once: call it once per run, after the last batchSave`);
        if (ends.length > 0 && starts.length === 0) push(min(ends), 'TRACK_DELETES_UNPAIRED', `${call('End')} has no ${call('Start')}: call trackDeletesStart before the first batchSave of '${model}'`);
        if (starts.length > 0 && ends.length === 0) push(min(starts), 'TRACK_DELETES_UNPAIRED', `${call('Start')} has no ${call('End')}: call trackDeletesEnd after the last batchSave of '${model}'`);
        if (starts.length > 0 && ends.length > 0 && starts.some((line) => line > min(ends))) {
            push(min(starts), 'TRACK_DELETES_ORDER', `${call('Start')} comes after ${call('End')}: start before saving the records, end after`);
        }
        if (starts.length > 0 && exec.batch.some((line) => line < min(starts))) {
            push(min(starts), 'TRACK_DELETES_ORDER', `${call('Start')} comes after a batchSave/batchUpdate/batchDelete: call it before any record is saved`);
        }
        if (ends.length > 0 && exec.batch.some((line) => line > min(ends))) {
            push(min(ends), 'TRACK_DELETES_ORDER', `${call('End')} comes before a batchSave/batchUpdate/batchDelete: call it after the last one`);
        }
    }
}
