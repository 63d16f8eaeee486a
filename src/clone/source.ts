/**
 * Where templates come from. The clone logic sees a read-only tree of repository paths
 * (`integrations/github/actions/list-repos.ts`, posix separators) and never knows whether it is
 * GitHub or a folder on disk; tests and other sources plug in here.
 */

export interface SourceEntry {
    name: string;
    kind: 'file' | 'dir' | 'other';
}

export interface TemplateSource {
    /** How to name this source in messages: `NangoHQ/integration-templates@HEAD`, or a folder. */
    readonly label: string;
    /** The templates folder, as a repository path: `integrations`. */
    readonly templatesDir: string;
    /** Whatever a caller may want to report about where files came from (repo, ref or folder). */
    readonly origin: Record<string, string>;
    /** The flags that pick this source again, for commands Ferry suggests: `--from <folder>`, `--repo`, `--ref`. */
    readonly flags: readonly string[];
    /** The entries of a folder; undefined when there is no such folder. */
    list(dir: string): Promise<SourceEntry[] | undefined>;
    /** A file's bytes; undefined when there is no such file. Any other failure throws. */
    read(path: string): Promise<Buffer | undefined>;
    /**
     * Called when even the templates folder cannot be listed: the error that says why (unknown
     * repository, unknown ref, not a checkout).
     */
    explainMissingRoot(): Promise<Error>;
    /** Stops requests still under way (after another one failed). */
    abort(): void;
    close(): Promise<void>;
}
