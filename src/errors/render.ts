import type { Failure, SourceLocation } from './failures.js';
import { unreachable } from './unreachable.js';

/** A failure split into the parts every message has: what happened, where, why, and what to do next. */
export interface RenderedFailure {
  readonly code: Failure['code'];
  readonly what: string;
  readonly where?: string;
  readonly why?: string;
  readonly hint?: string;
}

function loc(at: SourceLocation | undefined): string | undefined {
  if (at === undefined) return undefined;
  return [at.file, at.line, at.column].filter((part) => part !== undefined).join(':');
}

function parts(what: string, extra: { where?: string | undefined; why?: string | undefined; hint?: string | undefined }): Omit<RenderedFailure, 'code'> {
  return {
    what,
    ...(extra.where === undefined ? {} : { where: extra.where }),
    ...(extra.why === undefined ? {} : { why: extra.why }),
    ...(extra.hint === undefined ? {} : { hint: extra.hint }),
  };
}

/** Splits a failure into message parts. Adding a `Failure` code fails compilation here until it has a message. */
export function describeFailure(f: Failure): RenderedFailure {
  return { code: f.code, ...describe(f) };
}

function describe(f: Failure): Omit<RenderedFailure, 'code'> {
  switch (f.code) {
    case 'GRAPH_CYCLE':
      return parts(`the build graph has a cycle: ${[...f.cycle, f.cycle[0]].join(' → ')}`, {
        where: f.at.map((a, i) => `${f.cycle[i] ?? '?'} at ${loc(a) ?? 'unknown location'}`).join('\n'),
        hint: 'one of these dependencies must go; images cannot depend on themselves through others',
      });
    case 'GRAPH_UNKNOWN_DEP':
      return parts(`node ${f.node} depends on ${f.dep}, which is not in the plan`, { where: loc(f.at) });
    case 'GRAPH_DUPLICATE_NODE':
      return parts(`node ${f.node} is defined twice`, { where: loc(f.at) });
    case 'GRAPH_UNKNOWN_KIND':
      return parts(`node ${f.node} has unknown kind "${f.kind}"`, { hint: `known kinds: ${f.known.join(', ')}` });
    case 'PLAN_INVALID':
      return parts(`plan file is invalid: ${f.message}`, { where: f.file });
    case 'NODE_COMMAND_FAILED': {
      const how = f.signal === null ? `exited with code ${String(f.exitCode)}` : `was killed by ${f.signal}`;
      return parts(`${f.node}: ${f.argv[0] ?? 'command'} ${how}`, {
        where: `command: ${f.argv.join(' ')}${f.logFile === undefined ? '' : `  (full log: ${f.logFile})`}`,
        why: f.stderrTail === '' ? undefined : `last lines of stderr:\n${f.stderrTail}`,
        hint: 'rerun with --debug to print the command you can paste into a shell',
      });
    }
    case 'NODE_FAILED':
      return parts(`${f.node}: ${f.message}`, { hint: f.hint });
    case 'INPUT_MISSING':
      return parts(`${f.node}: input file ${f.path} does not exist`, {
        hint: 'paths are relative to the directory holding the configuration',
      });
    case 'TOOL_MISSING':
      return parts(`${f.node}: tool ${f.tool} was not found`, { hint: f.hint });
    case 'DEP_FAILED':
      return parts(`${f.node} was not built because ${f.dep} failed`, {});
    case 'CACHE_CORRUPT':
      return parts(`${f.node}: cached blob ${f.digest.slice(0, 12)} is corrupt`, {
        where: f.path,
        why: 'its content does not match its digest; the entry was dropped from the index',
        hint: 'rerun the build; the node will be rebuilt',
      });
    case 'CANCELLED':
      return parts(`${f.node} was cancelled`, {
        why: f.reason === 'signal' ? 'mkb received SIGINT or SIGTERM' : 'another node failed and the failure mode is "kill"',
      });
    case 'NOT_FOUND':
      return parts(`no ${f.what} named ${f.name}`, {
        hint: f.known.length === 0 ? undefined : `known: ${f.known.slice(0, 20).join(', ')}${f.known.length > 20 ? ', …' : ''}`,
      });
    default:
      return unreachable(f);
  }
}

/** The multi-line text of a failure, as reporters print it. */
export function renderFailure(f: Failure): string {
  const d = describeFailure(f);
  const lines = [`✗ ${d.what}`];
  for (const block of [d.where, d.why]) {
    if (block !== undefined) lines.push(...block.split('\n').map((l) => `    ${l}`));
  }
  if (d.hint !== undefined) lines.push(`  hint: ${d.hint}`);
  return lines.join('\n');
}
