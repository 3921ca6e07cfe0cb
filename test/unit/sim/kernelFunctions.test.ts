// Every kernel function the model's source names in k.fn(...) is in KERNEL_FUNCTIONS, which the debugger's function
// breakpoints, the completions and the hovers offer: a name missing there is a function a user cannot stop in.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { KERNEL_FUNCTIONS } from '../../../extension/sim/index';

const SIM = path.resolve(__dirname, '..', '..', '..', '..', 'extension', 'sim');

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? sources(p) : p.endsWith('.ts') ? [p] : [];
  });
}

test('every function the model emits by name is in KERNEL_FUNCTIONS', () => {
  const known = new Set(KERNEL_FUNCTIONS);
  const named = new Map<string, string>();
  for (const file of sources(SIM)) {
    for (const m of fs.readFileSync(file, 'utf8').matchAll(/\bk\.fn\(\s*'([A-Za-z_0-9]+)'/g)) named.set(m[1]!, path.relative(SIM, file));
  }
  assert.ok(named.size > 100, `the scan found the model's functions (${named.size})`);
  const missing = [...named].filter(([fn]) => !known.has(fn)).map(([fn, file]) => `${fn} (${file})`);
  assert.deepEqual(missing, []);
});
