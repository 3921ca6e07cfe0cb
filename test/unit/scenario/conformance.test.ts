// Runs every test/conformance/*.timens scenario and requires every expectation to hold. A file may ask to
// run on several profiles with lines `# run-on: ARCH VERSION...` (each version of each line is one run);
// without them it runs on its own header.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runScenario } from '../../../extension/scenario/index';
import type { RunOptions } from '../../../extension/scenario/api';
import type { Arch, KernelVersion } from '../../../extension/sim/types';

const ROOT = path.resolve(__dirname, '../../../..');

export function profilesOf(text: string): RunOptions[] {
  const runs: RunOptions[] = [];
  for (const m of text.matchAll(/^#\s*run-on:\s*(x86_64|arm64)\s+([\d.\s]+)$/gm)) {
    for (const v of m[2].trim().split(/\s+/)) runs.push({ arch: m[1] as Arch, kernel: v as KernelVersion });
  }
  return runs.length ? runs : [{}];
}

export function checkDirectory(dir: string): void {
  const files = fs.readdirSync(dir).filter((f) => f.endsWith('.timens')).sort();
  assert.ok(files.length > 0, `no scenarios in ${dir}`);
  for (const f of files) {
    const file = path.join(dir, f);
    const text = fs.readFileSync(file, 'utf8');
    for (const profile of profilesOf(text)) {
      const label = profile.arch ? `${f} on ${profile.arch} ${profile.kernel}` : f;
      test(label, () => {
        const run = runScenario(text, { ...profile, file });
        const errors = run.diagnostics.filter((d) => d.severity === 'error' && d.code !== 'expect-failed');
        assert.deepEqual(errors.map((d) => `${d.range.line + 1}:${d.range.col + 1} ${d.code}: ${d.message}`), [], `${label}: the scenario is valid`);
        const failed = run.expectations.filter((e) => !e.passed).map((e) => `${e.expectation.line + 1}: expect ${e.expectation.text}: ${e.message}`);
        assert.deepEqual(failed, [], `${label}: every expectation holds`);
        assert.ok(run.expectations.length > 0, `${label} has expectations`);
        assert.equal(run.passed, true);
      });
    }
  }
}

checkDirectory(path.join(ROOT, 'test/conformance'));
