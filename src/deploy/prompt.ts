/**
 * The deploy's yes/no question, and what an interrupt means for a deploy. Ctrl-C (SIGINT from
 * readline) or Ctrl-D (end of input) at the question is an interrupt, never a silent exit with the
 * plan neither confirmed nor refused; an interrupt elsewhere says whether the deploy request had
 * been sent, which is what decides whether something may have changed on the platform.
 */
import { createInterface } from 'node:readline';
import { ExitCode, FerryError } from '../errors.js';

type Answer = 'yes' | 'no' | 'interrupted';

interface PromptStreams {
    input: NodeJS.ReadableStream;
    output: NodeJS.WritableStream;
}

/** Asks `question (y/N)`; resolves once, with the answer or `interrupted`. */
export function askYesNo(question: string, streams: PromptStreams): Promise<Answer> {
    return new Promise<Answer>((resolve) => {
        const rl = createInterface({ input: streams.input, output: streams.output });
        let settled = false;
        const settle = (answer: Answer): void => {
            if (settled) return;
            settled = true;
            rl.close();
            resolve(answer);
        };
        // readline does not end the line it was on: the next output starts on a fresh one.
        const interrupt = (): void => {
            if (!settled) streams.output.write('\n');
            settle('interrupted');
        };
        rl.on('SIGINT', interrupt);
        rl.on('close', interrupt);
        rl.question(`${question} (y/N) `, (text) => settle(/^y(es)?$/i.test(text.trim()) ? 'yes' : 'no'));
    });
}

/** Where the deploy was when it was interrupted: only `sent` may have changed the platform. */
export type DeployStage = 'preparing' | 'prompt' | 'sent';

export function interrupted(stage: DeployStage, environment: string): FerryError {
    if (stage === 'sent') {
        return new FerryError({
            code: 'INTERRUPTED',
            message: `Interrupted after the deploy request was sent to '${environment}': the platform may have deployed it`,
            hint: `Run \`ferry deploy ${environment} --dry-run\` to see what the platform has now (a plan with nothing to change means it was deployed).`,
            exitCode: ExitCode.Interrupted,
            details: { requestSent: true }
        });
    }
    return new FerryError({
        code: 'INTERRUPTED',
        message: `${stage === 'prompt' ? 'Interrupted at the prompt' : 'Interrupted before the deploy request was sent'}: Nothing was deployed`,
        hint: 'Run the deploy again when you are ready.',
        exitCode: ExitCode.Interrupted,
        details: { requestSent: false }
    });
}

/**
 * SIGINT and SIGTERM, from now until `dispose`, resolve `interrupted` instead of killing the
 * process, so the command can say what state the deploy was left in and exit 130.
 */
export function watchInterrupts(): { interrupted: Promise<void>; dispose: () => void } {
    let onSignal: () => void = () => {};
    const interruptedPromise = new Promise<void>((resolve) => {
        onSignal = () => resolve();
    });
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    return {
        interrupted: interruptedPromise,
        dispose: () => {
            process.off('SIGINT', onSignal);
            process.off('SIGTERM', onSignal);
        }
    };
}
