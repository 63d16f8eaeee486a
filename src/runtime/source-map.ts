/**
 * Maps a stack from a bundle back to the `.ts` lines the user wrote, through the bundle's inline
 * source map (`//# sourceMappingURL=data:application/json;base64,...`). Node's own SourceMap
 * class parses the payload; the map is only decoded when an error needs it.
 */
import { SourceMap } from 'node:module';
import { dirname, isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const INLINE_MAP = /\/\/# sourceMappingURL=data:application\/json(?:;charset=[^;,]+)?;base64,([A-Za-z0-9+/=]+)\s*$/;

interface StackMapper {
    /** The stack with every frame in the bundle replaced by its source position; frames outside it dropped. */
    map(stack: string): string;
}

/**
 * `firstLineOffset` is how many characters the evaluator put before the bundle's first line
 * (its function wrapper), so columns on line 1 can be corrected.
 */
export function createStackMapper(code: string, filename: string, firstLineOffset = 0): StackMapper {
    let sourceMap: SourceMap | null | undefined;
    const load = (): SourceMap | null => {
        if (sourceMap !== undefined) return sourceMap;
        sourceMap = null;
        const tail = code.slice(Math.max(0, code.lastIndexOf('//# sourceMappingURL=')));
        const match = INLINE_MAP.exec(tail);
        if (match) {
            try {
                sourceMap = new SourceMap(JSON.parse(Buffer.from(match[1]!, 'base64').toString('utf8')));
            } catch {
                sourceMap = null;
            }
        }
        return sourceMap;
    };
    const escaped = filename.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const frame = new RegExp(`${escaped}:(\\d+):(\\d+)`);
    const bundleDir = dirname(filename);

    const toSource = (line: number, column: number): string | undefined => {
        const map = load();
        if (!map) return undefined;
        const col = line === 1 ? Math.max(0, column - 1 - firstLineOffset) : column - 1;
        const entry = map.findEntry(line - 1, col) as { originalSource?: string; originalLine?: number; originalColumn?: number };
        if (!entry || entry.originalSource === undefined || entry.originalLine === undefined) return undefined;
        let source = entry.originalSource;
        if (source.startsWith('file://')) source = fileURLToPath(source);
        else if (!isAbsolute(source)) source = resolve(bundleDir, source);
        return `${source}:${entry.originalLine + 1}:${(entry.originalColumn ?? 0) + 1}`;
    };

    return {
        map(stack) {
            const lines = stack.split('\n');
            const head: string[] = [];
            const frames: string[] = [];
            let inFrames = false;
            for (const line of lines) {
                if (/^\s+at /.test(line)) inFrames = true;
                if (!inFrames) {
                    head.push(line);
                    continue;
                }
                const match = frame.exec(line);
                if (!match) continue;
                const mapped = toSource(Number(match[1]), Number(match[2]));
                frames.push(mapped ? line.replace(frame, mapped) : line);
            }
            return [...head, ...frames].join('\n');
        }
    };
}
