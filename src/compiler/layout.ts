/**
 * Where compile keeps its output and state inside a project. A module of its own, free of heavy
 * imports, so `dryrun` can look for the compile cache without loading the compiler.
 */
import { join } from 'node:path';

/** Bundles, relative to the project root. */
export const BUILD_DIR = 'build';
/** Ferry's own state inside build/: the compile cache, the generated tsconfig, tsBuildInfo. */
export const CACHE_DIR = join(BUILD_DIR, '.ferry');
/** The compile cache's file name inside CACHE_DIR. */
export const CACHE_FILE_NAME = 'compile-cache.json';
/** The compile cache, relative to the project root. */
export const COMPILE_CACHE_FILE = join(CACHE_DIR, CACHE_FILE_NAME);
