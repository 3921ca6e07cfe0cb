// Runs plans on the running kernel: starts the helper's supervisor, sends it the plans, and sorts its answers
// by scenario. Progress is reported per line; an abort kills the helper and everything it started.

import { spawn } from 'node:child_process';
import type { Plan } from './plan';
import { planInput } from './plan';
import { collect, parseLine, type Hello, type HostNow, type KernelLine, type Record_ } from './protocol';
import { VerifyError } from './build';

export interface RunResult {
  readonly hello: Hello;
  /** Per plan label: what the kernel said per protocol line (the scenario line + 1). */
  readonly lines: ReadonlyMap<string, Map<number, KernelLine>>;
  /** Per plan label: why its sandbox could not start. */
  readonly failures: ReadonlyMap<string, string>;
  /** Per plan label: the host clocks when its sandbox started. */
  readonly hosts: ReadonlyMap<string, HostNow>;
}

export interface RunOptions {
  /** The helper's 32-bit build, which execve(…, compat) runs. */
  readonly helper32?: string | null;
  readonly signal?: AbortSignal;
  readonly onLine?: (label: string, line: number) => void;
}

/** Sorts a stream of helper output lines by plan; shared by the local run and qemu's console. */
export class Collector {
  hello: Hello | null = null;
  readonly lines = new Map<string, Map<number, KernelLine>>();
  readonly failures = new Map<string, string>();
  readonly hosts = new Map<string, HostNow>();
  private current: string | null = null;
  readonly noise: string[] = [];

  constructor(private readonly onLine?: (label: string, line: number) => void) {}

  add(r: Record_): void {
    switch (r.kind) {
      case 'hello': this.hello = r; return;
      case 'ready':
        this.current = r.label;
        this.lines.set(r.label, new Map());
        if (r.host) this.hosts.set(r.label, r.host);
        return;
      case 'fail': this.failures.set(r.label, r.reason); this.current = null; return;
      case 'ended': this.current = null; return;
      case 'noise': if (r.text.trim() && this.noise.length < 50) this.noise.push(r.text); return;
      default: {
        if (!this.current) return;
        const n = collect(this.lines.get(this.current)!, r);
        if (r.kind === 'done') this.onLine?.(this.current, n);
      }
    }
  }
}

/** What the kernel must have: without time namespaces there is nothing to compare. */
export function checkConfig(h: Hello): void {
  if (!h.timens) throw new VerifyError(`Linux ${h.release} has no time namespaces (/proc/self/ns/time is missing): build it with CONFIG_TIME_NS=y`);
}

export function runLocal(helper: string, plans: readonly Plan[], opts: RunOptions = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    if (opts.signal?.aborted) { reject(new VerifyError('cancelled')); return; }
    const child = spawn(helper, ['supervise', '--mode', 'sandbox', ...(opts.helper32 ? ['--helper32', opts.helper32] : [])], { stdio: ['pipe', 'pipe', 'pipe'], detached: true });
    const col = new Collector(opts.onLine);
    let buf = '';
    let err = '';
    const kill = () => { try { process.kill(-child.pid!, 'SIGKILL'); } catch { /* already gone */ } };
    const onAbort = () => { kill(); };
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    child.stdout.setEncoding('latin1');
    child.stdout.on('data', (d: string) => {
      buf += d;
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        col.add(parseLine(buf.slice(0, nl)));
        buf = buf.slice(nl + 1);
      }
    });
    child.stderr.on('data', (d: Buffer) => { if (err.length < 4000) err += d.toString(); });
    child.on('error', (e) => reject(new VerifyError(`cannot start the helper ${helper}: ${e.message}`)));
    child.on('close', (code) => {
      opts.signal?.removeEventListener('abort', onAbort);
      kill();
      if (opts.signal?.aborted) { reject(new VerifyError('cancelled')); return; }
      if (!col.hello) { reject(new VerifyError(`the helper did not start (exit ${code})${err ? `: ${err.trim()}` : ''}`)); return; }
      resolve({ hello: col.hello, lines: col.lines, failures: col.failures, hosts: col.hosts });
    });
    child.stdin.on('error', () => { /* the helper ended early; its output says why */ });
    child.stdin.end(planInput(plans));
  });
}
