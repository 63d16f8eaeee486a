/** Logs each step's time under --debug (`<what>: <step> in <ms> ms`); free otherwise. */
export function stopwatch(debug: ((message: string) => void) | undefined, what: string): (step: string) => void {
    if (!debug) return () => {};
    let last = performance.now();
    return (step) => {
        const now = performance.now();
        debug(`${what}: ${step} in ${(now - last).toFixed(1)} ms`);
        last = now;
    };
}
