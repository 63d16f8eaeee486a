/** The files of a new functions project besides its functions: the layout Nango's CLI scaffolds (listed in docs/commands/init.md). */
import { EXAMPLE_FUNCTIONS, type TemplateFile } from './example.js';
import { EXAMPLE_FIXTURES } from './example-fixtures.js';
import { AGENTS_FILE, agentsFile } from './agents.js';

interface ProjectTemplateOptions {
    /** npm package name of the project. */
    name: string;
    /** How package.json depends on Ferry: a version range or a `file:` path. */
    ferrySpec: string;
    zodRange: string;
}

/**
 * Lines every project's .gitignore needs: secrets and generated folders stay out of git. `build`
 * has no slash: it is a link into .ferry/, and a pattern ending in `/` matches real folders only.
 */
const GITIGNORE_LINES: readonly string[] = ['.env', 'build', 'dist/', 'node_modules/', '.ferry'];

/** Lines naming a link, which a folder-only pattern (`build/`) leaves shown by git. */
const LINKS = new Set(['build']);

export const ENV_FILE = '.env';
export const GITIGNORE_FILE = '.gitignore';

function packageJson(options: ProjectTemplateOptions): string {
    const pkg = {
        name: options.name,
        private: true,
        type: 'module',
        scripts: {
            compile: 'ferry compile',
            dev: 'ferry dev',
            deploy: 'ferry deploy'
        },
        devDependencies: {
            ferry: options.ferrySpec,
            zod: options.zodRange
        }
    };
    return `${JSON.stringify(pkg, null, 2)}\n`;
}

// The strict options compile type-checks with; `dom` supplies console and fetch-era globals
// (URL, URLSearchParams) without pulling in @types/node.
const TSCONFIG = `{
    "compilerOptions": {
        "target": "es2022",
        "lib": ["es2023", "dom"],
        "module": "node16",
        "moduleResolution": "node16",
        "types": [],
        "strict": true,
        "noEmit": true,
        "skipLibCheck": true,
        "esModuleInterop": true,
        "forceConsistentCasingInFileNames": true
    },
    "include": ["**/*.ts"],
    "exclude": ["node_modules", "build", "dist"]
}
`;

const ENV = `# Secret keys of your platform environments (environment settings > secret key).
# This file is never committed: .gitignore leaves it out.
NANGO_SECRET_KEY_DEV=
# NANGO_SECRET_KEY_PROD=

# Only for a self-hosted platform (default https://api.nango.dev):
# NANGO_HOSTPORT=http://localhost:3003
`;

const GITIGNORE = `${GITIGNORE_LINES.join('\n')}\n`;

const NANGO_KEEP = `# Compile writes the manifest (nango.json) here. Commit this folder.
`;

function indexFile(functions: readonly TemplateFile[]): string {
    const imports = functions.map((f) => `import './${f.path.replace(/\.ts$/, '.js')}';`);
    return `// Every function of the project, one import each. \`ferry generate\` adds new ones here.\n${imports.join('\n')}\n`;
}

/** Every file of a new project, example functions and their fixtures included. */
export function projectFiles(options: ProjectTemplateOptions): TemplateFile[] {
    return [
        { path: 'package.json', content: packageJson(options) },
        { path: 'tsconfig.json', content: TSCONFIG },
        { path: ENV_FILE, content: ENV },
        { path: GITIGNORE_FILE, content: GITIGNORE },
        { path: '.nango/README.md', content: NANGO_KEEP },
        // Guidance for coding agents; init keeps a user's own AGENTS.md (a --force target) as it is.
        { path: AGENTS_FILE, content: agentsFile({ sdk: 'ferry' }) },
        { path: 'index.ts', content: indexFile(EXAMPLE_FUNCTIONS) },
        ...EXAMPLE_FUNCTIONS,
        ...EXAMPLE_FIXTURES
    ];
}

/** An existing .gitignore with the lines a project needs appended, or unchanged when it has them. */
export function mergeGitignore(existing: string): string {
    // A leading `/` changes nothing at the root; a trailing one does for a link: `.ferry/` ignores
    // the .ferry folder, but only `build` or `/build` ignore the build link (`build/` gets `build` added).
    const key = (line: string): string => {
        const path = line.trim().replace(/^\//, '');
        const name = path.replace(/\/$/, '');
        return LINKS.has(name) ? path : name;
    };
    const present = new Set(existing.split(/\r?\n/).map(key));
    const missing = GITIGNORE_LINES.filter((line) => !present.has(key(line)));
    if (missing.length === 0) return existing;
    const base = existing === '' || existing.endsWith('\n') ? existing : `${existing}\n`;
    return `${base}${missing.join('\n')}\n`;
}
