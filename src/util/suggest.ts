/** "Did you mean" suggestions for names the user mistyped. */

export function editDistance(a: string, b: string): number {
    if (a === b) return 0;
    const previous = Array.from({ length: b.length + 1 }, (_, i) => i);
    for (let i = 1; i <= a.length; i++) {
        let diagonal = previous[0]!;
        previous[0] = i;
        for (let j = 1; j <= b.length; j++) {
            const above = previous[j]!;
            previous[j] = Math.min(above + 1, previous[j - 1]! + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
            diagonal = above;
        }
    }
    return previous[b.length]!;
}

/** The candidates closest to `input`, best first; only those close enough to be a plausible typo or prefix. */
export function closest(input: string, candidates: Iterable<string>, max = 3): string[] {
    const needle = input.toLowerCase();
    return [...new Set(candidates)]
        .map((candidate) => {
            const hay = candidate.toLowerCase();
            const distance = hay.includes(needle) || needle.includes(hay) ? 0.5 : editDistance(needle, hay);
            return { candidate, distance };
        })
        .filter(({ candidate, distance }) => distance <= Math.max(2, Math.floor(candidate.length / 3)))
        .sort((x, y) => x.distance - y.distance || x.candidate.localeCompare(y.candidate))
        .slice(0, max)
        .map(({ candidate }) => candidate);
}

/** ` Did you mean 'a' or 'b'?` or an empty string. */
export function didYouMean(input: string, candidates: Iterable<string>): string {
    const names = closest(input, candidates);
    if (names.length === 0) return '';
    const quoted = names.map((n) => `'${n}'`);
    return `Did you mean ${quoted.length === 1 ? quoted[0] : `${quoted.slice(0, -1).join(', ')} or ${quoted.at(-1)}`}?`;
}
