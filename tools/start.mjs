// `npm start`: builds Timens Explorer and opens it in a real VS Code on examples/. Desktop VS Code when
// `code` is on the PATH; otherwise the code-server build the tests use, on 127.0.0.1, until Ctrl-C.
//   node tools/start.mjs [--port N] [--no-build]
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const argv = process.argv.slice(2);
const port = argv.includes('--port') ? argv[argv.indexOf('--port') + 1] : process.env.PORT ?? '8080';
const workspace = path.join(root, 'examples');

function must(cmd, args) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

if (!argv.includes('--no-build')) must('node', ['tools/build.mjs']);

const hasCode = spawnSync('sh', ['-c', 'command -v code'], { encoding: 'utf8' }).status === 0 && !process.env.TIMENS_FORCE_CODE_SERVER;
if (hasCode) {
  must('code', ['--extensionDevelopmentPath', root, workspace]);
  process.exit(0);
}

must('bash', ['tools/vscode-harness/setup.sh']);
const cache = process.env.VSCODE_HARNESS_CACHE || path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'vscode-harness');
const env = JSON.parse(fs.readFileSync(path.join(cache, 'env.json'), 'utf8'));
const state = path.join(process.env.XDG_STATE_HOME || path.join(os.homedir(), '.local', 'state'), 'timens-explorer');
fs.mkdirSync(path.join(state, 'user-data', 'User'), { recursive: true });
fs.mkdirSync(path.join(state, 'extensions'), { recursive: true });
const settings = path.join(state, 'user-data', 'User', 'settings.json');
// examples/ sits inside this repository: without `never`, VS Code's Git asks whether to open the parent
// repository each time. Settings a user changed are kept; missing ones are added, also to an older file.
const wanted = {
  'chat.disableAIFeatures': true, 'telemetry.telemetryLevel': 'off', 'workbench.startupEditor': 'none',
  'git.openRepositoryInParentFolders': 'never',
};
let current = {};
try {
  current = fs.existsSync(settings) ? JSON.parse(fs.readFileSync(settings, 'utf8')) : {};
} catch {
  current = null; // comments or a typo: the user's file, left alone
  console.warn(`[start] ${settings} is not plain JSON; left as it is`);
}
if (current && Object.keys(wanted).some((k) => !(k in current))) fs.writeFileSync(settings, JSON.stringify({ ...wanted, ...current }, null, 2));
const config = path.join(state, 'config.yaml');
fs.writeFileSync(config, 'auth: none\ncert: false\n');

// Own process group, so Ctrl-C stops the server, the extension host and the file watcher together.
const server = spawn(env.node, [env.codeServer, '--auth', 'none', '--bind-addr', `127.0.0.1:${port}`, '--config', config,
  '--user-data-dir', path.join(state, 'user-data'), '--extensions-dir', path.join(state, 'extensions'),
  '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust', '--ignore-last-opened',
  // the workbench honours extensionDevelopmentPath in the payload only with the smoke-test driver enabled
  '--vscode-option', 'enable-smoke-test-driver'], { detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, EXTENSIONS_GALLERY: '{}' } });

console.log(`[start] code-server process group ${server.pid}`);
let stopping = false;
function stop(code) {
  if (stopping) return;
  stopping = true;
  try { process.kill(-server.pid, 'SIGTERM'); } catch { /* already gone */ }
  const hard = setTimeout(() => { try { process.kill(-server.pid, 'SIGKILL'); } catch { /* gone */ } process.exit(code); }, 5000);
  server.once('exit', () => { clearTimeout(hard); try { process.kill(-server.pid, 'SIGKILL'); } catch { /* gone */ } process.exit(code); });
}
process.on('SIGINT', () => stop(0));
process.on('SIGTERM', () => stop(0));
server.once('exit', (c) => { if (!stopping) { console.error(`[start] code-server exited (${c})`); process.exit(1); } });

const onData = (d) => {
  const s = d.toString();
  if (process.env.TIMENS_START_DEBUG) process.stderr.write(s);
  const m = s.match(/HTTP server listening on (http:\/\/127\.0\.0\.1:\d+)/);
  if (!m) return;
  const origin = m[1];
  const host = new URL(origin).host;
  const payload = [['extensionDevelopmentPath', `vscode-remote://${host}${root}`], ['skipWelcome', 'true']];
  console.log(`\nTimens Explorer is running in VS Code (code-server). Open this address in a browser:\n\n  ${origin}/?folder=${encodeURIComponent(workspace)}&payload=${encodeURIComponent(JSON.stringify(payload))}\n\nPress Ctrl-C to stop.`);
};
server.stdout.on('data', onData);
server.stderr.on('data', onData);
