#!/usr/bin/env node
// Shim only: all behaviour, including exit codes, lives in the built CLI (bundled by
// `npm run build`: esbuild.config.mjs).
import { main } from '../dist/bundle/cli.js';

await main(process.argv);
