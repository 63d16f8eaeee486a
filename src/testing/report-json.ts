/** The document a fixture replay reports (`ferry test --json`, and `ferry mcp`'s test tool). */
import type { TestReport } from './report.js';

export function testReportJson(report: TestReport): Record<string, unknown> {
    return {
        tests: report.tests.map((t) => ({
            function: t.function,
            integration: t.integration,
            fixture: t.fixture,
            ok: t.ok,
            durationMs: t.durationMs,
            ...(t.now ? { now: t.now, nowFrom: t.nowFrom } : {}),
            ...(t.notes ? { notes: t.notes } : {}),
            failures: t.failures
        })),
        passed: report.passed,
        failed: report.failed,
        durationMs: report.durationMs
    };
}
