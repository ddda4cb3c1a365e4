import { describe, expect, test } from 'vitest';
import { unappliedSettings } from '../../../../src/cli/verbs/build.js';

describe('settings a build reads but does not act on', () => {
  test('a tools tree is named, with what the build runs instead', () => {
    expect(unappliedSettings({ ToolsTree: '/src/mkosi.tools' })).toEqual([{
      message: "ToolsTree=/src/mkosi.tools is not used: mkb does not build or use tools trees yet, so this build runs the host's programs",
      hint: "`npm run host-packages` installs them; mkosi 27.1 would run the tools tree's",
    }]);
  });

  test('no tools tree, nothing to say', () => {
    expect(unappliedSettings({ ToolsTree: null })).toEqual([]);
    expect(unappliedSettings({})).toEqual([]);
  });
});
