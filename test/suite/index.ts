// The extensionTestsPath module: runs the mocha suites inside VS Code's extension host. Same run() contract
// as @vscode/test-electron, so the suites also run under desktop VS Code (npm run test:electron).
import * as fs from 'fs';
import * as path from 'path';
import Mocha from 'mocha';

export function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'tdd', color: false, timeout: 60000 });
  const results = { passed: 0, failed: 0, failures: [] as { title: string; error: string }[] };
  // TIMENS_SUITE_FILTER narrows the run to files whose name contains one of its comma-separated words.
  const filter = (process.env.TIMENS_SUITE_FILTER ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  // The packaged-extension checks run only against an installed .vsix (TIMENS_PACKAGED=1), with the foundation suite.
  const packaged = process.env.TIMENS_PACKAGED === '1';
  const files = fs.readdirSync(__dirname).filter((f) => f.endsWith('.test.js')).sort()
    .filter((f) => (packaged ? f.startsWith('packaged') || f.startsWith('foundation') : !f.startsWith('packaged')));
  for (const f of files) if (filter.length === 0 || filter.some((w) => f.includes(w))) mocha.addFile(path.join(__dirname, f));
  return new Promise((resolve, reject) => {
    const runner = mocha.run((failures) => {
      if (process.env.HARNESS_RESULTS_FILE) fs.writeFileSync(process.env.HARNESS_RESULTS_FILE, JSON.stringify(results));
      if (failures > 0) reject(new Error(`${failures} tests failed.`));
      else resolve();
    });
    runner.on('pass', () => results.passed++);
    runner.on('fail', (t, err: unknown) => {
      results.failed++;
      results.failures.push({ title: t.fullTitle(), error: String(err instanceof Error ? err.message : err) });
    });
  });
}
