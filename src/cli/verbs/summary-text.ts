import type { ImageJson, LoadedConfig } from '../../config/load/types.js';
import { SETTINGS } from '../../config/settings/index.js';
import type { Section, SettingDef } from '../../config/settings/types.js';
import { SETTING_SECTIONS } from '../../config/settings/types.js';

const LABEL_WIDTH = 35;

/** `MinimumVersion` → `Minimum Version`, `KernelModulesInitrdIncludeHost` → `Kernel Modules Initrd Include Host`. */
export function settingLabel(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, '$1 $2').replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2');
}

function scalar(value: unknown): string {
  if (value === null || value === undefined) return 'none';
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (typeof value === 'string') return value === '' ? '(empty)' : value;
  if (typeof value === 'number') return String(value);
  if (typeof value === 'object') {
    const record = value as Record<string, unknown>;
    if ('Source' in record && 'Target' in record) return record['Target'] ? `${String(record['Source'])}:${String(record['Target'])}` : String(record['Source']);
    if ('Source' in record && 'Type' in record) return record['Source'] === '' ? String(record['Type']) : `${String(record['Type'])}:${String(record['Source'])}`;
  }
  return JSON.stringify(value);
}

/** A value as lines: lists one item a line, dicts `KEY=VALUE`, empty collections `none`. */
function valueLines(value: unknown, secret: boolean): string[] {
  if (secret && value !== null && value !== undefined) return ['(set)'];
  if (Array.isArray(value)) return value.length === 0 ? ['none'] : value.map(scalar);
  if (value !== null && typeof value === 'object' && !('Source' in value)) {
    const entries = Object.entries(value as Record<string, unknown>);
    return entries.length === 0 ? ['none'] : entries.map(([k, v]) => `${k}=${scalar(v)}`);
  }
  return [scalar(value)];
}

function line(label: string, lines: readonly string[]): string {
  const [first = '', ...rest] = lines;
  const pad = ' '.repeat(LABEL_WIDTH);
  return [`${label.padStart(LABEL_WIDTH)}: ${first}`, ...rest.map((l) => `${pad}  ${l}`)].join('\n');
}

/** The settings shown under each section, in table order; settings not in the image JSON are skipped. */
function bySection(): Map<Section, SettingDef[]> {
  const groups = new Map<Section, SettingDef[]>(SETTING_SECTIONS.map((s) => [s, []]));
  for (const def of SETTINGS as readonly SettingDef[]) {
    if (def.jsonKey === null) continue;
    groups.get(def.section)?.push(def);
  }
  return groups;
}

function renderImage(title: string, image: ImageJson): string {
  const out = [`${title}\n`];
  for (const [section, defs] of bySection()) {
    const shown = defs.filter((def) => (def.jsonKey ?? def.name) in image);
    if (shown.length === 0) continue;
    out.push(`    ${section.toUpperCase()}:`);
    for (const def of shown) out.push(line(settingLabel(def.name), valueLines(image[def.jsonKey ?? def.name], def.secret === true)));
    out.push('');
  }
  return out.join('\n');
}

/** The human `summary`: one block per image (dependencies first), settings grouped by section like mkosi's. */
export function renderSummaryText(loaded: Pick<LoadedConfig, 'images' | 'tools'>): string {
  const blocks = loaded.images.map((image) => renderImage(`IMAGE: ${scalar(image['Image'])}`, image));
  if (loaded.tools) blocks.unshift(renderImage('TOOLS TREE:', loaded.tools));
  return blocks.join('\n');
}
