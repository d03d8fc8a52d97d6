import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '..');
const actionYml = readFileSync(resolve(root, 'action.yml'), 'utf8');
const readme = readFileSync(resolve(root, 'README.md'), 'utf8');

/** Reads `name -> default` for the entries of one top-level section of action.yml. */
function actionEntries(section: 'inputs' | 'outputs'): Map<string, string | undefined> {
  const body = actionYml.split(new RegExp(`^${section}:\\n`, 'm'))[1]?.split(/^\S/m)[0] ?? '';
  const entries = new Map<string, string | undefined>();
  let current: string | undefined;
  for (const line of body.split('\n')) {
    const name = /^ {2}([a-z-]+):\s*$/.exec(line)?.[1];
    if (name) {
      current = name;
      entries.set(name, undefined);
      continue;
    }
    const value = /^ {4}default:\s*'?([^']*)'?\s*$/.exec(line)?.[1];
    if (current && value !== undefined) entries.set(current, value);
  }
  return entries;
}

/** Reads `name -> first cell after the name` from the README table that follows a heading. */
function readmeTable(heading: string): Map<string, string> {
  const section = readme.split(`## ${heading}\n`)[1]?.split(/^## /m)[0] ?? '';
  const rows = new Map<string, string>();
  for (const line of section.split('\n')) {
    const cells = line.split('|').map((cell) => cell.trim());
    const name = /^`([a-z-]+)`$/.exec(cells[1] ?? '')?.[1];
    if (name) rows.set(name, (cells[2] ?? '').replace(/`/g, ''));
  }
  return rows;
}

describe('README', () => {
  it('lists every action input with its default', () => {
    const inputs = actionEntries('inputs');
    const table = readmeTable('Inputs');
    expect(inputs.size).toBeGreaterThan(20);
    expect([...table.keys()]).toEqual([...inputs.keys()]);
    for (const [name, value] of inputs) {
      const expected = name === 'images' ? '(required)' : (value ?? '');
      expect(`${name}: ${table.get(name)}`).toBe(`${name}: ${expected}`);
    }
  });

  it('lists every action output', () => {
    expect([...readmeTable('Outputs').keys()]).toEqual([...actionEntries('outputs').keys()]);
  });
});
