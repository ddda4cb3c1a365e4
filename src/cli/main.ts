#!/usr/bin/env node
// Entry point: the only place that reads argv; everything else gets values.
import { run } from './program.js';

try {
  process.exitCode = await run(process.argv.slice(2));
} catch (error) {
  const { reportError } = await import('./report-error.js');
  process.exitCode = reportError(error, { debug: process.argv.includes('--debug'), err: (t) => void process.stderr.write(t) });
}
