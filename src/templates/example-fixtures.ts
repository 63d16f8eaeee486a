/**
 * Recorded fixtures for the example functions (docs/fixtures.md), so `ferry test` replays them
 * offline straight after `ferry init`. They show the format a `ferry dryrun --save` writes.
 */
import type { TemplateFile } from './example.js';

const ISSUE_ROW = {
    id: '1001',
    number: 1,
    title: 'Found a bug',
    state: 'open',
    author: 'octocat',
    url: 'https://github.com/octocat/hello-world/issues/1',
    createdAt: '2026-01-02T10:00:00Z',
    updatedAt: '2026-01-03T10:00:00Z'
};

const ISSUES_FIXTURE = {
    nango: {
        getMetadata: { owner: 'octocat', repo: 'hello-world' },
        batchSave: { GithubIssue: [ISSUE_ROW] }
    },
    api: {
        get: {
            '/repos/octocat/hello-world/issues': {
                status: 200,
                headers: {},
                request: { params: { state: 'all', per_page: 100 } },
                // The pull request is left out by the sync: only the issue is saved.
                response: [
                    {
                        id: 1001,
                        number: 1,
                        title: 'Found a bug',
                        state: 'open',
                        html_url: ISSUE_ROW.url,
                        user: { login: 'octocat' },
                        created_at: ISSUE_ROW.createdAt,
                        updated_at: ISSUE_ROW.updatedAt
                    },
                    {
                        id: 1002,
                        number: 2,
                        title: 'Add a feature',
                        state: 'open',
                        html_url: 'https://github.com/octocat/hello-world/pull/2',
                        user: { login: 'hubot' },
                        pull_request: {},
                        created_at: '2026-01-04T10:00:00Z',
                        updated_at: '2026-01-04T10:00:00Z'
                    }
                ]
            }
        }
    }
};

const CREATE_ISSUE_FIXTURE = {
    input: { owner: 'octocat', repo: 'hello-world', title: 'Found a bug', body: 'It breaks on Tuesdays.' },
    output: { id: '2001', number: 3, url: 'https://github.com/octocat/hello-world/issues/3' },
    api: {
        get: {
            '/repos/octocat/hello-world': {
                status: 200,
                headers: {},
                response: { full_name: 'octocat/hello-world', has_issues: true, archived: false }
            }
        },
        post: {
            '/repos/octocat/hello-world/issues': {
                status: 201,
                headers: {},
                request: { data: { title: 'Found a bug', body: 'It breaks on Tuesdays.' } },
                response: { id: 2001, number: 3, html_url: 'https://github.com/octocat/hello-world/issues/3' }
            }
        }
    }
};

const json = (value: unknown): string => `${JSON.stringify(value, null, 2)}\n`;

export const EXAMPLE_FIXTURES: readonly TemplateFile[] = [
    { path: 'github/tests/issues.test.json', content: json(ISSUES_FIXTURE) },
    { path: 'github/tests/create-issue.test.json', content: json(CREATE_ISSUE_FIXTURE) }
];
