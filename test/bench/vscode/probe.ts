// Temporary: CPU profile of the extension host while the 10^6 scenario is opened, run and edited.
import * as fs from 'fs';
import * as inspector from 'inspector';
import * as path from 'path';
import * as vscode from 'vscode';
import { scenarioOfEvents } from '../scenarios';

function post<T>(s: inspector.Session, method: string, params?: object): Promise<T> {
  return new Promise((resolve, reject) => s.post(method, params ?? {}, (err, res) => (err ? reject(err) : resolve(res as T))));
}

export async function run(): Promise<void> {
  const out = process.env.TIMENS_BENCH_OUT!;
  const dir = process.env.TIMENS_BENCH_DIR!;
  await vscode.extensions.getExtension('timens-explorer.timens-explorer')!.activate();
  const big = path.join(dir, 'events-1e6.timens');
  fs.writeFileSync(big, scenarioOfEvents(1_000_000));
  const s = new inspector.Session();
  s.connect();
  await post(s, 'Profiler.enable');
  await post(s, 'Profiler.setSamplingInterval', { interval: 1000 });
  const phases: Record<string, unknown> = {};
  for (const [name, work] of [
    ['open', async () => { const d = await vscode.workspace.openTextDocument(big); await vscode.window.showTextDocument(d); await new Promise((r) => setTimeout(r, 4000)); }],
    ['run', async () => { await vscode.commands.executeCommand('timens.runScenario', vscode.Uri.file(big)); await new Promise((r) => setTimeout(r, 2000)); }],
  ] as const) {
    await post(s, 'Profiler.start');
    const t0 = Date.now();
    await work();
    const { profile } = await post<{ profile: { nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; hitCount?: number }[]; samples: number[]; timeDeltas: number[] } }>(s, 'Profiler.stop');
    const self = new Map<number, number>();
    profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
    const byFn = new Map<string, number>();
    for (const n of profile.nodes) {
      const k = `${n.callFrame.functionName || "(anon)"} ${path.basename(n.callFrame.url)}:${n.callFrame.lineNumber}:${(n.callFrame as { columnNumber?: number }).columnNumber}`;
      byFn.set(k, (byFn.get(k) ?? 0) + (self.get(n.id) ?? 0) / 1000);
    }
    phases[name] = { wall: Date.now() - t0, top: [...byFn.entries()].sort((a, b) => b[1] - a[1]).slice(0, 25) };
    fs.writeFileSync(out, JSON.stringify(phases, null, 1));
  }
}
