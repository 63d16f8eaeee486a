/**
 * One exit policy: code throws, only the entry point turns errors into exit codes.
 * Every user-facing error carries a stable code, a one-line message and a hint saying what to do.
 */

export const ExitCode = {
    Ok: 0,
    /** Usage errors, bad input, anything without a more specific code. */
    Failure: 1,
    Compile: 10,
    Deploy: 11,
    Dryrun: 12,
    /** Interrupted by the user (Ctrl-C) where that is a failure. */
    Interrupted: 130
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

export interface FerryErrorInit {
    /** Stable, SCREAMING_SNAKE identifier, e.g. PROJECT_NOT_FOUND. Shown in --json output. */
    code: string;
    /** What happened, on one line. */
    message: string;
    /** What to do about it, on one line. */
    hint?: string;
    exitCode?: ExitCode;
    /** Structured detail for --json consumers. */
    details?: Record<string, unknown>;
    cause?: unknown;
}

export class FerryError extends Error {
    readonly code: string;
    readonly hint: string | undefined;
    readonly exitCode: ExitCode;
    readonly details: Record<string, unknown> | undefined;

    constructor(init: FerryErrorInit) {
        super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
        this.name = 'FerryError';
        this.code = init.code;
        this.hint = init.hint;
        this.exitCode = init.exitCode ?? ExitCode.Failure;
        this.details = init.details;
    }

    toJSON(): { code: string; message: string; hint?: string; details?: Record<string, unknown> } {
        return {
            code: this.code,
            message: this.message,
            ...(this.hint ? { hint: this.hint } : {}),
            ...(this.details ? { details: this.details } : {})
        };
    }
}

/**
 * Thrown after a command already printed everything the user needs (diagnostics, a failed test
 * summary): the entry point only sets the exit code.
 */
export class ReportedError extends Error {
    readonly exitCode: ExitCode;
    constructor(exitCode: ExitCode, message = 'already reported') {
        super(message);
        this.name = 'ReportedError';
        this.exitCode = exitCode;
    }
}

/** The one line an error prints: its message, then its hint, with one full stop between them. */
export function errorLine(error: FerryError, dim: (text: string) => string = (text) => text): string {
    return `${error.message.replace(/\.$/, '')}.${error.hint ? ` ${dim(error.hint)}` : ''}`;
}

export function usageError(message: string, hint?: string): FerryError {
    return new FerryError({ code: 'USAGE', message, ...(hint ? { hint } : {}), exitCode: ExitCode.Failure });
}

/** Node system errors carry a `code` such as ENOENT; narrow to read it safely. */
export function errnoCode(error: unknown): string | undefined {
    return typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string'
        ? error.code
        : undefined;
}
