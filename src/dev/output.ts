/**
 * Writing a dev rebuild: the rebuilt bundles, `.nango/nango.json` (compile's buildManifest,
 * serialized as compile's serializeManifest does) and the removal of the bundles of functions
 * that left index.ts, as one switch of build/ (compiler/build-switch.ts), as compile does.
 */
import { basename } from 'node:path';
import { switchBuild } from '../compiler/build-switch.js';
import { bundlePathOf, type ProjectPaths } from '../compiler/layout.js';
import { buildManifest } from '../compiler/manifest.js';
import type { FunctionSummary, Manifest } from '../compiler/types.js';
import type { FunctionRef } from '../project/types.js';

interface DevWrite {
    bundles: { ref: FunctionRef; code: string }[];
    /** Every current function's summary. */
    summaries: FunctionSummary[];
    /** Functions that left index.ts: their bundles are deleted. */
    removed: FunctionRef[];
}

const OPEN = Buffer.from('[\n');
const BETWEEN = Buffer.from(',\n');
const CLOSE = Buffer.from('\n]');
const EMPTY = Buffer.from('[]');

/**
 * `serializeManifest(manifest)`, byte for byte, as pieces: one per integration, re-serialized only
 * when its entries changed. A large project's manifest is megabytes and a save changes one entry;
 * the pieces are written as they are, never joined into one string (which costs more than
 * serializing the whole manifest). An integration's piece is reused while it holds the very same
 * entry objects (a rebuilt function has a new summary object) and the same on-event scripts.
 */
export class ManifestText {
    private readonly pieces = new Map<string, { entries: readonly object[]; onEvents: string; bytes: Buffer }>();
    private lastKeys: string | undefined;

    /** The manifest's bytes in order, and whether they differ from the previous render. */
    render(manifest: Manifest): { chunks: Buffer[]; changed: boolean } {
        const keys = manifest.map((integration) => integration.providerConfigKey).join('\0');
        let changed = keys !== this.lastKeys;
        this.lastKeys = keys;
        if (manifest.length === 0) {
            this.pieces.clear();
            return { chunks: [EMPTY], changed };
        }
        const chunks: Buffer[] = [OPEN];
        const seen = new Set<string>();
        for (const integration of manifest) {
            const key = integration.providerConfigKey;
            seen.add(key);
            const entries = [...integration.syncs, ...integration.actions];
            const onEvents = JSON.stringify(integration.onEventScripts);
            let piece = this.pieces.get(key);
            if (!piece || piece.onEvents !== onEvents || piece.entries.length !== entries.length || piece.entries.some((e, i) => e !== entries[i])) {
                // An element of the top-level array: its own serialization, one level in.
                piece = { entries, onEvents, bytes: Buffer.from(JSON.stringify(integration, null, 2).replace(/^/gm, '  ')) };
                this.pieces.set(key, piece);
                changed = true;
            }
            if (chunks.length > 1) chunks.push(BETWEEN);
            chunks.push(piece.bytes);
        }
        chunks.push(CLOSE);
        for (const key of this.pieces.keys()) if (!seen.has(key)) this.pieces.delete(key);
        return { chunks, changed };
    }

    /** The last render was not written: the next one must count as changed. */
    forget(): void {
        this.pieces.clear();
        this.lastKeys = undefined;
    }
}

export class DevOutput {
    private readonly text = new ManifestText();

    constructor(
        private readonly paths: ProjectPaths,
        private readonly debug?: (message: string) => void
    ) {}

    /** Remembers the manifest compile just wrote, so the first save only rewrites what it changed. */
    prime(summaries: FunctionSummary[]): void {
        this.text.render(buildManifest(summaries));
    }

    /**
     * One switch of build/ and the manifest (compiler/build-switch.ts): a new generation with
     * the rebuilt bundles, the others carried over, the manifest only when it changed.
     */
    async write(write: DevWrite): Promise<void> {
        const started = performance.now();
        const manifest = this.text.render(buildManifest(write.summaries));
        const serialized = performance.now();
        if (write.bundles.length === 0 && write.removed.length === 0 && !manifest.changed) return;
        const removed = new Set(write.removed.map((ref) => basename(bundlePathOf(this.paths, ref))));
        try {
            await switchBuild(this.paths, {
                writes: write.bundles.map(({ ref, code }) => ({ name: basename(bundlePathOf(this.paths, ref)), content: code })),
                drop: (name) => removed.has(name),
                ...(manifest.changed ? { manifest: manifest.chunks } : {})
            });
        } catch (error) {
            this.text.forget();
            throw error;
        }
        const ms = (from: number, to: number): string => `${(to - from).toFixed(1)} ms`;
        this.debug?.(
            `manifest serialized in ${ms(started, serialized)} (${manifest.changed ? 'changed' : 'unchanged'}), ` +
                `${write.bundles.length} bundles switched in ${ms(serialized, performance.now())}`
        );
    }
}
