/**
 * commander, loaded as CommonJS. Its ESM entry is a wrapper that makes Node parse the
 * CommonJS sources for named exports, which costs about 10 ms on every start; `--help`
 * has to be fast, so everything takes commander from here.
 */
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const commander = require('commander') as typeof import('commander');

export const { Command, CommanderError, Option } = commander;
