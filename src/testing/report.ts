/** The result of a test run and its rendering for people. `--json` prints TestReport as is. */
import { formatDuration } from '../util/duration.js';
import { escapeControl } from '../util/escape.js';
import type { TestFailure } from './compare.js';
import type { ClockSource } from './recorded-time.js';

export interface TestCaseResult {
    /** Function name. */
    function: string;
    integration: string;
    /** The fixture, relative to the project root. */
    fixture: string;
    ok: boolean;
    durationMs: number;
    /** The instant the function's clock was frozen at (ISO), and where it came from. Absent when the function never ran. */
    now?: string;
    nowFrom?: ClockSource;
    /** Things worth knowing that are not failures, e.g. a function file index.ts does not import. */
    notes?: string[];
    failures: TestFailure[];
}

export interface TestReport {
    root: string;
    tests: TestCaseResult[];
    passed: number;
    failed: number;
    durationMs: number;
}

interface Painter {
    green(text: string): string;
    red(text: string): string;
    dim(text: string): string;
}

const plain: Painter = { green: (t) => t, red: (t) => t, dim: (t) => t };

/** One failure; an error's mapped stack follows its message, indented. Either may quote the function's output: escaped. */
export function formatFailure(failure: TestFailure): string {
    if (!failure.stack) return escapeControl(failure.message);
    const frames = failure.stack
        .split('\n')
        .filter((line) => /^\s*at /.test(line))
        .slice(0, 8)
        .map((line) => `  ${line.trim()}`);
    return escapeControl([failure.message, ...frames].join('\n'));
}

const CLOCK_FROM: Record<ClockSource, string> = {
    option: '--now',
    recordedAt: "the fixture's recordedAt",
    'date header': 'the Date headers it recorded',
    'recorded request': 'the Date headers it recorded, to the millisecond of a recorded request',
    'run start': 'the fixture records no time: the start of this run'
};

/** Where the function's clock stood: a failure may come from dates computed from it. */
function clockLine(test: TestCaseResult): string[] {
    return test.now && test.nowFrom ? [`clock at ${test.now} (${CLOCK_FROM[test.nowFrom]})`] : [];
}

/** `✓ github/issues 12 ms`, its notes, and for a failure its fixture, its clock and every difference below it. */
export function formatCase(test: TestCaseResult, paint: Painter = plain): string {
    const head = `${test.ok ? paint.green('✓') : paint.red('✗')} ${test.integration}/${test.function} ${paint.dim(formatDuration(test.durationMs))}`;
    const notes = (test.notes ?? []).map((note) => `    ${paint.dim(`note: ${escapeControl(note)}`)}`);
    if (test.ok) return [head, ...notes].join('\n');
    const body = test.failures.map((failure) => formatFailure(failure).split('\n').map((line) => `    ${line}`).join('\n'));
    return [head, `    ${paint.dim(test.fixture)}`, ...notes, ...clockLine(test).map((line) => `    ${paint.dim(line)}`), ...body].join('\n');
}

/** Exactly `N passed, N failed`: CI greps for it. */
export function summaryLine(report: Pick<TestReport, 'passed' | 'failed'>): string {
    return `${report.passed} passed, ${report.failed} failed`;
}
