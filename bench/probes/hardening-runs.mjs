// Items 4, 5 and 8 of the hardening probe: resource limits of a function run, escape sequences
// from function code, errors that are the user's, and interrupted deploys.
import { spawnSync } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ferryBin } from '../lib.mjs';
import { sleep, ferry, firstLine, ended, summary, project, action, platform, platformEnv, probe, dryrunWith, testWith, drained } from './support.mjs';

// ---------------------------------------------------------------- 4. resource limits in the runtime

export async function item4() {
    const big = 'const big = new Uint8Array(4 * 1024 ** 3); big[big.length - 1] = 1; return { b: String(big.length) };';
    await probe(4, 'a 4 GB `new Uint8Array(4 * 1024 ** 3)` in an action: dryrun', 'the allocation succeeded', async () => summary((await dryrunWith('u8-dryrun', big)).r));
    await probe(4, 'the same allocation in `ferry test` (create-issue of an init project)', 'the allocation succeeded', async () => summary(await testWith('u8-test', big.replace('return { b: String(big.length) };', ''))));
    await probe(4, 'dryrun default timeout (`dryrun --help`), and an action that never settles under `--timeout 2s`', 'no default timeout', async () => {
        const help = await ferry(['dryrun', '--help'], { cwd: tmpdir() });
        const line = /--timeout <duration>\s+(.{0,150})/.exec(help.stdout.replace(/\s+/g, ' '))?.[1].replace(/ -[-\w].*$/, '') ?? '(no --timeout in the help)';
        const { r } = await dryrunWith('never', 'await new Promise(() => setInterval(() => {}, 1000)); return { b: "" };', { args: ['--timeout', '2s'] });
        return `help: "--timeout ${line}"; never-settling action: ${summary(r)} after ${(r.ms / 1000).toFixed(1)} s`;
    });
    for (const value of ['30d', '2147484', '25d']) {
        await probe(4, `dryrun \`--timeout ${value}\` (above Node's 2^31-1 ms timer range)`, '"timeout after 2 ms" with a Node TimeoutOverflowWarning', async () => {
            const { r } = await dryrunWith('timeout-range', 'return { b: "done" };', { args: ['--timeout', value] });
            return `${summary(r)}${/TimeoutOverflow/.test(r.stderr) ? ' [Node TimeoutOverflowWarning]' : ''}`;
        });
    }
    await probe(4, 'a provider body of 300 MB (chunked, no length) answering `nango.get` in dryrun', 'read without a bound', async () => {
        let sent = 0;
        const proxy = async (req, res) => {
            res.writeHead(200, { 'content-type': 'application/json' });
            const chunk = Buffer.alloc(1 << 20, 0x61);
            res.write('{"pad":"');
            for (let i = 0; i < 300 && !res.destroyed; i++) {
                if (!res.write(chunk)) await drained(res);
                sent += chunk.length;
            }
            res.end('"}');
        };
        const { r, plat } = await dryrunWith('huge', "const page = await nango.get({ endpoint: '/huge' }); return { b: String(JSON.stringify(page.data).length) };", { proxy });
        const calls = plat.requests.filter((q) => q.path.startsWith('/proxy')).length;
        return `${summary(r)}; /proxy requests: ${calls}; the fake had sent ${(sent / 1e6).toFixed(0)} MB when the reader stopped`;
    });
}

// ---------------------------------------------------------------- 5. the terminal is not the function's

const hostileOutput = `const p = (nango.get as any).constructor.constructor('return process')();
        try { p._rawDebug('\\x1b]0;PWNED\\x07RAWDEBUG'); } catch { /* gone */ }
        await nango.log('title \\x1b]0;PWNED\\x07 clear \\x1b[2J clip \\x1b]52;c;ZXZpbA==\\x07 end');
        console.log('console \\x1b[2J end');
        throw new Error('boom \\x1b]0;T\\x07\\x1b[2J end');`;
const rawEsc = (r) => r.rawStdout.includes(0x1b) || r.rawStderr.includes(0x1b);

export async function item5() {
    const before = 'ESC sequences reached the terminal; `process._rawDebug` wrote to the CLI\'s stderr';
    await probe(5, 'dryrun: an action logging title change / screen clear / OSC 52, console.log with ESC, `process._rawDebug`, throwing with ESC', before, async () => {
        const { r } = await dryrunWith('esc-dryrun', hostileOutput);
        const rj = (await dryrunWith('esc-dryrun-json', hostileOutput, { args: ['--json'] })).r;
        return `${summary(r)}; raw ESC in output: ${rawEsc(r) || rawEsc(rj) ? 'YES' : 'no'} (--json too); RAWDEBUG printed: ${/RAWDEBUG/.test(r.stderr + rj.stderr) ? 'YES' : 'no'}`;
    });
    await probe(5, 'dryrun: an action returning `{ b: "\\x1b[2J\\x1b]52;c;ZXZpbA==\\x07" }`', 'the output reached the terminal raw', async () => {
        const { r } = await dryrunWith('esc-output', "return { b: 'x \\x1b[2J\\x1b]52;c;ZXZpbA==\\x07 y' };");
        return `${summary(r)}; raw ESC in output: ${rawEsc(r) ? 'YES' : 'no'}`;
    });
    await probe(5, '`ferry test`: the same hostile create-issue', before, async () => {
        const r = await testWith('esc-test', hostileOutput);
        return `${summary(r)}; raw ESC in output: ${rawEsc(r) ? 'YES' : 'no'}; RAWDEBUG printed: ${/RAWDEBUG/.test(r.stderr + r.stdout) ? 'YES' : 'no'}`;
    });
    await probe(5, 'compile: a top-level `throw new Error` holding a title change', 'the ESC sequence reached the terminal', async () => {
        const root = await project('esc-compile', { 'demo/actions/probe.ts': action("throw new Error('at load \\x1b]0;T\\x07 end');") });
        const r = await ferry(['compile', '--no-typecheck'], { cwd: root });
        return `${summary(r)}; raw ESC in output: ${rawEsc(r) ? 'YES' : 'no'}`;
    });
}

// ---------------------------------------------------------------- 8. errors are the user's

const internal = (r) => (/internal error|bug in Ferry/i.test(r.stderr + r.stdout) ? ' [INTERNAL ERROR]' : '');

export async function item8() {
    await probe(8, '`.env` is a folder: deploy and dryrun', '"internal error ... bug in Ferry"', async () => {
        const root = await project('env-folder', { 'demo/actions/probe.ts': action() });
        await mkdir(join(root, '.env'));
        const d = await ferry(['deploy', '--auto-confirm'], { cwd: root });
        const r = await ferry(['dryrun', 'probe', 'c1'], { cwd: root });
        return `deploy ${summary(d)}${internal(d)}; dryrun ${ended(r)}${internal(r)}, ${r.stderr.trim().split('\n').length} line(s)`;
    });
    await probe(8, 'ENOSPC, EACCES/EROFS', '"internal error ... bug in Ferry"', async () =>
        process.getuid?.() === 0
            ? 'skipped: the probe runs as root (permission bits do not refuse root, so no EACCES), and ENOSPC/EROFS need a small or read-only mount, which takes root tricks (mount); the only read-only mount here belongs to the sandbox machinery'
            : 'skipped: ENOSPC/EROFS need a small or read-only mount (mount needs root)');
    const faults = {
        "a function's own out-of-memory (arrays pushed forever)": 'const keep: number[][] = []; for (;;) keep.push(new Array(1e6).fill(1));',
        '`process.exit(0)` in exec (via the constructor)': "const p = (nango.get as any).constructor.constructor('return process')(); p.exit(0);"
    };
    for (const [what, body] of Object.entries(faults)) {
        await probe(8, `${what}: dryrun`, '"internal error ... bug in Ferry"', async () => {
            const { r } = await dryrunWith('fault-dryrun', body);
            return `${summary(r)}${internal(r)}`;
        });
        await probe(8, `${what}: \`ferry test\``, '"internal error ... bug in Ferry"', async () => {
            const r = await testWith('fault-test', body);
            return `${summary(r)}${internal(r)}`;
        });
    }
    await deployInterrupts();
}

const DESTRUCTIVE = { deletedSyncs: [{ name: 'old-sync', providerConfigKey: 'demo', connections: 3, auto_start: true }], deletedModels: ['OldModel'] };

async function deployInterrupts() {
    const before = 'Ctrl-C/Ctrl-D at the prompt did not exit 130 with "Nothing was deployed"';
    const hasScript = spawnSync('script', ['--version'], { stdio: 'ignore' }).status === 0;
    for (const [key, byte] of [['Ctrl-D', '\u0004'], ['Ctrl-C', '\u0003']]) {
        await probe(8, `${key} at the deploy prompt (destructive plan), in a pty made by util-linux \`script\``, before, async () => {
            if (!hasScript) return 'skipped: `script` (util-linux) is not installed, so no pty';
            const plat = await platform({ plan: DESTRUCTIVE });
            const root = await project('prompt-pty', { 'demo/actions/probe.ts': action() });
            const cmd = `${JSON.stringify(process.execPath)} ${JSON.stringify(ferryBin)} deploy`;
            let prompted = false;
            const r = await ferry([], {
                cwd: root,
                env: { ...platformEnv(plat.url), CI: undefined, TERM: 'dumb' },
                command: ['script', ['-qec', cmd, '/dev/null']],
                timeoutMs: 60_000,
                during: async (child, out) => {
                    for (let t = 0; t < 400 && !/\(y\/N\)/.test(out.stdout) && child.exitCode === null; t++) await sleep(50);
                    prompted = /\(y\/N\)/.test(out.stdout);
                    child.stdin.write(byte);
                }
            });
            const deployed = plat.requests.some((q) => q.path === '/sync/deploy');
            const text = r.stdout.replace(/\r/g, '');
            const line = text.split('\n').find((l) => /Interrupted|Nothing was deployed|error/i.test(l))?.trim() ?? firstLine(text);
            return `prompt shown: ${prompted ? 'yes' : 'NO'}; ${ended(r)}: "${line.slice(0, 140)}"; deploy request sent: ${deployed ? 'YES' : 'no'}`;
        });
    }
    await probe(8, 'Ctrl-D as the brief asks without a pty: deploy (destructive plan) with stdin ended, not --auto-confirm', before, async () => {
        const plat = await platform({ plan: DESTRUCTIVE });
        const root = await project('prompt-eof', { 'demo/actions/probe.ts': action() });
        const r = await ferry(['deploy'], { cwd: root, env: { ...platformEnv(plat.url), CI: undefined } });
        return `${summary(r)} (no terminal, so no prompt: the non-interactive refusal); deploy request sent: ${plat.requests.some((q) => q.path === '/sync/deploy') ? 'YES' : 'no'}`;
    });
    const stages = [
        ['while the plan (confirmation) is awaited', { confirmDelayMs: 5000 }, '/sync/deploy/confirmation'],
        ['after the deploy request was sent', { deployDelayMs: 5000 }, '/sync/deploy']
    ];
    for (const [when, delays, path] of stages) {
        await probe(8, `SIGINT to \`deploy --auto-confirm\` ${when}`, 'an interrupted deploy did not say whether the request was sent', async () => {
            const plat = await platform(delays);
            const root = await project('sigint', { 'demo/actions/probe.ts': action() });
            const r = await ferry(['deploy', '--auto-confirm'], {
                cwd: root,
                env: platformEnv(plat.url),
                during: async (child) => {
                    child.stdin.end();
                    for (let t = 0; t < 600 && !plat.requests.some((q) => q.path === path) && child.exitCode === null; t++) await sleep(50);
                    await sleep(200);
                    child.kill('SIGINT');
                }
            });
            const line = r.stderr.split('\n').find((l) => /Interrupted/.test(l))?.trim() ?? firstLine(r.stderr);
            return `${ended(r)}: "${line.slice(0, 150)}"`;
        });
    }
}
