/**
 * `ferry test --vitest --json`: vitest's JSON report reduced to a shape of Ferry's own, the same
 * whichever vitest version ran: one entry per test, one per test file that failed before its tests
 * ran (a syntax error, a failed import), counts and the duration.
 */

interface VitestTestCase {
    /** Relative to the project root. */
    file: string;
    /** Describe blocks and test title, joined by ' > '. */
    name: string;
    ok: boolean;
    status: 'passed' | 'failed' | 'skipped' | 'todo';
    durationMs: number;
    /** The assertion messages, without stack frames. */
    failures: string[];
}

interface VitestFileError {
    file: string;
    message: string;
}

export interface VitestSummary {
    tests: VitestTestCase[];
    /** Test files that failed outside any test. */
    fileErrors: VitestFileError[];
    passed: number;
    failed: number;
    skipped: number;
    durationMs: number;
}

interface ReportAssertion {
    ancestorTitles?: string[];
    title?: string;
    status?: string;
    duration?: number | null;
    failureMessages?: string[];
}

interface ReportFile {
    name?: string;
    status?: string;
    message?: string;
    startTime?: number;
    endTime?: number;
    assertionResults?: ReportAssertion[];
}

interface Report {
    startTime?: number;
    testResults?: ReportFile[];
}

// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;]*m/g;

/** The message without its stack frames and colours. */
function messageOnly(text: string): string {
    const lines = text.replace(ANSI, '').split('\n');
    const stack = lines.findIndex((line) => /^\s+at /.test(line));
    return (stack === -1 ? lines : lines.slice(0, stack)).join('\n').trimEnd();
}

function statusOf(status: string | undefined): VitestTestCase['status'] {
    if (status === 'passed' || status === 'failed' || status === 'todo') return status;
    return 'skipped';
}

/** `text` is the report file; undefined when vitest wrote none (it could not start). */
export function summarizeVitestReport(text: string | undefined, relPath: (file: string) => string): VitestSummary {
    let report: Report = {};
    try {
        report = text ? (JSON.parse(text) as Report) : {};
    } catch {
        report = {};
    }
    const tests: VitestTestCase[] = [];
    const fileErrors: VitestFileError[] = [];
    let end = report.startTime ?? 0;
    for (const file of report.testResults ?? []) {
        const path = relPath(file.name ?? '');
        end = Math.max(end, file.endTime ?? 0);
        const cases = file.assertionResults ?? [];
        for (const test of cases) {
            const status = statusOf(test.status);
            tests.push({
                file: path,
                name: [...(test.ancestorTitles ?? []), test.title ?? ''].filter(Boolean).join(' > '),
                ok: status !== 'failed',
                status,
                durationMs: Math.round(test.duration ?? 0),
                failures: (test.failureMessages ?? []).map(messageOnly)
            });
        }
        if (file.status === 'failed' && file.message && !cases.some((test) => test.status === 'failed')) fileErrors.push({ file: path, message: messageOnly(file.message) });
    }
    return {
        tests,
        fileErrors,
        passed: tests.filter((test) => test.status === 'passed').length,
        failed: tests.filter((test) => test.status === 'failed').length + fileErrors.length,
        skipped: tests.filter((test) => test.status === 'skipped' || test.status === 'todo').length,
        durationMs: report.startTime ? Math.max(0, Math.round(end - report.startTime)) : 0
    };
}
