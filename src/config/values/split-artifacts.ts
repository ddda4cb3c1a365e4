import { ValueError, type ValueKind } from './kind.js';
import { splitItems } from './lists.js';
import { parseBooleanWord } from './scalars.js';

/** `SplitArtifacts=` items (mkosi's ArtifactOutput), in mkosi's order. */
export const ARTIFACT_OUTPUTS = [
  'uki', 'kernel', 'initrd', 'partitions', 'tar', 'pcrs', 'roothash', 'os-release', 'kernel-modules-initrd',
  'repart-definitions',
] as const;
export type ArtifactOutput = (typeof ARTIFACT_OUTPUTS)[number];

/** The default, and what the compat value `no` means. */
export const DEFAULT_SPLIT_ARTIFACTS: readonly ArtifactOutput[] = ['uki', 'kernel', 'initrd'];

/**
 * A list of artifacts, or (compat) a whole-value boolean that replaces everything accumulated so far:
 * `yes` = the default plus `partitions`, `no` = the default. An empty value empties the list.
 */
export function splitArtifacts(): ValueKind<ArtifactOutput[]> {
  const members = new Set<string>(ARTIFACT_OUTPUTS);
  return {
    schema: (z) => z.array(z.enum(ARTIFACT_OUTPUTS)), collection: true, empty: [], expects: 'a list of artifacts or a boolean',
    choices: ARTIFACT_OUTPUTS,
    parse(raw, old) {
      if (raw.trim() === '') return [];
      const boolean = parseBooleanWord(raw);
      if (boolean !== undefined) return boolean ? [...DEFAULT_SPLIT_ARTIFACTS, 'partitions'] : [...DEFAULT_SPLIT_ARTIFACTS];
      const items = [...(old ?? [])];
      for (const word of splitItems(raw, 'comma-whitespace')) {
        if (!members.has(word)) {
          throw new ValueError(`'${word}' is not a valid ArtifactOutput`, `expected one of: ${ARTIFACT_OUTPUTS.join(', ')}, or a boolean`);
        }
        items.push(word as ArtifactOutput);
      }
      return items;
    },
  };
}
