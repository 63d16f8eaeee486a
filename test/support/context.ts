/** A CLI context whose stdout and stderr are captured, for tests of printing and of prompts. */
import { PassThrough } from 'node:stream';
import { createContext, type CliContext, type ContextOptions } from '../../src/context.js';

export function captureContext(options: Omit<ContextOptions, 'stdout' | 'stderr'>): { ctx: CliContext; out: () => string; err: () => string } {
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    let out = '';
    let err = '';
    stdout.on('data', (d: Buffer) => (out += d.toString()));
    stderr.on('data', (d: Buffer) => (err += d.toString()));
    const ctx = createContext({ ...options, stdout, stderr });
    return { ctx, out: () => out, err: () => err };
}
