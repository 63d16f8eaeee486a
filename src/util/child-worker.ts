/**
 * Where function code runs (a definition being read, a function being run): a child process, not a
 * worker thread. A worker thread that reaches its heap limit may abort the whole process instead
 * of ending alone (Node 24 does so when a promise chain fills the heap; worker_threads documents
 * its limits as best effort), and function code must never take the CLI or `ferry serve` down
 * with it. This gives the hosts the slice of the Worker interface they use, over `fork` with an
 * empty environment, no output and the heap limit as a V8 flag. The script gets `data` as JSON in
 * argv[2] and talks over the IPC channel.
 */
import { fork, type ChildProcess, type Serializable } from 'node:child_process';
import { EventEmitter } from 'node:events';

/** What V8's out-of-memory abort looks like from the parent. */
const isOutOfMemory = (code: number | null, signal: NodeJS.Signals | null): boolean => signal === 'SIGABRT' || code === 134;

export class ChildWorker extends EventEmitter {
    private readonly child: ChildProcess;
    private exited = false;

    constructor(file: string, data: unknown, heapMb: number) {
        super();
        this.child = fork(file, [JSON.stringify(data)], {
            env: {},
            execArgv: [`--max-old-space-size=${heapMb}`],
            serialization: 'advanced',
            // What function code prints past its silenced console (or process._rawDebug) goes nowhere.
            stdio: ['ignore', 'ignore', 'ignore', 'ipc']
        });
        this.child.on('message', (message) => this.emit('message', message));
        this.child.on('error', (error) => this.emit('error', error));
        this.child.on('exit', (code, signal) => {
            this.exited = true;
            if (isOutOfMemory(code, signal)) this.emit('error', Object.assign(new Error(`the process ran out of memory (its heap limit is ${heapMb} MB)`), { code: 'ERR_WORKER_OUT_OF_MEMORY' }));
            this.emit('exit', code ?? 1, signal);
        });
    }

    postMessage(message: unknown): void {
        // A process that has just died answers with 'exit', which the host already handles.
        if (!this.exited) this.child.send(message as Serializable, (error) => void error);
    }

    ref(): void {
        this.child.ref();
        this.child.channel?.ref();
    }

    unref(): void {
        this.child.unref();
        this.child.channel?.unref();
    }

    terminate(): Promise<void> {
        if (this.exited) return Promise.resolve();
        return new Promise((resolve) => {
            // Held until it has exited: an unref'd child's exit would not keep the caller's await alive.
            this.child.ref();
            this.child.once('exit', () => resolve());
            this.child.kill('SIGKILL');
        });
    }
}
