/**
 * The two documents `ferry mcp` serves as resources: the project's AGENTS.md (Ferry's text for
 * this project when it has none) and the SDK reference, which is Ferry's own docs/writing-functions.md:
 * one text, so the reference an agent reads is the one the tests keep true.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { findProjectRoot } from '../project/project.js';
import { findCliPackage } from '../scaffold/cli-package.js';
import { sdkModule } from '../scaffold/generate.js';
import { AGENTS_FILE, agentsFile } from '../templates/agents.js';

export const AGENTS_URI = 'ferry://project/AGENTS.md';
export const SDK_REFERENCE_URI = 'ferry://sdk-reference';

const SDK_HEADING = '# Writing functions';
const SDK_PAGE = join('docs', 'writing-functions.md');

/** The project's AGENTS.md, or the one `ferry generate agents` would write when it has none. */
export async function agentsGuidance(cwd: string): Promise<string> {
    let root: string | undefined;
    try {
        root = findProjectRoot(cwd);
        return await readFile(join(root, AGENTS_FILE), 'utf8');
    } catch {
        // Outside a project, or a project without one: Ferry's guidance, for the project's SDK name.
        return agentsFile({ sdk: root ? await sdkModule(root) : 'ferry' });
    }
}

/** The SDK reference made from docs/writing-functions.md's text; undefined when it is not that page. */
export function sdkReferenceFrom(page: string): string | undefined {
    if (!page.startsWith(`${SDK_HEADING}\n`)) return undefined;
    return `# Ferry SDK reference\n\n${page.replace(SDK_HEADING, '## Writing functions').trim()}\n`;
}

export async function sdkReference(): Promise<string> {
    const page = await readFile(join(findCliPackage().root, SDK_PAGE), 'utf8').catch(() => '');
    return (
        sdkReferenceFrom(page) ??
        '# Ferry SDK reference\n\nThis copy of Ferry ships without its docs. Functions import createSync, createAction and createOnEvent from \'ferry\' (or \'nango\') and zod 4 from \'zod\'; see the AGENTS.md resource for examples.\n'
    );
}
