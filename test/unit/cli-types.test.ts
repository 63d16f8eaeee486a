/**
 * A command's options are typed from its `run`: test/fixtures/types/commands holds definitions
 * written as src/commands/<name>.cli.ts write them, type-checked in one tsc run against src/. A
 * line marked `// expect-error TSxxxx word` must fail with that code and a message naming `word`
 * (a misspelt or missing option, a flag read under a name commander does not give it, an optional
 * argument passed where a present one is needed); every other line, and every real definition,
 * must pass.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, typeCheck } from '../fixtures/types/sdk-project.js';

const FIXTURES = 'test/fixtures/types/commands';

interface Failure {
    file: string;
    line: number;
    code: string;
    /** The message with its elaboration lines. */
    text: string;
}

let output: string;
let failures: Failure[];

beforeAll(() => {
    ({ output } = typeCheck(REPO_ROOT, ['--noEmit', '-p', FIXTURES]));
    failures = [];
    for (const line of output.split('\n')) {
        const match = /^(.+?)\((\d+),\d+\): error (TS\d+): (.*)$/.exec(line);
        if (match) failures.push({ file: match[1]!.replace(/\\/g, '/'), line: Number(match[2]), code: match[3]!, text: match[4]! });
        else if (line.startsWith(' ') && failures.length > 0) failures.at(-1)!.text += `\n${line.trim()}`;
    }
});

const expectations = readdirSync(join(REPO_ROOT, FIXTURES))
    .filter((file) => file.endsWith('.ts'))
    .flatMap((file) =>
        readFileSync(join(REPO_ROOT, FIXTURES, file), 'utf8')
            .split('\n')
            .flatMap((text, i) => {
                const match = /\/\/ expect-error (TS\d+) (\S+)/.exec(text);
                return match ? [{ file: `${FIXTURES}/${file}`, line: i + 1, code: match[1]!, word: match[2]! }] : [];
            })
    );

describe('typed command definitions', () => {
    it('passes a correct definition and every definition of src/commands', () => {
        const ours = failures.filter((f) => f.file.startsWith(`${FIXTURES}/ok.ts`) || /^src\/commands\/(.+\.cli|define)\.ts$/.test(f.file));
        expect(ours, output).toEqual([]);
    });

    it('fails nowhere but the marked lines', () => {
        const unexpected = failures.filter((f) => f.file.startsWith(FIXTURES) && !expectations.some((e) => e.file === f.file && e.line === f.line));
        expect(unexpected, output).toEqual([]);
    });

    it.each(expectations.map((e) => [`${e.file.split('/').at(-1)}:${e.line}`, e] as const))('fails %s with the expected diagnostic', (_label, e) => {
        const found = failures.filter((f) => f.file === e.file && f.line === e.line);
        expect(found.map((f) => f.code), output).toContain(e.code);
        expect(found.find((f) => f.code === e.code)!.text).toContain(e.word);
    });
});
