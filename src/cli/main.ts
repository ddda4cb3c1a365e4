#!/usr/bin/env node
// Entry point: the only place that reads argv; everything else gets values.
import { run } from './program.js';

process.exitCode = await run(process.argv.slice(2));
