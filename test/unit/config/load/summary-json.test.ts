import { describe, expect, test } from 'vitest';
import { dumpJson, renderSummaryJson } from '../../../../src/config/load/summary-json.js';

describe('summary --json rendering', () => {
  test('sorted keys, indent 4, ASCII escapes, empty containers inline, no trailing newline', () => {
    const text = renderSummaryJson({ images: [{ b: [], a: 'é\u2603', c: { y: 1, x: null }, d: {} }], tools: null });
    expect(text).toBe([
      '{', '    "Images": [', '        {',
      '            "a": "\\u00e9\\u2603",', '            "b": [],',
      '            "c": {', '                "x": null,', '                "y": 1', '            },',
      '            "d": {}', '        }', '    ],', '    "Tools": null', '}',
    ].join('\n'));
  });

  test('control characters and quotes are escaped like Python', () => {
    expect(dumpJson('a"b\\c\n\u0001\u007f')).toBe('"a\\"b\\\\c\\n\\u0001\u007f"');
  });
});
