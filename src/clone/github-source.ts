/**
 * Templates from a GitHub repository: folder listings through the contents API, file bodies from
 * the raw-content host (which does not count against the API's hourly limit). The requests
 * themselves are github-http.ts's; what a failed answer means is github-errors.ts's.
 */
import type { Dispatcher } from 'undici';
import { FerryError } from '../errors.js';
import { badAnswer, serverMessage, statusError } from './github-errors.js';
import { openGitHubHttp, type Answer, type GitHubHttp } from './github-http.js';
import { DEFAULT_TEMPLATES_REPO, type RepoRef } from './spec.js';
import type { SourceEntry, TemplateSource } from './source.js';

export interface GitHubSourceOptions {
    repo: RepoRef;
    /** Branch, tag or commit; the repository's default branch when absent. */
    ref?: string | undefined;
    env: NodeJS.ProcessEnv;
    timeoutMs?: number;
    debug?: (message: string) => void;
    dispatcher?: Dispatcher;
}

/** What each request of one source needs to know. */
interface Repository {
    http: GitHubHttp;
    repoName: string;
    ref: string | undefined;
    /** GitHub's message for each listing that answered 404: it tells an unknown ref from a missing path. */
    notFoundMessages: Map<string, string>;
}

/** The part of a contents-API folder listing clone reads; a hand check keeps zod out of this path. */
function parseListing(parsed: unknown[]): { entries: SourceEntry[] } | { problem: string } {
    const entries: SourceEntry[] = [];
    for (const [i, item] of parsed.entries()) {
        const entry = item as { name?: unknown; type?: unknown } | null;
        if (typeof entry !== 'object' || entry === null || typeof entry.name !== 'string' || typeof entry.type !== 'string') {
            return { problem: `entry ${i} has no string name and type` };
        }
        // A name is one path segment: '../x.ts' or 'a/b.ts' would write outside the folder it was listed in.
        if (!isPlainName(entry.name)) return { problem: `entry ${i} has the name ${JSON.stringify(entry.name).slice(0, 80)}, which is not a file name` };
        entries.push({ name: entry.name, kind: entry.type === 'dir' ? 'dir' : entry.type === 'file' ? 'file' : 'other' });
    }
    return { entries };
}

function isPlainName(name: string): boolean {
    return name !== '' && name !== '.' && name !== '..' && !/[/\\\x00-\x1f\x7f]/.test(name);
}

const encodePath = (path: string): string => path.split('/').map(encodeURIComponent).join('/');

function failure(repo: Repository, answer: Answer, what: string): FerryError {
    return statusError(answer, what, repo.repoName, repo.http.auth?.variable, repo.http.auth?.token);
}

export function openGitHubSource(options: GitHubSourceOptions): TemplateSource {
    const { ref } = options;
    const repoName = `${options.repo.owner}/${options.repo.name}`;
    const repo: Repository = { http: openGitHubHttp(options), repoName, ref, notFoundMessages: new Map() };
    return {
        label: `${repoName}@${ref ?? 'HEAD'}`,
        templatesDir: 'integrations',
        origin: { repo: repoName, ref: ref ?? 'HEAD' },
        flags: [
            ...(repoName.toLowerCase() === DEFAULT_TEMPLATES_REPO.toLowerCase() ? [] : ['--repo', repoName]),
            ...(ref === undefined ? [] : ['--ref', ref])
        ],
        list: (dir) => listFolder(repo, dir),
        read: (path) => readRepoFile(repo, path),
        explainMissingRoot: () => explainMissingRoot(repo),
        abort: () => repo.http.abort(),
        close: () => repo.http.close()
    };
}

async function listFolder(repo: Repository, dir: string): Promise<SourceEntry[] | undefined> {
    const { http, repoName, ref } = repo;
    const query = ref ? `?ref=${encodeURIComponent(ref)}` : '';
    const answer = await http.get(`${http.apiUrl}/repos/${repoName}/contents/${encodePath(dir)}${query}`, 'application/vnd.github+json');
    if (answer.status === 404) {
        repo.notFoundMessages.set(dir, serverMessage(answer.body) ?? '');
        return undefined;
    }
    if (answer.status < 200 || answer.status >= 300) throw failure(repo, answer, `the listing of ${dir}`);
    let parsed: unknown;
    try {
        parsed = JSON.parse(answer.body.toString('utf8'));
    } catch {
        throw badAnswer(http.apiUrl, dir, 'the body is not JSON');
    }
    // A file's path answers with one object of type 'file', not a list: that is not a folder.
    // Any other object is not an answer GitHub gives.
    if (!Array.isArray(parsed)) {
        if (parsed !== null && typeof parsed === 'object' && (parsed as { type?: unknown }).type === 'file') return undefined;
        throw badAnswer(http.apiUrl, dir, 'it is neither a list of entries nor a file');
    }
    const result = parseListing(parsed);
    if ('problem' in result) throw badAnswer(http.apiUrl, dir, result.problem);
    return result.entries;
}

async function readRepoFile(repo: Repository, path: string): Promise<Buffer | undefined> {
    const { http, repoName, ref } = repo;
    const answer = await http.get(`${http.rawUrl}/${repoName}/${encodePath(ref ?? 'HEAD')}/${encodePath(path)}`, '*/*');
    if (answer.status === 404) return undefined;
    if (answer.status < 200 || answer.status >= 300) throw failure(repo, answer, path);
    return answer.body;
}

/** Why the listing of integrations/ answered 404: an unknown ref, an unknown repository, or no such folder. */
async function explainMissingRoot(repo: Repository): Promise<FerryError> {
    const { http, repoName, ref } = repo;
    const message = repo.notFoundMessages.get('integrations') ?? '';
    if (ref && /no commit found/i.test(message)) {
        return new FerryError({
            code: 'CLONE_REF_NOT_FOUND',
            message: `${repoName} has no branch, tag or commit '${ref}'`,
            hint: 'Check --ref, or leave it out to use the default branch.',
            details: { repo: repoName, ref }
        });
    }
    const answer = await http.get(`${http.apiUrl}/repos/${repoName}`, 'application/vnd.github+json');
    if (answer.status === 404) {
        return new FerryError({
            code: 'CLONE_REPO_NOT_FOUND',
            message: `GitHub has no repository ${repoName}${http.auth ? ' that this token can see' : ''}`,
            hint: http.auth
                ? `Check --repo, and that ${http.auth.variable} has access to the repository.`
                : 'Check --repo; for a private repository set GITHUB_TOKEN to a token that can read it.',
            details: { repo: repoName }
        });
    }
    if (answer.status < 200 || answer.status >= 300) return failure(repo, answer, `repository ${repoName}`);
    return new FerryError({
        code: 'CLONE_NO_TEMPLATES',
        message: `${repoName}${ref ? ` at '${ref}'` : ''} has no integrations/ folder`,
        hint: 'Templates live under integrations/<integration>/ in the repository: check --repo and --ref.',
        details: { repo: repoName, ...(ref ? { ref } : {}) }
    });
}
