/**
 * Runs starting and finishing, as they are recorded (runs-store.ts), for whoever shows them live
 * (the dashboard's event stream). Keyed by the storage the run was written to, so two servers in
 * one process (tests) never see each other's runs.
 */
import { EventEmitter } from 'node:events';

export interface RunEvent {
    id: number;
    phase: 'start' | 'finish';
}

const emitters = new WeakMap<object, EventEmitter>();

export function runEvents(db: object): EventEmitter {
    let emitter = emitters.get(db);
    if (!emitter) {
        emitter = new EventEmitter();
        // One listener per open dashboard tab; their number is bounded where they subscribe.
        emitter.setMaxListeners(0);
        emitters.set(db, emitter);
    }
    return emitter;
}

export function emitRunEvent(db: object, event: RunEvent): void {
    emitters.get(db)?.emit('run', event);
}
