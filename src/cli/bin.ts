#!/usr/bin/env node
// The `changegate` executable: everything else lives in main.ts so tests can call run() in-process.
import { run } from './main.js';

process.exitCode = await run(process.argv.slice(2));
