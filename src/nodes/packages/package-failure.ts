// Expected failures of distributions and package managers, as data (STYLE.md R7). A node turns one into
// the engine's `Failure` with `toNodeFailure`, which keeps the what/why/hint split of R8.
import type { Failure, NodeId } from '../../errors/failures.js';
import { unreachable } from '../../errors/unreachable.js';

export type PackageFailure =
  | {
      readonly code: 'MIRROR_REQUIRED'; readonly distribution: string; readonly release: string;
      /** The host apt source files that were searched. */
      readonly searched: readonly string[]; readonly reason: string;
    }
  | { readonly code: 'SETTING_INVALID'; readonly setting: string; readonly message: string; readonly hint?: string }
  | {
      readonly code: 'PACKAGE_UNKNOWN'; readonly packages: readonly string[];
      /** `URI suite [components]` of every repository apt searched. */
      readonly repositories: readonly string[];
    }
  | {
      readonly code: 'COMMAND_FAILED'; readonly argv: readonly string[]; readonly exitCode: number | null;
      readonly signal: string | null; readonly outputTail: string;
    }
  | { readonly code: 'TOOL_MISSING'; readonly tool: string; readonly hint: string }
  | { readonly code: 'KEYRING_MISSING'; readonly path: string; readonly repository: string; readonly hint: string }
  | {
      readonly code: 'CHECKSUM_MISMATCH'; readonly file: string; readonly url: string;
      readonly expected: string; readonly actual: string;
    }
  | { readonly code: 'DOWNLOAD_FAILED'; readonly url: string; readonly message: string }
  | { readonly code: 'REPOSITORY_UNREACHABLE'; readonly repositories: readonly string[]; readonly details: string }
  | { readonly code: 'LOCK_MISMATCH'; readonly differences: readonly string[] }
  | {
      /** Locked packages (`name version arch`) missing from the package cache `cache` that cannot be fetched. */
      readonly code: 'PACKAGES_NOT_FOUND'; readonly packages: readonly string[]; readonly cache: string;
      /** `cache-only`: CacheOnly=always forbids downloading; `not-in-repositories`: no repository serves them. */
      readonly reason: 'cache-only' | 'not-in-repositories';
    };

export interface PackageFailureText {
  readonly message: string;
  readonly hint?: string;
}

function tail(lines: readonly string[], n: number): string {
  return lines.length <= n ? lines.join(', ') : `${lines.slice(0, n).join(', ')} and ${lines.length - n} more`;
}

/** What happened and what to do next, for a person. Adding a code fails compilation here until it has a message. */
export function describePackageFailure(f: PackageFailure): PackageFailureText {
  switch (f.code) {
    case 'MIRROR_REQUIRED':
      return {
        message: `no ${f.distribution} mirror for release ${f.release}: ${f.reason}`
          + ` (searched: ${f.searched.length === 0 ? 'no apt source files on this host' : f.searched.join(', ')})`,
        hint: `set Mirror= in the [Distribution] section (the base URL of a ${f.distribution} archive mirror),`
          + ' or add the archive to the host\'s apt sources',
      };
    case 'SETTING_INVALID':
      return { message: `${f.setting}=: ${f.message}`, ...(f.hint === undefined ? {} : { hint: f.hint }) };
    case 'PACKAGE_UNKNOWN':
      return {
        message: `unknown package${f.packages.length === 1 ? '' : 's'} ${f.packages.map((p) => `"${p}"`).join(', ')}`
          + `; repositories searched: ${f.repositories.join('; ') || 'none'}`,
        hint: 'check the spelling, the Release= and the Repositories= components (e.g. contrib, non-free)',
      };
    case 'COMMAND_FAILED': {
      const how = f.signal === null ? `exited with code ${String(f.exitCode)}` : `was killed by ${f.signal}`;
      return {
        message: `${f.argv[0] ?? 'command'} ${how}\n    command: ${f.argv.join(' ')}`
          + (f.outputTail === '' ? '' : `\n    last lines of output:\n${f.outputTail}`),
      };
    }
    case 'TOOL_MISSING':
      return { message: `${f.tool} is not installed`, hint: f.hint };
    case 'KEYRING_MISSING':
      return { message: `keyring ${f.path} for repository ${f.repository} does not exist`, hint: f.hint };
    case 'CHECKSUM_MISMATCH':
      return {
        message: `${f.file} from ${f.url} has sha256 ${f.actual}, but the repository index says ${f.expected}`,
        hint: 'the mirror may be mid-sync; retry later or pin Snapshot=',
      };
    case 'DOWNLOAD_FAILED':
      return { message: `cannot download ${f.url}: ${f.message}`, hint: 'is the mirror reachable from this machine?' };
    case 'REPOSITORY_UNREACHABLE': {
      const why = networkFailure(f.details);
      return {
        message: why === undefined
          ? `cannot fetch the index of ${f.repositories.join('; ')}\n${f.details}`
          : `the mirror is unreachable (${why}): cannot fetch the index of ${f.repositories.join('; ')}\n${f.details}`,
        hint: why === undefined
          ? 'check that the mirror is reachable from this machine and serves this release (Mirror=, Release=)'
          : 'check the mirror URL (Mirror=, LocalMirror=, or the host\'s apt sources) and this machine\'s network or proxy settings',
      };
    }
    case 'LOCK_MISMATCH':
      return {
        message: `the installed packages differ from the resolved lock: ${tail(f.differences, 8)}`,
        hint: 'the repository metadata changed between resolving and installing; rebuild to resolve again',
      };
    case 'PACKAGES_NOT_FOUND':
      return f.reason === 'cache-only' ? {
        message: `CacheOnly=always, but ${f.packages.length} locked package${f.packages.length === 1 ? ' is' : 's are'} not in the package cache ${f.cache}: ${tail(f.packages, 8)}`,
        hint: 'build once without CacheOnly=always to fill the cache, or set PackageCacheDirectory= to a cache that has them',
      } : {
        message: `${f.packages.length} locked package${f.packages.length === 1 ? ' is' : 's are'} neither in the package cache ${f.cache} nor in the repositories: ${tail(f.packages, 8)}`,
        hint: 'a local .deb named in Packages= is copied into the package cache when the lock is resolved: restore it there, or change Packages= so the lock is resolved again',
      };
    default:
      return unreachable(f);
  }
}

/** apt's words for a mirror it could not reach at all (as opposed to one that lacks the release). */
const NETWORK_FAILURES: ReadonlyArray<readonly [RegExp, string]> = [
  [/Connection refused/i, 'connection refused'],
  [/Connection timed out|Connection failed|timed out/i, 'connection timed out'],
  [/Temporary failure resolving|Could not resolve/i, 'host name not resolved'],
  [/Network is unreachable|No route to host/i, 'no route to the host'],
];

function networkFailure(details: string): string | undefined {
  return NETWORK_FAILURES.find(([re]) => re.test(details))?.[1];
}

/** The engine's failure for a node that hit `f`. Command failures keep their argv and output tail. */
export function toNodeFailure(node: NodeId, f: PackageFailure): Failure {
  if (f.code === 'COMMAND_FAILED') {
    return { code: 'NODE_COMMAND_FAILED', node, argv: f.argv, exitCode: f.exitCode, signal: f.signal, stderrTail: f.outputTail };
  }
  if (f.code === 'TOOL_MISSING') return { code: 'TOOL_MISSING', node, tool: f.tool, hint: f.hint };
  const text = describePackageFailure(f);
  return { code: 'NODE_FAILED', node, message: text.message, ...(text.hint === undefined ? {} : { hint: text.hint }) };
}
