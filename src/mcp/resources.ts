/**
 * The two documents `ferry mcp` serves as resources: the project's AGENTS.md (Ferry's text for
 * this project when it has none) and the SDK reference, which is the "Writing functions" part of
 * Ferry's own README: one text, so the reference an agent reads is the one the tests keep true.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { findProjectRoot } from '../project/project.js';
import { findCliPackage } from '../scaffold/cli-package.js';
import { sdkModule } from '../scaffold/generate.js';
import { AGENTS_FILE, agentsFile } from '../templates/agents.js';

export const AGENTS_URI = 'ferry://project/AGENTS.md';
export const SDK_REFERENCE_URI = 'ferry://sdk-reference';

const SDK_HEADING = '#### Writing functions';

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

/** The README's "Writing functions" section, up to the next section; `readme` is for tests. */
export function sdkReferenceFrom(readme: string): string | undefined {
    const start = readme.indexOf(SDK_HEADING);
    if (start < 0) return undefined;
    const rest = readme.slice(start);
    const end = rest.search(/\n<!-- section:|\n#{2,4} (?!Writing functions)/);
    const section = (end < 0 ? rest : rest.slice(0, end)).trim();
    return `# Ferry SDK reference\n\n${section.replace(SDK_HEADING, '## Writing functions')}\n`;
}

export async function sdkReference(): Promise<string> {
    const readme = await readFile(join(findCliPackage().root, 'README.md'), 'utf8').catch(() => '');
    return (
        sdkReferenceFrom(readme) ??
        '# Ferry SDK reference\n\nThis copy of Ferry ships without its README. Functions import createSync, createAction and createOnEvent from \'ferry\' (or \'nango\') and zod 4 from \'zod\'; see the AGENTS.md resource for examples.\n'
    );
}
