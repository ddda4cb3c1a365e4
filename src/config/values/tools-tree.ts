import type { ValueKind } from './kind.js';
import { parsePathValue } from './paths.js';

/** What `ToolsTree=yes` (or its older spelling `default`) stores until the loader puts the tools tree's path there. */
export const TOOLS_TREE_DEFAULT = 'default';

/** `ToolsTree=`: an existing directory, `yes`/`default` (build the default tools tree) or `no` (none). */
export function toolsTree(): ValueKind<string | null> {
  return {
    schema: (z) => z.string().nullable(), collection: false, empty: null, expects: 'a path, yes or no', choices: ['yes', 'no'],
    parse(raw, _old, env) {
      if (raw === '' || raw === 'no') return null;
      if (raw === 'yes' || raw === TOOLS_TREE_DEFAULT) return TOOLS_TREE_DEFAULT;
      return parsePathValue(raw, env);
    },
  };
}
