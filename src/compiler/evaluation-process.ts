/**
 * The evaluation "worker" is a child process, not a worker thread: a worker thread that reaches
 * its heap limit may abort the whole process instead of ending alone (Node 24 does so for a plain
 * allocation loop; worker_threads documents the limits as best effort), and a function file must
 * never take the CLI down with it. This gives evaluation-host.ts the slice of the Worker interface
 * it uses, over `fork` with an empty environment and the heap limit as a V8 flag.
 */
import { fork, type ChildProcess, type Serializable } from 'node:child_process';
import { EventEmitter } from 'node:events';
import type { EvaluationWorkerData } from './evaluation-protocol.js';

/** What V8's out-of-memory abort looks like from the parent. */
const isOutOfMemory = (code: number | null, signal: NodeJS.Signals | null): boolean => signal === 'SIGABRT' || code === 134;

export class EvaluationProcess extends EventEmitter {
    private readonly child: ChildProcess;
    private exited = false;

    constructor(file: string, data: EvaluationWorkerData, heapMb: number) {
        super();
        this.child = fork(file, [JSON.stringify(data)], {
            env: {},
            execArgv: [`--max-old-space-size=${heapMb}`],
            serialization: 'advanced',
            // What a bundle prints past its silenced console goes nowhere.
            stdio: ['ignore', 'ignore', 'ignore', 'ipc']
        });
        this.child.on('message', (message) => this.emit('message', message));
        this.child.on('error', (error) => this.emit('error', error));
        this.child.on('exit', (code, signal) => {
            this.exited = true;
            if (isOutOfMemory(code, signal)) this.emit('error', Object.assign(new Error('the evaluation process ran out of memory'), { code: 'ERR_WORKER_OUT_OF_MEMORY' }));
            this.emit('exit', code ?? 1);
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
            this.child.once('exit', () => resolve());
            this.child.kill('SIGKILL');
        });
    }
}
