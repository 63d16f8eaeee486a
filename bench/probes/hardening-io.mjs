// Items 6 and 7 of the hardening probe: clone and links out of the checkout or a malformed
// listing, and secret keys in NANGO_HOSTPORT or an --input file.
import { mkdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { KEY, ferry, errorCode, mainLine, summary, leaks, tempDir, project, action, server, tree, probe } from './support.mjs';

// ---------------------------------------------------------------- 6. clone stays inside the checkout

export async function item6() {
    await probe(6, 'clone --from: a template file symlinked to /etc/passwd', '/etc/passwd copied into the project', async () => {
        const root = await project('clone-link', { 'demo/actions/a.ts': action() });
        const from = await tempDir('clone-from');
        await mkdir(join(from, 'integrations/github/actions'), { recursive: true });
        await symlink('/etc/passwd', join(from, 'integrations/github/actions/evil.ts'));
        const r = await ferry(['clone', 'github/actions/evil', '--from', from], { cwd: root });
        return `${summary(r)}; /etc/passwd in the project: ${(await passwdCopied(root)) ? 'YES' : 'no'}`;
    });
    await probe(6, 'clone --from: a template importing a helper symlinked to /etc/passwd', '/etc/passwd copied into the project (helper)', async () => {
        const root = await project('clone-helper', { 'demo/actions/a.ts': action() });
        const from = await tempDir('clone-from');
        await mkdir(join(from, 'integrations/github/actions'), { recursive: true });
        await mkdir(join(from, 'integrations/github/helpers'), { recursive: true });
        await writeFile(join(from, 'integrations/github/actions/ok.ts'), action("import { h } from '../helpers/h.js';\nvoid h;"));
        await symlink('/etc/passwd', join(from, 'integrations/github/helpers/h.ts'));
        const r = await ferry(['clone', 'github/actions/ok', '--from', from], { cwd: root });
        return `${summary(r)}; /etc/passwd in the project: ${(await passwdCopied(root)) ? 'YES' : 'no'}`;
    });
    const listings = {
        'an object, not a list': { unexpected: true },
        "an entry named '../../../etc/passwd'": [{ name: '../../../etc/passwd', path: 'integrations/github/actions/../../../etc/passwd', type: 'file', sha: '0', size: 1 }],
        'entries without name/type': [{ foo: 1 }]
    };
    for (const [what, listing] of Object.entries(listings)) {
        await probe(6, `clone from a fake GitHub API (FERRY_GITHUB_API_URL) whose listing is ${what}`, '"internal error ... bug in Ferry"', async () => {
            const root = await project('clone-listing', { 'demo/actions/a.ts': action() });
            const gh = await server((req, res, body, url) => {
                if (url.pathname.startsWith('/raw/')) return { status: 404, body: {} };
                if (url.pathname.includes('/contents')) return { body: listing };
                if (url.pathname.startsWith('/repos/')) return { body: { full_name: 'NangoHQ/integration-templates', default_branch: 'main' } };
                return undefined;
            });
            const r = await ferry(['clone', 'github/actions'], { cwd: root, env: { FERRY_GITHUB_API_URL: gh.url, FERRY_GITHUB_RAW_URL: `${gh.url}/raw` } });
            return `${summary(r)}${/internal error/i.test(r.stderr) ? ' [INTERNAL ERROR]' : ''}`;
        });
    }
}

async function passwdCopied(root) {
    for (const rel of await tree(root)) {
        if (rel.startsWith('node_modules')) continue;
        const text = await readFile(join(root, rel), 'utf8').catch(() => '');
        if (text.includes('root:x:0:0')) return true;
    }
    return false;
}

// ---------------------------------------------------------------- 7. secrets never printed

export async function item7() {
    const refusing = await server((req, res, body, url) => ({ status: 401, body: { error: { message: `no access to ${url.pathname}${url.search}` } } }));
    const root = await project('secrets', { 'demo/actions/probe.ts': action() });
    const shapes = { 'the whole value': KEY, 'a query string': `${refusing.url}/?key=${KEY}`, 'a path segment': `${refusing.url}/${KEY}` };
    for (const [shape, hostport] of Object.entries(shapes)) {
        await probe(7, `NANGO_HOSTPORT holds the secret key as ${shape}: deploy, deploy --json, dryrun, dryrun --json`, 'the key was printed (deploy; --json included)', async () => {
            const outcomes = [];
            for (const args of [['deploy', '--auto-confirm'], ['deploy', '--auto-confirm', '--json'], ['dryrun', 'probe', 'c1', '--input', '{"a":"x"}'], ['dryrun', 'probe', 'c1', '--input', '{"a":"x"}', '--json']]) {
                const r = await ferry(args, { cwd: root, env: { NANGO_SECRET_KEY_DEV: KEY, NANGO_HOSTPORT: hostport } });
                const code = errorCode(r);
                outcomes.push(`${args[0]}${args.includes('--json') ? ' --json' : ''}: exit ${r.code}${code ? ` ${code}` : ''}${leaks(r) ? ' KEY PRINTED' : ''}`);
                if (!args.includes('--json')) outcomes.push(`"${mainLine(r).slice(0, 90)}"`);
            }
            const leaked = outcomes.filter((o) => o.includes('KEY PRINTED')).length;
            return `${outcomes.join('; ')} -> key printed in ${leaked}/4`;
        });
    }
    await probe(7, '`dryrun --input @leaky.env` (a non-JSON file holding a secret)', "the file's contents were quoted in the error", async () => {
        const secret = 'sk-leaky-file-9876543210fedcba';
        await writeFile(join(root, 'leaky.env'), `NANGO_SECRET_KEY_DEV=${secret}\n`);
        const r = await ferry(['dryrun', 'probe', 'c1', '--input', '@leaky.env'], { cwd: root, env: { NANGO_SECRET_KEY_DEV: KEY, NANGO_HOSTPORT: refusing.url } });
        const rj = await ferry(['dryrun', 'probe', 'c1', '--input', '@leaky.env', '--json'], { cwd: root, env: { NANGO_SECRET_KEY_DEV: KEY, NANGO_HOSTPORT: refusing.url } });
        return `${summary(r)}; file contents printed: ${leaks(r, secret) || leaks(rj, secret) ? 'YES' : 'no'} (--json too)`;
    });
}
