// `npm run test:electron`: the same mocha suite (out/test/suite) in desktop VS Code through @vscode/test-electron.
// It downloads VS Code from update.code.visualstudio.com, which machines without internet cannot reach.
import path from 'node:path';
import { runTests } from '@vscode/test-electron';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
try {
  await runTests({
    extensionDevelopmentPath: root,
    extensionTestsPath: path.join(root, 'out/test/suite/index.js'),
    launchArgs: [path.join(root, 'examples'), '--disable-extensions'],
  });
} catch (err) {
  console.error(`[test:electron] failed: ${err instanceof Error ? err.message : err}`);
  process.exit(1);
}
