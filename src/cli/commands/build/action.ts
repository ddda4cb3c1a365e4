import type { Failure } from '../../../errors/failures.js';
import { renderFailure } from '../../../errors/render.js';
import { ok } from '../../../errors/result.js';
import type { Result } from '../../../errors/result.js';
import { execute } from '../../../graph/executor.js';
import type { BuildResult } from '../../../graph/executor.js';
import type { FailureMode } from '../../../graph/failure-mode.js';
import type { PlanInput } from '../../../graph/types.js';
import type { LocalStore } from '../../../cache/local-store.js';
import type { ReporterName } from '../../../report/reporter.js';
import { engineEnvironment } from '../../engine/engine-environment.js';
import { EXIT } from '../../engine/exit.js';
import { loadPlan } from '../../engine/load-plan.js';
import { makeReporter } from '../../engine/make-reporter.js';
import { openStore } from '../../engine/open-store.js';
import type { EngineRuntime } from '../../engine/runtime.js';

export interface BuildActionOptions {
  /** INTERNAL plan source (fixture kinds, tests and bench/). */
  readonly planFile?: string;
  /** The plan compiled from mkosi configuration (`mkb build` on a config tree); may consult the store's history. */
  readonly planInput?: PlanInput | ((store: LocalStore) => Result<PlanInput, Failure[]>);
  readonly cacheDir?: string;
  /** CacheDirectory= of the main image, when the config sets it. */
  readonly cacheDirectory?: string;
  /** Runs after a successful build (publishing outputs); false fails the build. */
  readonly afterBuild?: (args: { result: BuildResult; store: LocalStore }) => Promise<boolean>;
  readonly jobs?: number;
  readonly failureMode: FailureMode;
  readonly reporter?: ReporterName;
  readonly profile?: string;
  readonly dryRun: boolean;
  /** Run `cache gc` with this high watermark after the build, pinning this build's closure. */
  readonly maxCacheSize?: number;
  /** Nodes to run even when cached (`--rerun-build-scripts`). */
  readonly force?: ReadonlySet<string>;
  /** Called when a node starts to build (not for one served from the cache): work to start beside it. */
  readonly onNodeStart?: (node: string) => void;
  /** Said before anything is planned, as the build's warnings. */
  readonly warnings?: readonly { readonly message: string; readonly hint?: string }[];
}

/** The engine part of `mkb build`: plan → (dry run | execute) → exit status. */
export async function buildAction(options: BuildActionOptions, runtime: EngineRuntime): Promise<number> {
  const reporter = await makeReporter({ name: options.reporter, profile: options.profile, runtime });
  const warn = (message: string, hint?: string): void =>
    reporter.on({ type: 'warning', t: 0, message, ...(hint === undefined ? {} : { hint }) });
  for (const w of options.warnings ?? []) warn(w.message, w.hint);
  const store = await openStore({ cacheDir: options.cacheDir, cacheDirectory: options.cacheDirectory, runtime, warn });
  try {
    const planned = typeof options.planInput === 'function' ? options.planInput(store) : ok(options.planInput);
    if (!planned.ok) {
      runtime.err(`${planned.error.map(renderFailure).join('\n')}\n`);
      return EXIT.usage;
    }
    const input = planned.value;
    const plan = await loadPlan({ planFile: options.planFile, store, ...(input === undefined ? {} : { input }) });
    if (!plan.ok) {
      runtime.err(`${plan.error.map(renderFailure).join('\n')}\n`);
      return EXIT.usage;
    }
    const environment = engineEnvironment(store, runtime);
    if (options.dryRun) {
      const { printDryRun } = await import('./dry-run.js');
      await printDryRun({ plan: plan.value.plan, kinds: plan.value.kinds, store, environment, write: runtime.out });
      return EXIT.ok;
    }
    const result = await execute({
      plan: plan.value.plan, kinds: plan.value.kinds, store, environment, jobs: options.jobs ?? runtime.cpus, failureMode: options.failureMode,
      signal: runtime.signal, now: runtime.now,
      emit: (e) => {
        if (e.type === 'node-start') options.onNodeStart?.(e.node);
        reporter.on(e);
      },
      ...(runtime.shuffle ? { random: runtime.shuffle } : {}),
      buildId: `${runtime.host}:${runtime.pid}:${runtime.now()}`, pid: runtime.pid,
      ...(options.force === undefined ? {} : { force: options.force }),
    });
    if (options.maxCacheSize !== undefined) {
      const pinned = new Set([...result.nodes.values()].flatMap((r) => ('key' in r ? [r.key] : [])));
      const { collectGarbage } = await import('../../../cache/gc.js');
      await collectGarbage(store, { maxBytes: options.maxCacheSize, pinned, now: runtime.now });
    }
    if (runtime.signal.aborted) return EXIT.cancelled;
    if (result.ok && options.afterBuild !== undefined && !(await options.afterBuild({ result, store }))) return EXIT.buildFailed;
    return result.ok ? EXIT.ok : EXIT.buildFailed;
  } finally {
    reporter.close();
    await store.close();
  }
}
