import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { DiagnosticSink } from '../diagnostics.js';
import { findSetting } from '../settings/index.js';
import type { SettingDef } from '../settings/types.js';
import { ValueError } from '../values/kind.js';
import { addDefaultInitrd } from './default-initrd.js';
import { applyHistory, usesHistory } from './history.js';
import { imageJson } from './image-json.js';
import { loadSubimages, resolveDependencies, type LoadedImage } from './images.js';
import { ConfigParser } from './parse-directory.js';
import { ParseContext } from './parse-context.js';
import { lookupStorage } from './storage.js';
import { loadToolsTree } from './tools-tree.js';
import type { CliAssignment, LoadedConfig, LoadOptions } from './types.js';

/** `<dir>/mkosi/` is the config directory when `<dir>` has no mkosi.conf/mkosi.tools.conf but `mkosi/` does. */
export function configDirectory(dir: string): string {
  const has = (d: string): boolean => existsSync(join(d, 'mkosi.conf')) || existsSync(join(d, 'mkosi.tools.conf'));
  if (!has(dir) && has(join(dir, 'mkosi'))) return join(dir, 'mkosi');
  return dir;
}

/** Applies argv assignments to the command-line namespace; returns the `--include` values in order. */
function applyCli(ctx: ParseContext, cli: readonly CliAssignment[], cwd: string): string[] {
  const includes: string[] = [];
  for (const assignment of cli) {
    const found = findSetting(assignment.setting);
    const at = { kind: 'cli', option: assignment.option } as const;
    if (!found) {
      ctx.sink.error({ message: `unknown setting ${assignment.setting}`, at, setting: assignment.setting });
      continue;
    }
    const def: SettingDef = found.def;
    if (def.name === 'Include') {
      includes.push(...assignment.raw.split(/[,\s]+/).filter((s) => s !== ''));
      continue;
    }
    try {
      ctx.assign(def, assignment.raw, 'cli', ctx.parseEnv(cwd));
    } catch (error) {
      if (!(error instanceof ValueError)) throw error;
      ctx.sink.error({
        message: error.message, at, setting: def.name, text: `${assignment.option}=${assignment.raw}`,
        ...(error.hint ? { hint: error.hint } : {}),
      });
    }
  }
  return includes;
}

/**
 * Loads a configuration tree as mkosi 27.1 does: command line, local config, default paths, mkosi.conf,
 * drop-ins, profiles, includes; then the tools tree, subimages and the default initrd. Throws
 * ConfigInvalid with every problem of the pass.
 */
export async function loadConfig(options: LoadOptions): Promise<LoadedConfig> {
  const sink = new DiagnosticSink();
  const parser = new ConfigParser({ resourcesDir: options.resourcesDir });
  const invocationCwd = options.cwd ?? options.directory ?? '/';
  const configdir = options.directory === null ? null : configDirectory(options.directory);
  const main = new ParseContext({ image: 'main', host: options.host, sink, lookup: lookupStorage, cwd: configdir ?? invocationCwd });

  const includes = applyCli(main, options.cli, invocationCwd);
  if (options.directory !== null && usesHistory(options.verb, options.force)) {
    const optionOf = (def: SettingDef): string => options.cli.find((a) => a.setting === def.name)?.option ?? def.cli?.long ?? def.name;
    await applyHistory(main, options.directory, optionOf);
  }
  // Command-line includes are parsed first, relative to where mkb was started, and are not listed in Files.
  main.cwd = invocationCwd;
  for (const value of includes) await parser.include(main, value, { kind: 'cli', option: '--include' });
  main.cwd = configdir ?? invocationCwd;
  main.files.length = 0;
  if (configdir !== null) await parser.parseDirectory(main, configdir, { profiles: true, local: true });
  sink.throwIfErrors();

  const tools = configdir === null ? null : await loadToolsTree({ parser, main, sink, configdir, options });
  const subimages = configdir === null ? [] : await loadSubimages({ parser, main, sink, configdir, options });
  const all: LoadedImage[] = [...subimages, { name: 'main', ctx: main }];
  if (configdir !== null) await addDefaultInitrd({ parser, main, sink, configdir, options, images: all });
  sink.throwIfErrors();

  const ordered = resolveDependencies(all, sink);
  sink.throwIfErrors();
  return {
    images: ordered.map((image) => image.json ?? imageJson(image.ctx)),
    tools: tools ? imageJson(tools) : null,
    warnings: sink.items.filter((d) => d.severity === 'warning'),
  };
}
