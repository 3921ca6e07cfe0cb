#!/usr/bin/env node
// Runs the extension's tests inside a real VS Code 1.139.1: code-server's VS Code server (Node extension
// host) and its web workbench in headless Debian Chromium, driven by playwright-core.
// Exit code = the test module's result (0 pass, 1 fail, 124 timeout).
//
//   node run-tests.mjs --tests <extensionTestsPath.js> [--ext <extensionDevelopmentPath>]
//        [--workspace <folder>] [--shots <dir>] [--extensions-dir <dir>] [--timeout <sec>]
//
// --ext omitted => no development extension (pass an empty folder to test extensions
// pre-installed in --extensions-dir, e.g. from a .vsix).
// Tests may ask for a screenshot: write <name>.req into $HARNESS_SHOT_DIR and wait for
// <name>.done; the PNG is <name>.png there. They may also act on and read the workbench's DOM (what the
// extension API cannot see: a breakpoint's icon, a context menu, a quick pick's rows, a webview's content):
// write <name>.probe holding {selector, keys?: [{type: text} | {press: key} | {click: selector, button?}]}
// and wait for <name>.probed, which holds the elements matching `selector` in every frame after the keys; or
// write a CSS selector into <name>.query and wait for <name>.answer (a JSON array of the matching elements'
// texts in the top frame); or write `start`, then `stop`, into <name>.profile for the renderer's profile between
// the two (<name>.profiled holds its counters; see rendererProfile). $HARNESS_RESULTS_FILE may receive {passed, failed}; the runner then prints "N passed, N failed".
// $HARNESS_NODE_FLAGS (space-separated) go to code-server's Node, whose extension host inherits them: V8 flags
// for an experiment on the host (e.g. --no-concurrent-recompilation), which an extension cannot set itself.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { format } from 'node:util';
import { chromium } from 'playwright-core';

const argv = process.argv.slice(2);
const arg = (name, def) => { const i = argv.indexOf(`--${name}`); return i >= 0 ? argv[i + 1] : def; };
const cacheDir = process.env.VSCODE_HARNESS_CACHE || path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'vscode-harness');
const envFile = path.join(cacheDir, 'env.json');
if (!fs.existsSync(envFile)) { console.error(`[harness] ${envFile} missing: run tools/vscode-harness/setup.sh`); process.exit(2); }
const env = JSON.parse(fs.readFileSync(envFile, 'utf8'));

const testsPath = arg('tests') && path.resolve(arg('tests'));
if (!testsPath) { console.error('[harness] --tests is required'); process.exit(2); }
const extPath = arg('ext') && path.resolve(arg('ext'));
const tmpRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'vscode-harness-'));
const workspace = path.resolve(arg('workspace') || fs.mkdtempSync(path.join(tmpRoot, 'ws-')));
const shotDir = path.resolve(arg('shots', 'test-results/screens'));
// A guard against a hung extension host, not a speed check: the whole suite takes 3-4 minutes on a quiet
// 2-core machine and over 5 when other work shares it.
const timeoutSec = Number(arg('timeout', '1200'));
const userDataDir = path.join(tmpRoot, 'user-data');
const extensionsDir = arg('extensions-dir') ? path.resolve(arg('extensions-dir')) : path.join(tmpRoot, 'extensions');
const resultsFile = path.join(tmpRoot, 'results.json');
const runId = path.basename(tmpRoot).replace(/^vscode-harness-/, '');
const vsix = arg('install-vsix') && path.resolve(arg('install-vsix'));
fs.mkdirSync(shotDir, { recursive: true });
fs.mkdirSync(path.join(userDataDir, 'User'), { recursive: true });
fs.mkdirSync(extensionsDir, { recursive: true });
fs.writeFileSync(path.join(userDataDir, 'User', 'settings.json'), JSON.stringify({
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'security.workspace.trust.enabled': false,
  'chat.disableAIFeatures': true, // also keeps the agent host / copilot runtime from starting
  ...(process.env.HARNESS_SETTINGS ? JSON.parse(process.env.HARNESS_SETTINGS) : {}),
}, null, 2));
const configFile = path.join(tmpRoot, 'config.yaml'); // else code-server writes ~/.config/code-server/config.yaml
fs.writeFileSync(configFile, 'auth: none\ncert: false\n');

// keep code-server (coder-logs, heartbeat, device id, git/ipc sockets, tsserver temp) and Chromium
// (crash reports, dconf) out of $HOME and the shared /tmp
const homeDirs = { XDG_CONFIG_HOME: path.join(tmpRoot, 'xdg-config'), XDG_DATA_HOME: path.join(tmpRoot, 'xdg-data'), XDG_CACHE_HOME: path.join(tmpRoot, 'xdg-cache'), TMPDIR: path.join(tmpRoot, 't') };
fs.mkdirSync(homeDirs.TMPDIR);
const t0 = Date.now();
const secs = () => ((Date.now() - t0) / 1000).toFixed(1);
let server, browser, page, exiting = false;
const serverLog = [];

async function finish(code) {
  if (exiting) return;
  exiting = true;
  try { if (browser) await browser.close(); } catch {}
  if (server && server.exitCode === null) {
    try { process.kill(-server.pid, 'SIGTERM'); } catch {} // whole process group: server, ext host, watchers
    await new Promise((r) => { const t = setTimeout(r, 5000); server.once('exit', () => { clearTimeout(t); r(); }); });
    try { process.kill(-server.pid, 'SIGKILL'); } catch {}
  }
  if (code !== 0 || process.env.HARNESS_DEBUG) fs.writeFileSync(path.join(shotDir, 'code-server.log'), serverLog.join(''));
  if (!process.env.HARNESS_KEEP_TMP) fs.rmSync(tmpRoot, { recursive: true, force: true });
  process.exit(code);
}
process.on('SIGINT', () => finish(130));
process.on('SIGTERM', () => finish(143));
const overall = setTimeout(async () => {
  console.error(`[harness] TIMEOUT after ${timeoutSec}s (no exit from the extension host)`);
  try { if (page) await page.screenshot({ path: path.join(shotDir, 'timeout.png') }); } catch {}
  finish(124);
}, timeoutSec * 1000);

// 0. optionally install a packaged extension first, exactly as a user would
if (vsix) {
  const { spawnSync } = await import('node:child_process');
  const r = spawnSync(env.node, [env.codeServer, '--config', configFile, '--user-data-dir', userDataDir,
    '--extensions-dir', extensionsDir, '--install-extension', vsix], { encoding: 'utf8', env: { ...process.env, ...homeDirs, EXTENSIONS_GALLERY: '{}' } });
  const out = `${r.stdout}${r.stderr}`;
  if (r.status !== 0 || !/successfully installed/i.test(out)) { console.error(`[harness] installing ${vsix} failed:\n${out}`); await finish(3); }
  console.log(`[harness] installed ${path.basename(vsix)} into ${extensionsDir}`);
}

// 1. code-server on a free loopback port, in its own process group
server = spawn(env.node, [...(process.env.HARNESS_NODE_FLAGS?.split(' ').filter(Boolean) ?? []), env.codeServer,
  '--auth', 'none', '--bind-addr', '127.0.0.1:0', '--config', configFile,
  '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust',
  '--disable-getting-started-override', '--ignore-last-opened',
  '--user-data-dir', userDataDir, '--extensions-dir', extensionsDir,
  // a built VS Code honours extensionDevelopmentPath/extensionTestsPath in the
  // payload query parameter only when the smoke-test driver is enabled
  '--vscode-option', 'enable-smoke-test-driver',
], {
  detached: true,
  stdio: ['ignore', 'pipe', 'pipe'],
  env: { ...process.env, ...homeDirs, EXTENSIONS_GALLERY: '{}', HARNESS_SHOT_DIR: shotDir, HARNESS_RUN_ID: runId, HARNESS_RESULTS_FILE: resultsFile, HARNESS_EXTENSIONS_DIR: extensionsDir },
});
const origin = await new Promise((resolve, reject) => {
  const onData = (d) => {
    const s = d.toString();
    serverLog.push(s);
    const m = s.match(/HTTP server listening on (http:\/\/127\.0\.0\.1:\d+)/);
    if (m) resolve(m[1]);
  };
  server.stdout.on('data', onData);
  server.stderr.on('data', onData);
  server.once('exit', (c) => reject(new Error(`code-server exited early (${c})`)));
}).catch((e) => { console.error(`[harness] ${e.message}\n${serverLog.join('')}`); return finish(3); });
console.log(`[harness] code-server up at ${origin} (${secs()}s)`);

// 2. Debian's Chromium, headless
browser = await chromium.launch({
  executablePath: process.env.HARNESS_CHROMIUM || env.chromium,
  headless: true,
  env: { ...process.env, ...homeDirs },
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
});
page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
page.on('pageerror', (e) => console.error('[harness] page error:', e.message));
if (process.env.HARNESS_DEBUG) page.on('console', (m) => console.error(`[console.${m.type()}]`, m.text()));

// 3. what the workbench calls in extension-test mode
let resolveExit;
const exited = new Promise((r) => { resolveExit = r; });
await page.exposeFunction('codeAutomationExit', (code) => resolveExit(code));
const NOISE = /^(Resolving connection token|Resolved connection token|Creating a socket|\[reconnection-grace-time\]|\[Service Worker\]|Updating additional builtin extensions cache|Ignoring fetching additional builtin|\[AccountPolicyGate\]|\[AgentHost)/;
await page.exposeFunction('codeAutomationLog', (type, args) => {
  const line = format(...(Array.isArray(args) ? args : [args])); // printf-style args (mocha uses %s/%d)
  if (NOISE.test(line)) return;
  (type === 'error' ? console.error : console.log)(line);
});

// 4. screenshot handshake with the tests
// Requests are named <name>.<run id>.req, so runs that share a folder never take each other's requests.
const shotTimer = setInterval(async () => {
  const suffix = `.${runId}.req`;
  for (const f of fs.readdirSync(shotDir)) {
    if (!f.endsWith(suffix)) continue;
    const name = f.slice(0, -suffix.length);
    fs.rmSync(path.join(shotDir, f), { force: true });
    try { await page.screenshot({ path: path.join(shotDir, `${name}.png`) }); } catch (e) { console.error('[harness] screenshot failed:', e.message); }
    fs.writeFileSync(path.join(shotDir, `${name}.${runId}.done`), '');
  }
  const probeSuffix = `.${runId}.probe`;
  for (const f of fs.readdirSync(shotDir)) {
    if (!f.endsWith(probeSuffix)) continue;
    const file = path.join(shotDir, f);
    const answer = file.replace(/\.probe$/, '.probed');
    let result;
    try {
      const { selector, keys = [] } = JSON.parse(fs.readFileSync(file, 'utf8'));
      fs.rmSync(file, { force: true });
      for (const k of keys) {
        if (k.type !== undefined) await page.keyboard.type(k.type);
        else if (k.click !== undefined) await page.locator(k.click).first().click({ button: k.button ?? 'left', timeout: 10000 });
        else await page.keyboard.press(k.press);
      }
      result = { elements: await probeFrames(selector) };
    } catch (e) {
      fs.rmSync(file, { force: true });
      result = { error: e.message };
    }
    fs.writeFileSync(`${answer}.tmp`, JSON.stringify(result));
    fs.renameSync(`${answer}.tmp`, answer);
  }
  const querySuffix = `.${runId}.query`;
  for (const f of fs.readdirSync(shotDir)) {
    if (!f.endsWith(querySuffix)) continue;
    const name = f.slice(0, -querySuffix.length);
    const selector = fs.readFileSync(path.join(shotDir, f), 'utf8');
    fs.rmSync(path.join(shotDir, f), { force: true });
    let texts = [];
    try { texts = await page.$$eval(selector, (els) => els.map((e) => e.textContent ?? '')); } catch (e) { console.error('[harness] query failed:', e.message); }
    fs.writeFileSync(path.join(shotDir, `${name}.${runId}.answer`), JSON.stringify(texts));
  }
  const profileSuffix = `.${runId}.profile`;
  for (const f of fs.readdirSync(shotDir)) {
    if (!f.endsWith(profileSuffix)) continue;
    const name = f.slice(0, -profileSuffix.length);
    const command = fs.readFileSync(path.join(shotDir, f), 'utf8').trim();
    fs.rmSync(path.join(shotDir, f), { force: true });
    let answer = {};
    try { answer = await rendererProfile(name, command); } catch (e) { answer = { error: e.message }; }
    fs.writeFileSync(path.join(shotDir, `${name}.${runId}.profiled`), JSON.stringify(answer));
  }
}, 200);

/**
 * The workbench renderer's CPU profile and counters (CDP Profiler and Performance) between a test's `start` and
 * `stop`, and the CSS animations and transitions that started meanwhile: what the workbench's main thread did, and
 * what kept the compositor drawing frames. `stop` writes <name>.cpuprofile (open it in Chromium's DevTools),
 * <name>.animations.txt and <name>.trace.txt (every Chromium process's tasks and frames, from a trace), and
 * answers the counters' differences.
 */
let profiling;
async function rendererProfile(name, command) {
  if (command === 'start') {
    // Every process's tasks and frames (the GPU process's compositor is not in the renderer's profile); first, so
    // that a trace that cannot start leaves no profiler running.
    await browser.startTracing(undefined, { categories: TRACE_CATEGORIES });
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Performance.enable');
    await cdp.send('Profiler.enable');
    await cdp.send('Profiler.setSamplingInterval', { interval: 500 });
    const metrics = (await cdp.send('Performance.getMetrics')).metrics;
    const animations = [];
    cdp.on('Animation.animationStarted', ({ animation }) => { animation.at = performance.now(); animations.push(animation); });
    cdp.on('Animation.animationCanceled', ({ id }) => { const a = animations.find((x) => x.id === id); if (a) a.ranMs = performance.now() - a.at; });
    await cdp.send('Animation.enable');
    await cdp.send('DOM.enable');
    await cdp.send('Profiler.start');
    profiling = { cdp, metrics, animations };
    return {};
  }
  if (!profiling) return { error: 'no profile was started' };
  const { cdp, metrics, animations } = profiling;
  profiling = undefined;
  const { profile } = await cdp.send('Profiler.stop');
  const trace = JSON.parse((await browser.stopTracing()).toString('utf8'));
  fs.writeFileSync(path.join(shotDir, `${name}.trace.txt`), traceSummary(trace.traceEvents ?? trace));
  const started = [];
  for (const a of animations) {
    let node = '';
    try {
      const { object } = await cdp.send('DOM.resolveNode', { backendNodeId: a.source?.backendNodeId });
      const { result } = await cdp.send('Runtime.callFunctionOn', { objectId: object.objectId, returnByValue: true, functionDeclaration: ANCESTRY.toString() });
      node = result.value;
    } catch { /* the element went */ }
    const ran = a.ranMs === undefined ? `its course (${a.source?.duration ?? '?'} ms) or past the stop` : `${a.ranMs.toFixed(0)} ms, then stopped`;
    started.push(`${a.type} ${a.name} ran ${ran}, on ${node}`);
  }
  fs.writeFileSync(path.join(shotDir, `${name}.animations.txt`), started.join('\n'));
  const after = (await cdp.send('Performance.getMetrics')).metrics;
  await cdp.detach();
  fs.writeFileSync(path.join(shotDir, `${name}.cpuprofile`), JSON.stringify(profile));
  const before = new Map(metrics.map((m) => [m.name, m.value]));
  return Object.fromEntries(after.map((m) => [m.name, m.value - (before.get(m.name) ?? 0)]));
}

const TRACE_CATEGORIES = ['toplevel', 'viz', 'cc', 'gpu', 'benchmark', 'devtools.timeline', 'disabled-by-default-devtools.timeline.frame'];

/** Per process and thread: the event names (complete events) by their total duration, the tasks with where
 *  they were posted from. The GPU process's Display::DrawAndSwap count is the frames its compositor drew. */
function traceSummary(events) {
  const names = new Map(); // pid:tid -> name
  const procs = new Map();
  for (const e of events) {
    if (e.ph !== 'M') continue;
    if (e.name === 'thread_name') names.set(`${e.pid}:${e.tid}`, e.args.name);
    if (e.name === 'process_name') procs.set(e.pid, e.args.name);
  }
  const byThread = new Map();
  for (const e of events) {
    if (e.ph !== 'X' || typeof e.dur !== 'number') continue;
    const key = `${e.pid}:${e.tid}`;
    let t = byThread.get(key);
    if (!t) byThread.set(key, t = new Map());
    const what = e.args?.src_func ? `${e.name} <- ${e.args.src_file ?? ''}:${e.args.src_func}` : e.name;
    const c = t.get(what) ?? { n: 0, ms: 0 };
    c.n++; c.ms += e.dur / 1000;
    t.set(what, c);
  }
  const out = [];
  for (const [key, t] of byThread) {
    const top = [...t].sort((a, b) => b[1].ms - a[1].ms);
    const total = top.filter(([w]) => w.startsWith('ThreadControllerImpl::RunTask') || w.startsWith('ThreadPool_RunTask')).reduce((s, [, c]) => s + c.ms, 0);
    out.push(`${procs.get(Number(key.split(':')[0])) ?? '?'} ${key} ${names.get(key) ?? '?'}: tasks ${total.toFixed(0)} ms`);
    for (const [w, c] of top.slice(0, 25)) out.push(`    ${c.ms.toFixed(1)} ms in ${c.n}: ${w}`);
  }
  return out.join('\n');
}

/** Runs in the page on an element: it and its ancestors, by tag, id, classes and label (which part drew it). */
function ANCESTRY() {
  const out = [];
  // eslint-disable-next-line @typescript-eslint/no-this-alias -- CDP's callFunctionOn passes the element as `this`
  for (let e = this; e && out.length < 12; e = e.parentElement) {
    const classes = typeof e.className === 'string' && e.className ? `.${e.className.split(' ').slice(0, 3).join('.')}` : '';
    const label = e.getAttribute('aria-label');
    out.push(`${e.localName}${e.id ? `#${e.id}` : ''}${classes}${label ? `[${label.slice(0, 40)}]` : ''}`);
  }
  return out.join(' < ');
}

/** Text, classes and labels of the elements matching `selector` in every frame (webviews included). */
async function probeFrames(selector) {
  const out = [];
  for (const frame of page.frames()) {
    try {
      out.push(...await frame.$$eval(selector, (els) => els.map((e) => ({
        text: e.textContent ?? '', className: typeof e.className === 'string' ? e.className : '',
        ariaLabel: e.getAttribute('aria-label'), title: e.getAttribute('title'),
        color: getComputedStyle(e).color, background: getComputedStyle(e).backgroundColor,
      }))));
    } catch { /* a frame that went away while it was read */ }
  }
  return out;
}

// 5. open the workbench on the folder, with the extension and its tests in the payload
const host = new URL(origin).host;
const remote = (p) => `vscode-remote://${host}${p}`;
const payload = [
  ...(extPath ? [['extensionDevelopmentPath', remote(extPath)]] : []),
  ['extensionTestsPath', remote(testsPath)],
  ['skipWelcome', 'true'],
  ['skipReleaseNotes', 'true'],
];
// 'commit' rather than 'load': on a busy 2-core machine the workbench's load event can take minutes,
// and the run ends through codeAutomationExit anyway.
try {
  await page.goto(`${origin}/?folder=${encodeURIComponent(workspace)}&payload=${encodeURIComponent(JSON.stringify(payload))}`, { waitUntil: 'commit', timeout: 120000 });
} catch (e) {
  console.error(`[harness] could not open the workbench: ${e.message}`);
  await finish(1);
}

const code = await exited;
clearInterval(shotTimer);
clearTimeout(overall);
try { await page.screenshot({ path: path.join(shotDir, 'final.png') }); } catch {}
for (const f of fs.readdirSync(shotDir)) if (f.endsWith(`.${runId}.done`) || f.endsWith(`.${runId}.probed`) || f.endsWith(`.${runId}.answer`)) fs.rmSync(path.join(shotDir, f), { force: true });
if (fs.existsSync(resultsFile)) {
  const r = JSON.parse(fs.readFileSync(resultsFile, 'utf8'));
  console.log(`${r.passed} passed, ${r.failed} failed`);
} else if (code !== 0) {
  console.log('0 passed, 1 failed'); // the suite did not even load: count that as one failure
}
console.log(`[harness] extension host exited with ${code} after ${secs()}s; screenshots in ${path.relative(process.cwd(), shotDir) || '.'}`);
await finish(typeof code === 'number' ? code : 1);
