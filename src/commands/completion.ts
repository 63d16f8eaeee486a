/** `ferry completion bash|zsh|fish`: prints the script to source. */
import type { CliContext } from '../context.js';
import { usageError } from '../errors.js';
import { COMPLETION_SCRIPTS } from '../completion/scripts.js';

export async function run(options: { shell: string }, ctx: CliContext): Promise<void> {
    const script = COMPLETION_SCRIPTS[options.shell];
    if (!script) throw usageError(`no completion for '${options.shell}'`, `Use one of ${Object.keys(COMPLETION_SCRIPTS).join(', ')}, e.g. ferry completion bash.`);
    ctx.out(script);
}
