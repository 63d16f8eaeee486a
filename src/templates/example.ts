/**
 * The working example `ferry init` writes: a GitHub sync that pages through issues, an action
 * with typed input and output, and an on-event handler. Kept as code so the build bundles it.
 */

export interface TemplateFile {
    /** Path inside the project, with forward slashes. */
    path: string;
    content: string;
}

const ISSUES_SYNC = `import { createSync } from 'ferry';
import * as z from 'zod';

// One record per issue. Every model needs a unique \`id\`.
const GithubIssue = z.object({
    id: z.string(),
    number: z.number(),
    title: z.string(),
    state: z.string(),
    author: z.string().nullable(),
    url: z.string(),
    createdAt: z.string(),
    updatedAt: z.string()
});

// Set per connection (dryrun: --metadata '{"owner":"octocat","repo":"hello-world"}').
const RepositoryMetadata = z.object({
    owner: z.string(),
    repo: z.string()
});

// The fields this sync reads from GitHub's answer.
interface GithubApiIssue {
    id: number;
    number: number;
    title: string;
    state: string;
    html_url: string;
    user: { login: string } | null;
    pull_request?: unknown;
    created_at: string;
    updated_at: string;
}

export default createSync({
    description: 'Fetches the issues of one GitHub repository',
    version: '1.0.0',
    frequency: 'every hour',
    autoStart: true,
    metadata: RepositoryMetadata,
    models: { GithubIssue },
    scopes: ['repo'],
    exec: async (nango) => {
        const { owner, repo } = await nango.getMetadata();
        const pages = nango.paginate<GithubApiIssue>({
            endpoint: \`/repos/\${owner}/\${repo}/issues\`,
            params: { state: 'all' },
            // GitHub links the next page in the Link header.
            paginate: { type: 'link', link_rel_in_response_header: 'next', limit: 100, limit_name_in_request: 'per_page' },
            retries: 3
        });
        for await (const page of pages) {
            // GitHub lists pull requests as issues too; keep only real issues.
            const issues = page
                .filter((issue) => issue.pull_request === undefined)
                .map((issue) => ({
                    id: String(issue.id),
                    number: issue.number,
                    title: issue.title,
                    state: issue.state,
                    author: issue.user?.login ?? null,
                    url: issue.html_url,
                    createdAt: issue.created_at,
                    updatedAt: issue.updated_at
                }));
            await nango.batchSave(issues, 'GithubIssue');
        }
    }
});
`;

const CREATE_ISSUE_ACTION = `import { createAction } from 'ferry';
import * as z from 'zod';

const CreateIssueInput = z.object({
    owner: z.string(),
    repo: z.string(),
    title: z.string().trim().min(1),
    body: z.string().optional(),
    labels: z.array(z.string()).optional()
});

const CreateIssueOutput = z.object({
    id: z.string(),
    number: z.number(),
    url: z.string()
});

export default createAction({
    description: 'Creates an issue in a GitHub repository',
    version: '1.0.0',
    endpoint: { method: 'POST', path: '/issues', group: 'Issues' },
    input: CreateIssueInput,
    output: CreateIssueOutput,
    scopes: ['repo'],
    exec: async (nango, input) => {
        const repository = await nango.get<{ has_issues: boolean; archived: boolean }>({
            endpoint: \`/repos/\${input.owner}/\${input.repo}\`,
            retries: 3
        });
        if (!repository.data.has_issues || repository.data.archived) {
            // The caller receives this payload as the action's error.
            throw new nango.ActionError({
                message: \`\${input.owner}/\${input.repo} does not accept new issues\`,
                code: repository.data.archived ? 'repository_archived' : 'issues_disabled'
            });
        }
        const created = await nango.post<{ id: number; number: number; html_url: string }>({
            endpoint: \`/repos/\${input.owner}/\${input.repo}/issues\`,
            data: { title: input.title, body: input.body, labels: input.labels },
            retries: 3
        });
        return { id: String(created.data.id), number: created.data.number, url: created.data.html_url };
    }
});
`;

const CONNECTION_CREATED_EVENT = `import { createOnEvent } from 'ferry';

export default createOnEvent({
    description: 'Logs which GitHub account a new connection belongs to',
    version: '1.0.0',
    event: 'post-connection-creation',
    exec: async (nango) => {
        const user = await nango.get<{ login: string }>({ endpoint: '/user', retries: 3 });
        await nango.log(\`Connection \${nango.connectionId} belongs to GitHub user \${user.data.login}\`);
    }
});
`;

/** The example functions, in the order index.ts imports them. */
export const EXAMPLE_FUNCTIONS: readonly TemplateFile[] = [
    { path: 'github/syncs/issues.ts', content: ISSUES_SYNC },
    { path: 'github/actions/create-issue.ts', content: CREATE_ISSUE_ACTION },
    { path: 'github/on-events/log-connection.ts', content: CONNECTION_CREATED_EVENT }
];

/** How to try the example once the secret key is in .env, after `ferry` or `npx ferry`. */
export const EXAMPLE_DRYRUN = `dryrun issues <connection-id> --metadata '{"owner":"octocat","repo":"hello-world"}'`;
