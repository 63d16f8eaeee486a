/**
 * Writing a dev rebuild: the rebuilt bundles, then `.nango/nango.json` (compile's buildManifest and
 * serializeManifest), each written atomically, then removing the bundles of functions that left
 * index.ts. The manifest last written is kept in memory, so an edit
 * that does not change it costs no read of a file that is megabytes in a large project.
 */
import { rm } from 'node:fs/promises';
import { bundlePathOf, type ProjectPaths } from '../compiler/compile.js';
import { buildManifest, serializeManifest } from '../compiler/manifest.js';
import type { FunctionSummary } from '../compiler/types.js';
import type { FunctionRef } from '../project/types.js';
import { writeFileAtomic, writeFilesAtomic, type FileWrite } from '../util/fs.js';

export interface DevWrite {
    bundles: { ref: FunctionRef; code: string }[];
    /** Every current function's summary. */
    summaries: FunctionSummary[];
    /** Functions that left index.ts: their bundles are deleted. */
    removed: FunctionRef[];
}

export class DevOutput {
    private lastManifest: string | undefined;

    constructor(
        private readonly paths: ProjectPaths,
        private readonly debug?: (message: string) => void
    ) {}

    /** Remembers the manifest compile just wrote. */
    prime(summaries: FunctionSummary[]): void {
        this.lastManifest = serializeManifest(buildManifest(summaries));
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
        const manifestText = serializeManifest(buildManifest(write.summaries));
        if (manifestText !== this.lastManifest) {
            await writeFileAtomic(this.paths.manifestPath, manifestText);
            this.lastManifest = manifestText;
        }
        await Promise.all(write.removed.map((ref) => rm(bundlePathOf(this.paths, ref), { force: true })));
        this.debug?.(`${bundles.length} bundles written in ${(bundled - started).toFixed(1)} ms, manifest in ${(performance.now() - bundled).toFixed(1)} ms`);
    }
}
