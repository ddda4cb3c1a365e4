/** mkosi 27.1's verbs (plus mkb's engine verbs), in the order `mkosi --help` lists them. */
export interface VerbDef {
  readonly name: string;
  readonly aliases?: readonly string[];
  /** What may follow the verb, shown in the usage line (`[-- command line…]`). */
  readonly argsUsage?: string;
  /** Whether arguments after the verb are accepted (mkosi refuses them for most verbs). */
  readonly acceptsArgs: boolean;
  /** Implemented by this version of mkb; the others exit with EXIT_CODES.notAvailable. */
  readonly available: boolean;
  readonly description: string;
  /** mkb's own verb, not part of mkosi (the build engine's commands). */
  readonly mkbOnly?: boolean;
  /** Builds (or reuses) the image first, so `-R/--rerun-build-scripts` applies. */
  readonly builds?: boolean;
}

export const VERBS: readonly VerbDef[] = [
  { name: 'init', acceptsArgs: false, available: false, description: 'Install the tmpfiles.d drop-in that ages out old cache files' },
  { name: 'summary', acceptsArgs: false, available: true, description: 'Show the parsed configuration of every image (--json: machine-readable)' },
  { name: 'cat-config', acceptsArgs: false, available: true, description: 'Print every configuration file that was read, per image' },
  { name: 'build', builds: true, argsUsage: '[-- command line…]', acceptsArgs: true, available: true, description: 'Build the images (the default verb)' },
  { name: 'shell', builds: true, argsUsage: '[-- command line…]', acceptsArgs: true, available: true, description: 'Run a shell or a command in the image with systemd-nspawn' },
  { name: 'boot', builds: true, argsUsage: '[-- nspawn settings…]', acceptsArgs: true, available: true, description: 'Boot the image in a systemd-nspawn container' },
  { name: 'vm', builds: true, aliases: ['qemu'], argsUsage: '[-- vmm parameters…]', acceptsArgs: true, available: false, description: 'Boot the image in a virtual machine' },
  { name: 'ssh', argsUsage: '[-- command line…]', acceptsArgs: true, available: false, description: 'Connect to a running virtual machine over ssh' },
  { name: 'journalctl', argsUsage: '[-- command line…]', acceptsArgs: true, available: false, description: 'Run journalctl on the image' },
  { name: 'coredumpctl', argsUsage: '[-- command line…]', acceptsArgs: true, available: false, description: 'Run coredumpctl on the image' },
  { name: 'sysupdate', builds: true, argsUsage: '[-- command line…]', acceptsArgs: true, available: false, description: 'Run systemd-sysupdate with the image as the transfer source' },
  { name: 'box', aliases: ['sandbox'], argsUsage: '[-- command line…]', acceptsArgs: true, available: false, description: 'Run a command in the tools tree environment' },
  { name: 'dependencies', argsUsage: '[-- options…]', acceptsArgs: true, available: true, description: 'Print the packages needed to build and boot images' },
  { name: 'clean', acceptsArgs: false, available: true, description: 'Remove build outputs (-f: also caches, -ff: also package metadata)' },
  { name: 'serve', builds: true, acceptsArgs: false, available: false, description: 'Serve the output directory over HTTP' },
  { name: 'burn', builds: true, argsUsage: '[device]', acceptsArgs: true, available: false, description: 'Write the image to a block device' },
  { name: 'bump', acceptsArgs: false, available: true, description: 'Bump the version in mkosi.version' },
  { name: 'genkey', acceptsArgs: false, available: true, description: 'Generate a Secure Boot key and certificate (mkosi.key, mkosi.crt)' },
  { name: 'documentation', argsUsage: '[manual]', acceptsArgs: true, available: true, description: "Show mkb's documentation: every setting and option" },
  { name: 'completion', argsUsage: '[shell]', acceptsArgs: true, available: true, description: 'Print a completion script for bash, zsh or fish' },
  { name: 'latest-snapshot', acceptsArgs: false, available: false, description: "Print the distribution's newest snapshot" },
  { name: 'help', acceptsArgs: false, available: true, description: 'Show this help' },
  { name: 'explain', argsUsage: '[IMAGE:NODE]', acceptsArgs: true, available: true, mkbOnly: true, description: 'Say why nodes would be rebuilt (mkb engine)' },
  { name: 'graph', acceptsArgs: true, available: true, mkbOnly: true, description: 'Print the build graph (mkb engine)' },
  { name: 'cache', argsUsage: 'stats|gc|verify', acceptsArgs: true, available: true, mkbOnly: true, description: 'Inspect and shrink the local store (mkb engine)' },
];

const BY_NAME = new Map<string, VerbDef>();
for (const verb of VERBS) for (const name of [verb.name, ...(verb.aliases ?? [])]) BY_NAME.set(name, verb);

/** The verb named `name` (or one of its aliases). */
export function findVerb(name: string): VerbDef | undefined {
  return BY_NAME.get(name);
}

/** Every verb name and alias, as accepted on the command line. */
export function verbNames(): string[] {
  return [...BY_NAME.keys()];
}

/** mkb verbs whose arguments are parsed by the engine's own commander commands (src/cli/commands/). */
export const ENGINE_VERBS: ReadonlySet<string> = new Set(['explain', 'graph', 'cache']);
