/**
 * Checks across functions, as Nango makes them: within one integration a model name is declared
 * by one sync only (its metadata model included), and an endpoint (method and path) is used once.
 * A sync and an action may share a name (their bundles and manifest lists differ by type). They
 * work on refs and summaries, so cached functions are checked along with rebuilt ones.
 */
import type { FunctionRef } from '../project/types.js';
import type { CompileDiagnostic, FunctionSummary } from './types.js';

const TYPE_WORD = { sync: 'sync', action: 'action', onEvent: 'on-event' } as const;

interface ProjectItem {
    ref: FunctionRef;
    summary?: FunctionSummary | undefined;
}

const at = (ref: FunctionRef, code: string, message: string): CompileDiagnostic => ({ file: ref.file, code, message, function: `${ref.integration}/${ref.name}` });

/** The errors: what `nango compile` refuses. */
export function validateProject(items: readonly ProjectItem[]): CompileDiagnostic[] {
    const diagnostics: CompileDiagnostic[] = [];
    const names = new Map<string, FunctionRef>();
    const models = new Map<string, FunctionRef>();
    const endpoints = new Map<string, FunctionRef>();
    for (const { ref, summary } of items) {
        const label = `${TYPE_WORD[ref.type]} '${ref.name}'`;
        const nameKey = `${ref.integration}\0${ref.type}\0${ref.name}`;
        const first = names.get(nameKey);
        if (first) {
            diagnostics.push(
                at(ref, 'DUPLICATE_NAME', `${ref.relPath} and ${first.relPath} both define ${TYPE_WORD[ref.type]} '${ref.name}' in integration '${ref.integration}': rename one of the files`)
            );
        } else names.set(nameKey, ref);
        if (!summary) continue;

        const entry = summary.entry;
        if (entry.type === 'sync') {
            for (const model of entry.usedModels) {
                const key = `${ref.integration}\0${model}`;
                const seen = models.get(key);
                if (!seen) models.set(key, ref);
                else {
                    const where = seen === ref ? 'twice' : `also in ${seen.relPath}`;
                    diagnostics.push(
                        at(ref, 'DUPLICATE_MODEL', `${label} declares model '${model}' ${where}: a model belongs to one sync per integration, rename it here (e.g. '${model}${ref.name.replace(/[^a-zA-Z0-9]/g, '')}') or save it from one sync only`)
                    );
                }
            }
        }
        const declared = entry.type === 'sync' ? entry.endpoints : entry.type === 'action' && entry.endpoint ? [entry.endpoint] : [];
        for (const endpoint of declared) {
            const key = `${ref.integration}\0${endpoint.method} ${endpoint.path}`;
            const seen = endpoints.get(key);
            if (seen) {
                const where = seen === ref ? 'twice' : `, which ${seen.relPath} already uses in integration '${ref.integration}'`;
                diagnostics.push(at(ref, 'DUPLICATE_ENDPOINT', `${label} uses endpoint ${endpoint.method} ${endpoint.path}${seen === ref ? ' ' : ''}${where}: endpoints are unique per integration, change the path`));
            } else endpoints.set(key, ref);
        }
    }
    return diagnostics;
}

/**
 * The warnings: what Nango accepts but is worth knowing. A sync and an action of one name deploy
 * fine, yet the platform keeps one version history and one stored source per name and integration.
 */
export function projectWarnings(items: readonly ProjectItem[]): CompileDiagnostic[] {
    const warnings: CompileDiagnostic[] = [];
    const byName = new Map<string, FunctionRef>();
    for (const { ref } of items) {
        if (ref.type === 'onEvent') continue;
        const key = `${ref.integration}\0${ref.name}`;
        const other = byName.get(key);
        if (!other) byName.set(key, ref);
        else if (other.type !== ref.type) {
            warnings.push({
                ...at(ref, 'SHARED_NAME', `${TYPE_WORD[ref.type]} '${ref.name}' has the name of ${other.relPath}: both compile and deploy, but the platform numbers their versions as one; rename one to tell them apart`),
                severity: 'warning'
            });
        }
    }
    return warnings;
}

/** Drops repeats: a problem in a helper is found once for each function built from it. */
export function uniqueDiagnostics(diagnostics: readonly CompileDiagnostic[]): CompileDiagnostic[] {
    const seen = new Set<string>();
    return diagnostics.filter((d) => {
        const key = `${d.file}:${d.line}:${d.column}:${d.code}:${d.message}`;
        if (seen.has(key)) return false;
        seen.add(key);
        return true;
    });
}
