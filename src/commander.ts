/**
 * commander, from one place. The CLI bundle (esbuild.config.mjs) folds commander in, so
 * `--help` reads one file instead of commander's seven CommonJS modules.
 */
export { Command, CommanderError, Option } from 'commander';
