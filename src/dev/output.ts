/**
 * Writing a dev rebuild: the rebuilt bundles, then `.nango/nango.json` (compile's buildManifest,
 * serialized as compile's serializeManifest does), each written atomically, then removing the
 * bundles of functions that left index.ts. The manifest last written is kept in memory, so an
 * edit that does not change it costs no read of a file that is megabytes in a large project.
 */
import { rm } from 'node:fs/promises';
import { bundlePathOf, type ProjectPaths } from '../compiler/compile.js';
import { buildManifest, serializeManifest } from '../compiler/manifest.js';
import type { FunctionSummary, Manifest } from '../compiler/types.js';
import type { FunctionRef } from '../project/types.js';
import { writeFileAtomic, writeFilesAtomic, type FileWrite } from '../util/fs.js';

export interface DevWrite {
    bundles: { ref: FunctionRef; code: string }[];
    /** Every current function's summary. */
    summaries: FunctionSummary[];
    /** Functions that left index.ts: their bundles are deleted. */
    removed: FunctionRef[];
}

/**
 * `serializeManifest(manifest)`, byte for byte, re-serializing only the integrations whose entries
 * changed. A large project's manifest is megabytes; a save changes one function's entry. An
 * integration's text is reused while it holds the very same entry objects (a rebuilt function has
 * a new summary object) and the same on-event scripts.
 */
export class ManifestText {
    private readonly pieces = new Map<string, { entries: readonly object[]; onEvents: string; text: string }>();

    /** The last text rendered, returned as is when no piece changed (no 3 MB join and compare). */
    private last: { keys: string; text: string } | undefined;

    render(manifest: Manifest): string {
        if (manifest.length === 0) return serializeManifest(manifest);
        const seen = new Set<string>();
        let changed = false;
        const parts = manifest.map((integration) => {
            const key = integration.providerConfigKey;
            seen.add(key);
            const entries = [...integration.syncs, ...integration.actions];
            const onEvents = JSON.stringify(integration.onEventScripts);
            const known = this.pieces.get(key);
            if (known && known.onEvents === onEvents && known.entries.length === entries.length && known.entries.every((e, i) => e === entries[i])) {
                return known.text;
            }
            // An element of the top-level array: its own serialization, one level in.
            const text = JSON.stringify(integration, null, 2).replace(/^/gm, '  ');
            this.pieces.set(key, { entries, onEvents, text });
            changed = true;
            return text;
        });
        for (const key of this.pieces.keys()) if (!seen.has(key)) this.pieces.delete(key);
        const keys = [...seen].join('\0');
        if (!changed && this.last?.keys === keys) return this.last.text;
        this.last = { keys, text: `[\n${parts.join(',\n')}\n]\n` };
        return this.last.text;
    }
}

export class DevOutput {
    private readonly text = new ManifestText();
    private lastManifest: string | undefined;

    constructor(
        private readonly paths: ProjectPaths,
        private readonly debug?: (message: string) => void
    ) {}

    /** Remembers the manifest compile just wrote. */
    prime(summaries: FunctionSummary[]): void {
        this.lastManifest = this.text.render(buildManifest(summaries));
    }

    /**
     * Bundles first (what a developer waits for), then the manifest. Each step is atomic; in
     * between, the manifest can describe the previous version of a rebuilt function for a moment.
     */
    async write(write: DevWrite): Promise<void> {
        const started = performance.now();
        const bundles: FileWrite[] = write.bundles.map(({ ref, code }) => ({ path: bundlePathOf(this.paths, ref), content: code }));
        await writeFilesAtomic(bundles);
        const bundled = performance.now();
        const manifestText = this.text.render(buildManifest(write.summaries));
        const serialized = performance.now();
        if (manifestText !== this.lastManifest) {
            await writeFileAtomic(this.paths.manifestPath, manifestText);
            this.lastManifest = manifestText;
        }
        await Promise.all(write.removed.map((ref) => rm(bundlePathOf(this.paths, ref), { force: true })));
        const ms = (from: number, to: number): string => `${(to - from).toFixed(1)} ms`;
        this.debug?.(`${bundles.length} bundles written in ${ms(started, bundled)}, manifest serialized in ${ms(bundled, serialized)}, written in ${ms(serialized, performance.now())}`);
    }
}
