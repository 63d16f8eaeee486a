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

interface FerryErrorInit {
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

/** A temporary file of util/fs.ts stands for its target: `.a.cjs.123.abcd1234.tmp` -> `a.cjs`. */
const TEMP_FILE = /(^|[/\\])\.([^/\\]+)\.\d+\.[0-9a-f]{8}\.tmp$/;

/** Per cause: what it is and what to do, so a full disk does not read as a permissions problem. */
const FILE_SYSTEM_CAUSES: Record<string, { why: string; hint: string }> = {
    ENOSPC: { why: 'the disk is full', hint: 'Free some space on that disk, then run this again.' },
    EDQUOT: { why: 'your disk quota is used up', hint: 'Free some space within your quota, then run this again.' },
    EROFS: { why: 'the file system is read-only', hint: 'Run this in a copy of the project on a writable disk (or remount it read-write).' },
    EACCES: { why: 'permission denied', hint: 'Check the owner and permissions of that file and its folder (ls -l), then run this again.' },
    EPERM: { why: 'the operation is not permitted', hint: 'Check the owner and permissions of that file and its folder, and that no other program holds it, then run this again.' },
    EISDIR: { why: 'a folder is in the way', hint: 'A file or folder of that name is in the way: move it, then run this again.' },
    ENOTDIR: { why: 'a file is in the way', hint: 'A file or folder of that name is in the way: move it, then run this again.' },
    EEXIST: { why: 'it already exists', hint: 'A file or folder of that name is in the way: move it, then run this again.' },
    EMFILE: { why: 'too many files are open', hint: 'Raise the open-file limit (ulimit -n), then run this again.' },
    ENFILE: { why: 'the system has too many files open', hint: 'Close other programs or raise the system limit, then run this again.' },
    EIO: { why: 'the disk reported an input/output error', hint: 'Check the disk (and its connection), then run this again.' }
};

/**
 * A file system refusal (a full disk, a read-only disk, no permission, a folder where a file must
 * go) is about the user's machine, not a bug: one line naming the file, the cause and what to do.
 * Undefined for anything else.
 */
export function fileSystemError(error: unknown): FerryError | undefined {
    const code = errnoCode(error);
    if (!code || !/^E[A-Z]+$/.test(code)) return undefined;
    const { path, dest, syscall } = error as { path?: unknown; dest?: unknown; syscall?: unknown };
    const cause = FILE_SYSTEM_CAUSES[code];
    // Without a file name only the well-known causes are the user's: ENOSPC comes from write(2), which names none.
    if (typeof path !== 'string' && !cause) return undefined;
    const raw = typeof dest === 'string' ? dest : typeof path === 'string' ? path : undefined;
    const target = raw?.replace(TEMP_FILE, '$1$2');
    const writing = typeof syscall === 'string' && /^(open|write|rename|mkdir|copyfile|unlink|rmdir|rm|chmod|symlink|link|ftruncate|fsync)$/.test(syscall);
    const why = cause?.why ?? (error as Error).message.replace(/^E[A-Z]+: /, '').split(',')[0];
    return new FerryError({
        code: 'FILE_SYSTEM',
        message: `cannot ${writing ? 'write' : 'read'} ${target ?? 'a file'}: ${why} (${code})`,
        hint: cause?.hint ?? 'Check the permissions and free space there, then run this again.',
        details: { errno: code, ...(target ? { path: target } : {}) },
        cause: error
    });
}
