#!/usr/bin/env node
// Shim only: all behaviour, including exit codes, lives in the built CLI.
import { main } from '../dist/cli.js';

await main(process.argv);
