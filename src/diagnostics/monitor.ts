/**
 * `dryrun --diagnostics`: the run's duration, memory (RSS, heap used, heap total, external) and CPU
 * share, averaged and at peak over samples taken every 100 ms, as Nango's CLI reports them. The
 * function runs in a worker thread of this process, so the process's figures include it.
 */
export interface Stat {
    avgBytes: number;
    peakBytes: number;
}

export interface Diagnostics {
    durationMs: number;
    memory: { rss: Stat; heapUsed: Stat; heapTotal: Stat; external: Stat };
    cpu: { avgPercent: number; peakPercent: number };
}

interface Sample {
    atMs: number;
    rss: number;
    heapUsed: number;
    heapTotal: number;
    external: number;
    cpuMicros: number;
}

export interface Monitor {
    stop(): Diagnostics;
}

export function startMonitor(intervalMs = 100): Monitor {
    const started = performance.now();
    const cpuStart = process.cpuUsage();
    const samples: Sample[] = [];
    const sample = (): void => {
        const memory = process.memoryUsage();
        const cpu = process.cpuUsage(cpuStart);
        samples.push({ atMs: performance.now() - started, rss: memory.rss, heapUsed: memory.heapUsed, heapTotal: memory.heapTotal, external: memory.external, cpuMicros: cpu.user + cpu.system });
        // A long run keeps the last 5,000 samples (over 8 minutes at 100 ms), as Nango does.
        if (samples.length > 5000) samples.shift();
    };
    sample();
    const timer = setInterval(sample, intervalMs);
    timer.unref();
    return {
        stop: () => {
            clearInterval(timer);
            sample();
            const stat = (key: 'rss' | 'heapUsed' | 'heapTotal' | 'external'): Stat => ({
                avgBytes: samples.reduce((sum, s) => sum + s[key], 0) / samples.length,
                peakBytes: Math.max(...samples.map((s) => s[key]))
            });
            const shares: number[] = [];
            for (let i = 1; i < samples.length; i++) {
                const elapsed = samples[i]!.atMs - samples[i - 1]!.atMs;
                if (elapsed > 0) shares.push(((samples[i]!.cpuMicros - samples[i - 1]!.cpuMicros) / (elapsed * 1000)) * 100);
            }
            return {
                durationMs: performance.now() - started,
                memory: { rss: stat('rss'), heapUsed: stat('heapUsed'), heapTotal: stat('heapTotal'), external: stat('external') },
                cpu: { avgPercent: shares.length ? shares.reduce((a, b) => a + b, 0) / shares.length : 0, peakPercent: shares.length ? Math.max(...shares) : 0 }
            };
        }
    };
}

const mb = (bytes: number): string => `${(bytes / 1048576).toFixed(2)} MB`;

/** The summary as lines of text (the command prints them on stderr). */
export function formatDiagnostics(d: Diagnostics): string[] {
    const memory = (title: string, s: Stat): string[] => [`${title}:`, `  Average: ${mb(s.avgBytes)}`, `  Peak:    ${mb(s.peakBytes)}`];
    return [
        'Diagnostics Summary',
        `Duration: ${(d.durationMs / 1000).toFixed(2)}s`,
        ...memory('Memory (RSS)', d.memory.rss),
        ...memory('Memory (Heap Used)', d.memory.heapUsed),
        ...memory('Memory (Heap Total)', d.memory.heapTotal),
        ...memory('Memory (External)', d.memory.external),
        'CPU:',
        `  Average: ${d.cpu.avgPercent.toFixed(1)}%`,
        `  Peak:    ${d.cpu.peakPercent.toFixed(1)}%`
    ];
}
