import type { Command } from 'commander';
import { buildCommand } from './build/command.js';
import { cacheCommand } from './cache/command.js';
import { cleanCommand } from './clean/command.js';
import { explainCommand } from './explain/command.js';
import { graphCommand } from './graph/command.js';

/** The engine-facing commands; program.ts registers them with one line. Actions load lazily. */
export const engineCommands: readonly Command[] = [buildCommand, explainCommand, graphCommand, cacheCommand, cleanCommand];
