import { join } from 'node:path';
import type { DiagnosticSink } from '../diagnostics.js';
import { listDirectory } from './default-paths.js';
import type { ConfigParser } from './parse-directory.js';
import { ParseContext } from './parse-context.js';
import { seedFromMain, subimageForbidden } from './pass-down.js';
import { lookupStorage } from './storage.js';
import type { ImageJson, LoadOptions } from './types.js';

export interface LoadedImage {
  readonly name: string;
  readonly ctx: ParseContext;
  /** Precomputed JSON (the default initrd rewrites main's Initrds/Dependencies before printing). */
  json?: ImageJson;
}

/** What the multi-image steps share. */
export interface ImageLoadEnv {
  readonly parser: ConfigParser;
  readonly main: ParseContext;
  readonly sink: DiagnosticSink;
  readonly configdir: string;
  readonly options: LoadOptions;
}

/** Parses every entry of `mkosi.images/` (sorted; directories and `*.conf`), dropping those whose match fails. */
export async function loadSubimages(env: ImageLoadEnv): Promise<LoadedImage[]> {
  const dir = join(env.configdir, 'mkosi.images');
  const entries = [...listDirectory(dir).values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const images: LoadedImage[] = [];
  for (const entry of entries) {
    const path = join(dir, entry.name);
    const isDirectory = entry.isDirectory() || (entry.isSymbolicLink() && listDirectory(path).size > 0);
    if (!isDirectory && !entry.name.endsWith('.conf')) continue;
    const name = isDirectory ? entry.name : entry.name.slice(0, -'.conf'.length);
    const ctx = new ParseContext({
      image: name, host: env.options.host, sink: env.sink, lookup: lookupStorage, forbidden: subimageForbidden,
      cwd: isDirectory ? path : env.configdir,
    });
    seedFromMain(ctx, env.main, { forced: new Set(['universal', 'multiversal']), inherited: new Set(['inherit']) });
    const parsed = isDirectory
      ? await env.parser.parseDirectory(ctx, path, { profiles: true, local: true })
      : await env.parser.parseFile(ctx, path);
    if (parsed) images.push({ name, ctx });
  }
  if (!env.main.isSet('Dependencies')) env.main.seed('Dependencies', images.map((i) => i.name), 'config');
  return images;
}

function dependenciesOf(image: LoadedImage): readonly string[] {
  return (image.ctx.get('Dependencies') ?? []) as readonly string[];
}

/**
 * The images to build, dependencies first and main last: the closure of main's Dependencies, ordered like
 * a topological sort that takes ready images in list order. Unknown names and cycles are config errors.
 */
export function resolveDependencies(images: readonly LoadedImage[], sink: DiagnosticSink): LoadedImage[] {
  const byName = new Map<string, LoadedImage>();
  for (const image of images) if (!byName.has(image.name)) byName.set(image.name, image);
  const reachable = new Set<string>(['main']);
  const queue = ['main'];
  while (queue.length > 0) {
    const image = byName.get(queue.shift() as string);
    if (!image) continue;
    for (const dep of dependenciesOf(image)) {
      if (!byName.has(dep)) {
        sink.error({ message: `No image found with name ${dep}`, setting: 'Dependencies', hint: `images are: ${[...byName.keys()].join(', ')}` });
        return [];
      }
      if (!reachable.has(dep)) {
        reachable.add(dep);
        queue.push(dep);
      }
    }
  }
  const nodes = new Map<string, { preds: number; succ: string[] }>();
  const info = (name: string): { preds: number; succ: string[] } => {
    let node = nodes.get(name);
    if (!node) nodes.set(name, (node = { preds: 0, succ: [] }));
    return node;
  };
  for (const image of images) {
    if (!reachable.has(image.name) || byName.get(image.name) !== image) continue;
    const node = info(image.name);
    for (const dep of dependenciesOf(image)) {
      node.preds++;
      info(dep).succ.push(image.name);
    }
  }
  const order: string[] = [];
  let ready = [...nodes.entries()].filter(([, n]) => n.preds === 0).map(([name]) => name);
  while (ready.length > 0) {
    order.push(...ready);
    const next: string[] = [];
    for (const name of ready) {
      for (const succ of info(name).succ) if (--info(succ).preds === 0) next.push(succ);
    }
    ready = next;
  }
  if (order.length < nodes.size) {
    sink.error({
      message: `Image dependency cycle detected: ${findCycle(byName).join(' => ')}`, setting: 'Dependencies',
      hint: 'an image cannot depend on itself, directly or through other images; remove one Dependencies= entry of the chain',
    });
    return [];
  }
  return order.flatMap((name) => images.filter((image) => image.name === name));
}

function findCycle(byName: ReadonlyMap<string, LoadedImage>): string[] {
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (name: string): string[] | undefined => {
    if (state.get(name) === 'open') return [...stack.slice(stack.indexOf(name)), name];
    if (state.get(name) === 'done') return undefined;
    state.set(name, 'open');
    stack.push(name);
    const image = byName.get(name);
    for (const dep of image ? dependenciesOf(image) : []) {
      const cycle = visit(dep);
      if (cycle) return cycle;
    }
    stack.pop();
    state.set(name, 'done');
    return undefined;
  };
  for (const name of byName.keys()) {
    const cycle = visit(name);
    if (cycle) return cycle;
  }
  return [];
}
