/**
 * bundleEach: functions that do not build are found one by one, whether the error is in their own
 * file (set aside at once) or in a file they share (found by splitting), and the rest still build.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toFunctionRef } from '../../src/project/project.js';
import type { FunctionRef } from '../../src/project/types.js';
import { bundleEach } from '../../src/testing/bundle-each.js';
import { makeTempDir } from '../support/cli.js';

const action = (body: string) => `import { createAction } from 'nango';\n${body}\nexport default createAction({ description: 'x', exec: async () => ({}) });\n`;

const FILES: Record<string, string> = {
    'shop/helpers/broken.ts': 'export const value = ( ;\n',
    'shop/helpers/fine.ts': 'export const value = 1;\n',
    'shop/actions/a.ts': action("import { value } from '../helpers/broken.js';\nvoid value;"),
    'shop/actions/b.ts': action("import { value } from '../helpers/fine.js';\nvoid value;"),
    'shop/actions/c.ts': action("import { value } from '../helpers/broken.js';\nvoid value;"),
    'shop/actions/d.ts': action('const y = ;'),
    'shop/actions/e.ts': action('')
};

let root: string;
let cleanup: () => Promise<void>;
let refs: FunctionRef[];

beforeAll(async () => {
    ({ dir: root, cleanup } = await makeTempDir('ferry-bundle-each-'));
    for (const [rel, text] of Object.entries(FILES)) {
        await mkdir(dirname(join(root, rel)), { recursive: true });
        await writeFile(join(root, rel), text);
    }
    refs = ['a', 'b', 'c', 'd', 'e'].map((name, i) => toFunctionRef(root, `shop/actions/${name}.ts`, i + 1)!);
});

afterAll(() => cleanup());

describe('bundleEach', () => {
    it('gives each broken function its own error and every other one its code', async () => {
        const out = await bundleEach(root, refs);
        expect([...out.code.keys()].sort()).toEqual(['shop_actions_b', 'shop_actions_e']);
        expect([...out.failed.keys()].sort()).toEqual(['shop_actions_a', 'shop_actions_c', 'shop_actions_d']);
        expect(out.failed.get('shop_actions_a')).toMatch(/^shop\/helpers\/broken\.ts:1:\d+: /);
        expect(out.failed.get('shop_actions_d')).toMatch(/^shop\/actions\/d\.ts:2:\d+: Unexpected ";"/);
    });

    it('builds every function when all of them build', async () => {
        const out = await bundleEach(root, [refs[1]!, refs[4]!]);
        expect(out.failed.size).toBe(0);
        expect(out.code.size).toBe(2);
    });
});
