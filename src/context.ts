/**
 * One context per CLI run: resolved once in the entry point, passed down to every command.
 * Results go to stdout through `out`/`printJson`; everything else (progress, logs) goes to stderr
 * through `log`, so piping `--json` output is always clean.
 */
import { createColors } from 'picocolors';
import { createInterface } from 'node:readline';

export type Colors = ReturnType<typeof createColors>;

export interface Logger {
    info(message: string): void;
    warn(message: string): void;
    error(message: string): void;
    success(message: string): void;
    /** Free when --debug is off. */
    debug(namespace: string, message: string | (() => string)): void;
}

export interface Spinner {
    update(text: string): void;
    succeed(text: string): void;
    fail(text: string): void;
    stop(): void;
}

export interface CliContext {
    cwd: string;
    env: NodeJS.ProcessEnv;
    json: boolean;
    debug: boolean;
    color: boolean;
    /** False with --no-interactive, CI=true, or when stdin is not a TTY: never prompt then. */
    interactive: boolean;
    /** stderr is a terminal: spinners and code frames make sense. */
    isTTY: boolean;
    colors: Colors;
    log: Logger;
    /** Write a line of results to stdout. */
    out(text: string): void;
    /** Write one JSON document to stdout. */
    printJson(value: unknown): void;
    spinner(text: string): Promise<Spinner>;
    /** Ask a yes/no question on the terminal. Only call when `interactive` is true. */
    confirm(question: string): Promise<boolean>;
}

export interface ContextOptions {
    cwd?: string;
    env?: NodeJS.ProcessEnv;
    json?: boolean;
    debug?: boolean;
    color?: boolean;
    interactive?: boolean;
    stdout?: NodeJS.WritableStream & { isTTY?: boolean };
    stderr?: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
    stdin?: NodeJS.ReadableStream & { isTTY?: boolean };
}

const isTruthy = (value: string | undefined): boolean => value !== undefined && value !== '' && value !== '0' && value.toLowerCase() !== 'false';

export function createContext(options: ContextOptions = {}): CliContext {
    const env = options.env ?? process.env;
    const stdout = options.stdout ?? process.stdout;
    const stderr = options.stderr ?? process.stderr;
    const stdin = options.stdin ?? process.stdin;
    const json = options.json ?? false;
    const debug = options.debug ?? isTruthy(env['FERRY_DEBUG']);
    const isTTY = Boolean(stderr.isTTY) && !isTruthy(env['CI']);
    const color =
        options.color ?? (Boolean(stderr.isTTY) && !env['NO_COLOR'] && !isTruthy(env['CI']) && env['TERM'] !== 'dumb');
    const interactive = options.interactive ?? (Boolean(stdin.isTTY) && Boolean(stderr.isTTY) && !isTruthy(env['CI']));
    const colors = createColors(color);
    const write = (line: string): void => {
        stderr.write(line.endsWith('\n') ? line : `${line}\n`);
    };

    const log: Logger = {
        info: (message) => write(message),
        warn: (message) => write(`${colors.yellow('warning')} ${message}`),
        error: (message) => write(`${colors.red('error')} ${message}`),
        success: (message) => write(`${colors.green('✓')} ${message}`),
        debug: debug
            ? (namespace, message) => write(colors.dim(`[${namespace}] ${typeof message === 'function' ? message() : message}`))
            : () => {}
    };

    return {
        cwd: options.cwd ?? process.cwd(),
        env,
        json,
        debug,
        color,
        interactive,
        isTTY,
        colors,
        log,
        out: (text) => {
            stdout.write(text.endsWith('\n') ? text : `${text}\n`);
        },
        printJson: (value) => {
            stdout.write(`${JSON.stringify(value, null, 2)}\n`);
        },
        spinner: async (text) => {
            // A terminal that reports no width (some CI ptys) makes the spinner redraw forever.
            if (!isTTY || json || !((stderr.columns ?? 0) > 0)) {
                return {
                    update: () => {},
                    succeed: (t) => log.success(t),
                    fail: (t) => log.error(t),
                    stop: () => {}
                };
            }
            const { default: ora } = await import('ora');
            const spinner = ora({ text, stream: stderr as NodeJS.WriteStream, color: 'cyan' }).start();
            return {
                update: (t) => {
                    spinner.text = t;
                },
                succeed: (t) => {
                    spinner.succeed(t);
                },
                fail: (t) => {
                    spinner.fail(t);
                },
                stop: () => {
                    spinner.stop();
                }
            };
        },
        confirm: async (question) => {
            const rl = createInterface({ input: stdin, output: stderr });
            try {
                const answer = await new Promise<string>((resolve) => rl.question(`${question} (y/N) `, resolve));
                return /^y(es)?$/i.test(answer.trim());
            } finally {
                rl.close();
            }
        }
    };
}
