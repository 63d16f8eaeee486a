/** `ferry clone`: its arguments, flags and help, and the options they give src/commands/clone.ts. */
import { defineCommand } from './define.js';

export const cloneCommand = defineCommand({
    name: 'clone',
    description: 'pull template functions into the project',
    module: 'clone',
    load: () => import('./clone.js'),
    args: [{ name: '<template>', description: 'integration[/type[/name]], e.g. github/actions/list-repos' }],
    flags: [
        { flags: '--repo <owner/name>', description: 'templates repository on GitHub, or its URL (default: NangoHQ/integration-templates)' },
        { flags: '--ref <ref>', description: 'branch, tag or commit of the templates repository (default: its default branch)' },
        { flags: '--from <folder>', description: 'clone from a local checkout instead of GitHub (offline)', complete: 'file' },
        { flags: '-f, --force', description: 'overwrite files that already exist with different content' }
    ],
    help: [
        '',
        'Examples:',
        '  ferry clone github                         every function of an integration',
        '  ferry clone github/actions                 one type: syncs, actions or on-events',
        '  ferry clone github/actions/list-repos      one function (its relative imports come along)',
        '',
        'Environment:',
        '  GITHUB_TOKEN, GH_TOKEN sent to GitHub: a higher rate limit, private repositories (never printed)',
        '  HTTPS_PROXY, HTTP_PROXY, NO_PROXY honoured for GitHub requests',
        '  FERRY_GITHUB_API_URL   GitHub REST API base URL (default https://api.github.com)',
        '  FERRY_GITHUB_RAW_URL   raw file host (default https://raw.githubusercontent.com)',
        '',
        'Exit codes: 0 cloned, 1 anything else (conflicts, unknown template, rate limit, network; nothing written).'
    ],
    options: ([template], o) => ({ template, repo: o.repo, ref: o.ref, from: o.from, force: Boolean(o.force) })
});
