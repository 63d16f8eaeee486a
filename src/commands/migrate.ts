/**
 * `ferry migrate-to-zero-yaml`: Nango's converter from nango.yaml projects. Ferry builds only
 * TypeScript-defined projects, so it converts nothing; it says what to do instead, and succeeds
 * when there is nothing to migrate.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { CliContext } from '../context.js';
import { FerryError } from '../errors.js';

export async function run(_options: Record<string, never>, ctx: CliContext): Promise<void> {
    const yaml = ['nango.yaml', 'nango-integrations/nango.yaml'].map((file) => join(ctx.cwd, file)).find((file) => existsSync(file));
    if (!yaml) {
        if (ctx.json) ctx.printJson({ migrated: false, reason: 'no nango.yaml: the project is already TypeScript-only' });
        else ctx.out('Nothing to migrate: no nango.yaml here, the project is already defined in TypeScript.');
        return;
    }
    throw new FerryError({
        code: 'YAML_PROJECT',
        message: `${yaml} is a nango.yaml project, which Ferry does not convert`,
        hint: 'Convert it once with `npx nango@0.71 migrate-to-zero-yaml` (Nango\'s CLI), then use Ferry on the TypeScript project it leaves.'
    });
}
