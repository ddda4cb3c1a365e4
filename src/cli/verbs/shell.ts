// `mkb shell [-- command…]` and `mkb boot [-- nspawn options…]`: the main image, already built (or built now
// with -f, as mkosi 27.1 does), run with systemd-nspawn. Directory images only: mkosi also boots disk images,
// which mkb does not build yet, and refuses every other format.
import { existsSync, lstatSync, statSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { str } from '../../nodes/image/image-settings.js';
import type { Settings } from '../../nodes/types.js';
import { EXIT } from '../engine/exit.js';
import { selectedDirectory } from '../load-options.js';
import { VerbFailed } from '../report-error.js';
import type { VerbContext } from '../verb-context.js';
import { buildVerb } from './build.js';
import { loadForVerb } from './load.js';
import { nspawnArgv, unsupportedRuntimeSettings } from './nspawn-command.js';

function checkFormat(verb: 'shell' | 'boot', settings: Settings): void {
  const what = verb === 'shell' ? 'acquire shell in' : 'boot';
  const format = str(settings, 'Format') ?? 'disk';
  if (format === 'disk') throw new VerbFailed(`Cannot ${what} disk images yet: mkb does not build them`, 'build with Format=directory, or use mkosi 27.1');
  if (format !== 'directory') throw new VerbFailed(`Cannot ${what} ${format} images with systemd-nspawn`, 'only directory (and, with mkosi, disk) images can be run');
  const unsupported = unsupportedRuntimeSettings(settings);
  if (unsupported.length > 0) throw new VerbFailed(`${unsupported.join(', ')} not supported by mkb ${verb} yet`, `use mkosi 27.1 ${verb} for this image`);
}

/** The caller's core-dump limit as nspawn wants it (`soft:hard`, `infinity` for unlimited). */
async function coreLimit(): Promise<string> {
  const { execa } = await import('execa');
  const r = await execa('sh', ['-c', 'echo "$(ulimit -Sc):$(ulimit -Hc)"'], { reject: false });
  return r.exitCode === 0 ? r.stdout.trim().replace(/unlimited/g, 'infinity') : '0:infinity';
}

/** mkosi's default credentials (locale, the host's time zone) and Credentials=, as files nspawn loads. */
async function writeCredentials(dir: string, settings: Settings): Promise<{ name: string; path: string }[]> {
  const values = new Map<string, string>([['firstboot.locale', 'C.UTF-8']]);
  const configured = settings['Credentials'];
  for (const c of Array.isArray(configured) ? configured as { Name?: unknown; Value?: unknown; Path?: unknown }[] : []) {
    if (typeof c.Name !== 'string') continue;
    if (typeof c.Value === 'string') values.set(c.Name, c.Value);
    else if (typeof c.Path === 'string') values.set(c.Name, `@${c.Path}`);
  }
  if (!values.has('firstboot.timezone')) {
    const { execa } = await import('execa');
    const tz = await execa('timedatectl', ['show', '-p', 'Timezone', '--value'], { reject: false }).catch(() => undefined);
    values.set('firstboot.timezone', tz?.exitCode === 0 && tz.stdout.trim() !== '' ? tz.stdout.trim() : 'UTC');
  }
  const out: { name: string; path: string }[] = [];
  for (const [name, value] of values) {
    if (value.startsWith('@')) out.push({ name, path: value.slice(1) });
    else {
      await writeFile(join(dir, name), value, { mode: 0o600 });
      out.push({ name, path: join(dir, name) });
    }
  }
  return out;
}

export async function shellVerb(ctx: VerbContext): Promise<number> {
  const verb = ctx.parsed.verb === 'boot' ? 'boot' : 'shell';
  const loaded = await loadForVerb(ctx);
  const root = selectedDirectory(ctx.parsed, ctx.io) ?? ctx.io.cwd;
  const main = loaded.images.at(-1);
  if (main === undefined) throw new VerbFailed('nothing to run: the configuration defines no image');
  checkFormat(verb, main);
  const image = join(str(main, 'OutputDirectory') ?? root, str(main, 'Output') ?? 'image');
  if (ctx.parsed.force > 0) {
    const built = await buildVerb(ctx);
    if (built !== EXIT.ok) return built;
  } else if (!existsSync(image)) {
    throw new VerbFailed(`Image '${str(main, 'Image') ?? 'main'}' has not been built yet`, "Make sure to build the image first with 'mkb build' or use '--force'");
  }
  if (lstatSync(image).uid !== 0) throw new VerbFailed('Can only operate on root owned directory images', `${image} belongs to another user`);
  if (process.getuid?.() !== 0) throw new VerbFailed('Must be root to operate on root owned directory images', `run mkb ${verb} as root`);
  const credentials = await mkdtemp(join(tmpdir(), 'mkb-credentials-'));
  try {
    const argv = nspawnArgv({
      verb, settings: main, image, args: ctx.parsed.args, credentials: await writeCredentials(credentials, main), coreLimit: await coreLimit(),
      hostSystemd: existsSync('/run/systemd/system'), user: userInfo().username,
      ownedByRoot: (path) => statSync(path).uid === 0,
    });
    if (ctx.parsed.debug) ctx.io.err(`‣ ${argv.join(' ')}\n`);
    const [command = 'systemd-nspawn', ...rest] = argv;
    const { execa } = await import('execa');
    const r = await execa(command, rest, { stdio: 'inherit', reject: false, env: { SYSTEMD_TMPFILES_FORCE_SUBVOL: '0', ...process.env } });
    if (r.failed && r.exitCode === undefined) {
      throw new VerbFailed(`cannot run ${command}: ${r.shortMessage}`, "install Debian's systemd-container package");
    }
    return r.exitCode ?? EXIT.buildFailed;
  } finally {
    await rm(credentials, { recursive: true, force: true });
  }
}
