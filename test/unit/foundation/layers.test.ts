// Checks the layering rule of design.md on the source tree: only extension/vscode may import 'vscode',
// and the webview imports nothing from the extension but its protocol.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';

function sources(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? sources(p) : p.endsWith('.ts') ? [p] : [];
  });
}

const importsOf = (file: string) =>
  [...fs.readFileSync(file, 'utf8').matchAll(/(?:import|export)[^'"]*?from\s+['"]([^'"]+)['"]|require\(\s*['"]([^'"]+)['"]\s*\)|import\(\s*['"]([^'"]+)['"]\s*\)/g)]
    .map((m) => m[1] ?? m[2] ?? m[3]);

test('only extension/vscode imports vscode', () => {
  const offenders = sources('extension').filter((f) => !f.startsWith(path.join('extension', 'vscode')) && importsOf(f).includes('vscode'));
  assert.deepEqual(offenders, []);
});

test('the pure layers import no layer above them', () => {
  const rank: Record<string, number> = { sim: 0, scenario: 1, trace: 2, debug: 2, tours: 2, engine: 3 };
  const bad: string[] = [];
  for (const [layer, r] of Object.entries(rank)) {
    for (const f of sources(path.join('extension', layer))) {
      for (const spec of importsOf(f)) {
        const m = spec.match(/^\.\.\/(\w+)/);
        if (m && m[1] === 'vscode') bad.push(`${f} → ${spec}`);
        if (m && rank[m[1]] !== undefined && rank[m[1]] > r) bad.push(`${f} → ${spec}`);
      }
    }
  }
  assert.deepEqual(bad, []);
});

test('the webview imports only its own files', () => {
  const bad = sources('webview').flatMap((f) => importsOf(f).filter((s) => s.startsWith('..')).map((s) => `${f} → ${s}`));
  assert.deepEqual(bad, []);
});
