import type { CliContext } from '../context.js';
import { notImplemented } from '../errors.js';

export async function run(_options: unknown, _ctx: CliContext): Promise<void> {
    throw notImplemented('test');
}
