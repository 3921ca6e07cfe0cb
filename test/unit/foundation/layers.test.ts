// Checks the layering rule (ALLOWED below; README.md's "Repository layout" describes the folders) on the source tree,
// nested folders included: only extension/vscode may import 'vscode', each layer imports only the layers below it,
// and the webview imports nothing from the extension but what its protocol file takes from the simulator's vocabulary.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';

/** What each layer may import; a layer may always import itself. */
const ALLOWED: Readonly<Record<string, readonly string[]>> = {
  sim: [],
  scenario: ['sim'],
  debug: ['sim', 'scenario'],
  tours: ['sim', 'scenario'],
  trace: ['sim'],
  verify: ['sim', 'scenario'],
  engine: ['sim', 'scenario', 'debug', 'tours', 'trace'],
  'cli.ts': ['sim', 'scenario', 'debug', 'tours', 'trace', 'verify'],
  vscode: ['sim', 'scenario', 'debug', 'tours', 'trace', 'verify', 'engine'],
};
/** The files of extension/sim the webview's protocol may take facts from (pure data and types, no Node). */
const WEBVIEW_MAY_IMPORT = ['extension/sim/types.ts', 'extension/sim/api.ts', 'extension/sim/ops.ts'];

function sources(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.posix.join(dir, e.name);
    return e.isDirectory() ? sources(p) : p.endsWith('.ts') ? [p] : [];
  });
}

const importsOf = (text: string): string[] =>
  [...text.matchAll(/(?:import|export)[^'"]*?from\s+['"]([^'"]+)['"]|require\(\s*['"]([^'"]+)['"]\s*\)|import\(\s*['"]([^'"]+)['"]\s*\)/g)]
    .map((m) => m[1] ?? m[2] ?? m[3]);

/** The layer of a path under extension/ ('sim', 'cli.ts', …), or null outside it. */
function layerOf(file: string): string | null {
  const parts = file.split('/');
  return parts[0] === 'extension' && parts.length > 1 ? parts[1] : null;
}

/** Every import that breaks the rules, as 'file → spec', for files given as (repository path → text). */
function violations(files: ReadonlyMap<string, string>): string[] {
  const bad: string[] = [];
  for (const [file, text] of files) {
    const from = layerOf(file);
    for (const spec of importsOf(text)) {
      if (spec === 'vscode') {
        if (from !== 'vscode') bad.push(`${file} → ${spec}`);
        continue;
      }
      if (!spec.startsWith('.')) continue;
      let target = path.posix.normalize(path.posix.join(path.posix.dirname(file), spec));
      if (!target.endsWith('.ts') && !target.endsWith('.json')) target += '.ts';
      if (file.startsWith('webview/')) {
        const ok = target.startsWith('webview/') || (file === 'webview/protocol.ts' && WEBVIEW_MAY_IMPORT.includes(target));
        if (!ok) bad.push(`${file} → ${spec}`);
        continue;
      }
      if (from === null) continue;
      const to = layerOf(target);
      if (to === null || to === from) continue;
      if (!(ALLOWED[from] ?? []).includes(to)) bad.push(`${file} → ${spec}`);
    }
  }
  return bad;
}

test('the source tree keeps the layers, nested folders included', () => {
  const files = new Map([...sources('extension'), ...sources('webview')].map((f) => [f, fs.readFileSync(f, 'utf8')]));
  assert.ok([...files.keys()].some((f) => f.split('/').length > 3), 'nested folders are part of the check');
  assert.deepEqual(violations(files), []);
});

test('the check catches a nested file that imports vscode or a layer above it, and a webview import', () => {
  const files = new Map([
    ['extension/sim/kernel/vdso/gettime.ts', "import { x } from '../trace';\nimport * as vscode from 'vscode';\n"],
    ['extension/sim/kernel/deep.ts', "import { runScenario } from '../../scenario/runner';\n"],
    ['extension/scenario/editor/hover.ts', "import { y } from '../../vscode/editor/commands';\nimport { z } from '../../sim/types';\n"],
    ['extension/trace/chrome.ts', "import { w } from '../debug/session';\n"],
    ['extension/debug/session.ts', "import { v } from '../scenario/index';\nimport { u } from './variables';\n"],
    ['extension/vscode/a/b.ts', "import * as vscode from 'vscode';\nimport { t } from '../../tours/tour';\n"],
    ['webview/render.ts', "import { s } from '../extension/sim/types';\nimport { r } from './protocol';\n"],
    ['webview/protocol.ts', "import { q } from '../extension/sim/types';\nimport { p } from '../extension/sim/simulation';\n"],
  ]);
  assert.deepEqual(violations(files), [
    "extension/sim/kernel/vdso/gettime.ts → vscode",
    "extension/sim/kernel/deep.ts → ../../scenario/runner",
    "extension/scenario/editor/hover.ts → ../../vscode/editor/commands",
    "extension/trace/chrome.ts → ../debug/session",
    "webview/render.ts → ../extension/sim/types",
    "webview/protocol.ts → ../extension/sim/simulation",
  ]);
});
