// Generated timeline runs of any size (10^6 events and more) for the webview tests and the benchmark: the same
// shape a real simulation gives (syscalls with nested kernel calls, faults, zaps, PTE inserts, errors, host
// sleeps and suspends, namespaces with offsets), built straight into columns without running the simulator.
import {
  CATEGORY, EVENT_KINDS, FLAG_FAILED, KIND_CODE as K, FLAG_SIGNAL, newColumns, NO_LANE, type Columns, type EventDetails, type LaneInfo, type RunHeader,
} from '../../webview/protocol';


export interface GeneratedRun {
  header: RunHeader;
  /** The 'lines' message's text: line k's source is the k-th piece. */
  lines: string;
  columns: Columns;
}

const FUNCTIONS = [
  'ksys_unshare', 'unshare_nsproxy_namespaces', 'create_new_namespaces', 'copy_time_ns', 'clone_time_ns',
  'timens_on_fork', 'vdso_join_timens', 'zap_vvar_pages', 'vvar_fault', 'vmf_insert_pfn', '__do_sys_clock_gettime',
  'do_clock_gettime', 'timens_add_monotonic', 'kernel_clone', 'copy_process', 'copy_namespaces', 'proc_timens_set_offset',
  'timens_set_vvar_page', '__x64_sys_setns', 'validate_nsset', 'commit_nsset', 'clock_gettime (vDSO)', 'do_hres', 'do_hres_timens',
  'host: sleep', 'host: suspend', 'expect', 'force_sig_fault',
];
const F = Object.fromEntries(FUNCTIONS.map((f, i) => [f, i])) as Record<string, number>;

/** A simple deterministic PRNG so every generated run is the same for the same size. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

export function generateRun(n: number, options: { label?: string; seed?: number; divergeAt?: number } = {}): GeneratedRun {
  const lanes: LaneInfo[] = [
    { kind: 'task', id: 'P1', label: 'P1 (pid 1)', indent: 0, group: 0 },
    { kind: 'task', id: 'T1', label: 'T1 (tid 4)', indent: 1, group: 0 },
    { kind: 'task', id: 'P2', label: 'P2 (pid 2)', indent: 0, group: 2 },
    { kind: 'task', id: 'P3', label: 'P3 (pid 3)', indent: 0, group: 3 },
    { kind: 'host', id: 'host', label: 'host', indent: 0, group: 4 },
    { kind: 'ns', id: 'ns#0', label: 'ns#0 (init_time_ns)', indent: 0, group: 5 },
    { kind: 'ns', id: 'ns#1', label: 'ns#1', indent: 0, group: 6 },
    { kind: 'ns', id: 'ns#2', label: 'ns#2', indent: 0, group: 7 },
  ];
  const labels = ['', 'EINVAL', 'EPERM', 'SIGBUS', 'EACCES', 'EUSERS'];
  const columns = newColumns(n);
  const { kind, lane, nsLane, depth, flags, line, fn, label, match } = columns;
  nsLane.fill(NO_LANE);
  match.fill(-1);
  const causes: number[] = [];
  const rand = rng(options.seed ?? 42);
  const lineText: string[] = [];
  const clockPos: number[] = [0];
  const hostMono: number[] = [1000];
  const hostBoot: number[] = [1000];
  let mono = 1000;
  let boot = 1000;
  const ns1At = Math.floor(n * 0.1);
  const ns2At = Math.floor(n * 0.3);
  let i = 0;
  let ln = 0;
  let lastZap = -1;
  const push = (k: number, l: number, d: number, cat: number, f: number, extra = 0, lab = 0, ns = NO_LANE): number => {
    if (i >= n) return -1;
    kind[i] = k; lane[i] = l; depth[i] = d; flags[i] = cat | extra; line[i] = ln; fn[i] = f; label[i] = lab; nsLane[i] = ns;
    return i++;
  };
  const openSpan = (enter: number, l: number, d: number, cat: number, f: number, ns = NO_LANE) => push(enter, l, d, cat, f, 0, 0, ns);
  const closeSpan = (start: number, exit: number, l: number, d: number, cat: number, f: number, extra = 0, lab = 0) => {
    const e = push(exit, l, d, cat, f, extra, lab);
    if (start >= 0 && e >= 0) { match[start] = e; match[e] = start; }
  };
  while (i < n) {
    const r = rand();
    const task = [0, 0, 1, 2, 3][Math.floor(rand() * 5)];
    const nsOfTask = i > ns2At && task >= 2 ? 7 : i > ns1At && task >= 2 ? 6 : 5;
    if (options.divergeAt !== undefined && i >= options.divergeAt && r < 0.2) {
      // After the divergence point the other kernel fails where this one succeeded.
      lineText[ln] = `${lanes[task].id} unshare CLONE_NEWTIME`;
      const s = openSpan(K['syscall-enter'], task, 0, CATEGORY.syscall, F.ksys_unshare);
      push(K.error, task, 1, CATEGORY.syscall, F.copy_time_ns, FLAG_FAILED, 4);
      closeSpan(s, K['syscall-exit'], task, 0, CATEGORY.syscall, F.ksys_unshare, FLAG_FAILED, 4);
    } else if (r < 0.04) {
      lineText[ln] = r < 0.02 ? 'sleep 10s' : 'suspend 60s';
      const f = r < 0.02 ? F['host: sleep'] : F['host: suspend'];
      push(K.host, 4, 0, CATEGORY.host, f);
      mono += r < 0.02 ? 10 : 0;
      boot += r < 0.02 ? 10 : 60;
      clockPos.push(i); hostMono.push(mono); hostBoot.push(boot);
    } else if (r < 0.07) {
      lineText[ln] = `expect ${lanes[task].id} CLOCK_MONOTONIC == host + 86400s`;
      push(K.expect, task, 0, CATEGORY.expect, F.expect, r < 0.071 ? FLAG_FAILED : 0);
    } else if (r < 0.5) {
      lineText[ln] = `${lanes[task].id} clock_gettime CLOCK_MONOTONIC`;
      const s = openSpan(K['vdso-enter'], task, 0, CATEGORY.vdso, F['clock_gettime (vDSO)']);
      if (rand() < 0.3) {
        const fault = push(K.fault, task, 1, CATEGORY.vdso, F.vvar_fault, 0, 0, nsOfTask);
        const c = openSpan(K.call, task, 1, CATEGORY.vdso, F.vvar_fault);
        const ins = push(K['pte-insert'], task, 2, CATEGORY.vdso, F.vmf_insert_pfn, 0, 0, nsOfTask);
        closeSpan(c, K.return, task, 1, CATEGORY.vdso, F.vvar_fault);
        if (fault >= 0 && ins >= 0) causes.push(fault, ins);
        if (lastZap >= 0 && fault >= 0) { causes.push(lastZap, fault); lastZap = -1; }
      }
      const c2 = openSpan(K.call, task, 1, CATEGORY.vdso, nsOfTask === 5 ? F.do_hres : F.do_hres_timens);
      closeSpan(c2, K.return, task, 1, CATEGORY.vdso, nsOfTask === 5 ? F.do_hres : F.do_hres_timens);
      closeSpan(s, K['vdso-exit'], task, 0, CATEGORY.vdso, F['clock_gettime (vDSO)']);
    } else if (r < 0.62) {
      lineText[ln] = `${lanes[task].id} setns /proc/P2/ns/time`;
      const s = openSpan(K['syscall-enter'], task, 0, CATEGORY.syscall, F.__x64_sys_setns);
      const c = openSpan(K.call, task, 1, CATEGORY.syscall, F.validate_nsset);
      closeSpan(c, K.return, task, 1, CATEGORY.syscall, F.validate_nsset);
      const c2 = openSpan(K.call, task, 1, CATEGORY.syscall, F.commit_nsset);
      const c3 = openSpan(K.call, task, 2, CATEGORY.syscall, F.vdso_join_timens);
      const z = push(K.zap, task, 3, CATEGORY.syscall, F.zap_vvar_pages, 0, 0, nsOfTask);
      if (s >= 0 && z >= 0) { causes.push(s, z); lastZap = z; }
      closeSpan(c3, K.return, task, 2, CATEGORY.syscall, F.vdso_join_timens);
      closeSpan(c2, K.return, task, 1, CATEGORY.syscall, F.commit_nsset);
      closeSpan(s, K['syscall-exit'], task, 0, CATEGORY.syscall, F.__x64_sys_setns);
    } else if (r < 0.66) {
      lineText[ln] = `${lanes[task].id} touch [vvar_vclock] 1`;
      const s = push(K.fault, task, 0, CATEGORY.none, F.vvar_fault, FLAG_SIGNAL, 3);
      const sig = push(K.signal, task, 1, CATEGORY.none, F.force_sig_fault, FLAG_SIGNAL, 3);
      if (s >= 0 && sig >= 0) causes.push(s, sig);
    } else {
      lineText[ln] = `${lanes[task].id} unshare CLONE_NEWTIME`;
      const s = openSpan(K['syscall-enter'], task, 0, CATEGORY.syscall, F.ksys_unshare);
      const c1 = openSpan(K.call, task, 1, CATEGORY.syscall, F.unshare_nsproxy_namespaces);
      const c2 = openSpan(K.call, task, 2, CATEGORY.syscall, F.create_new_namespaces);
      const c3 = openSpan(K.call, task, 3, CATEGORY.syscall, F.copy_time_ns);
      const failed = rand() < 0.05;
      if (failed) push(K.error, task, 4, CATEGORY.syscall, F.copy_time_ns, FLAG_FAILED, 5);
      else push(K.state, task, 4, CATEGORY.syscall, F.clone_time_ns, 0, 0, nsOfTask === 5 ? 6 : nsOfTask);
      closeSpan(c3, K.return, task, 3, CATEGORY.syscall, F.copy_time_ns);
      closeSpan(c2, K.return, task, 2, CATEGORY.syscall, F.create_new_namespaces);
      closeSpan(c1, K.return, task, 1, CATEGORY.syscall, F.unshare_nsproxy_namespaces);
      closeSpan(s, K['syscall-exit'], task, 0, CATEGORY.syscall, F.ksys_unshare, failed ? FLAG_FAILED : 0, failed ? 5 : 0);
    }
    ln++;
  }
  clockPos.push(n); hostMono.push(mono); hostBoot.push(boot);
  const P = clockPos.length;
  const nsOff = (at: number, off: number) => Float64Array.from(clockPos, (p) => (p < at ? NaN : off));
  const nsBootOff = (at: number, off: number) => Float64Array.from(clockPos, (p) => (p < at ? NaN : off));
  const header: RunHeader = {
    label: options.label ?? `generated ${n.toLocaleString('en-US')}`,
    file: 'generated.timens',
    eventCount: n,
    lanes,
    functions: FUNCTIONS,
    labels,
    causes: sortPairsByTo(causes).buffer as ArrayBuffer,
    clocks: {
      positions: Float64Array.from(clockPos).buffer,
      hostMonotonic: Float64Array.from(hostMono).buffer,
      hostBoottime: Float64Array.from(hostBoot).buffer,
      nsMonotonicOffset: [new Float64Array(P).buffer, nsOff(ns1At, 86400).buffer, nsOff(ns2At, -3600).buffer],
      nsBoottimeOffset: [new Float64Array(P).buffer, nsBootOff(ns1At, 86400).buffer, nsBootOff(ns2At, 7200).buffer],
      frozenAt: [-1, Math.min(n, ns1At + 40), -1],
    },
  };
  return { header, lines: lineText.join('\n'), columns };
}

function sortPairsByTo(pairs: number[]): Int32Array {
  const idx = Array.from({ length: pairs.length / 2 }, (_, k) => k).sort((a, b) => pairs[a * 2 + 1] - pairs[b * 2 + 1]);
  const out = new Int32Array(pairs.length);
  idx.forEach((k, j) => { out[j * 2] = pairs[k * 2]; out[j * 2 + 1] = pairs[k * 2 + 1]; });
  return out;
}

export function generatedDetails(run: GeneratedRun, r: number, index: number): EventDetails {
  const c = run.columns;
  const h = run.header;
  const causes: number[] = [];
  const pairs = new Int32Array(h.causes);
  for (let k = 0; k < pairs.length; k += 2) if (pairs[k + 1] === index) causes.push(pairs[k]);
  return {
    run: r,
    index,
    kind: EVENT_KINDS[c.kind[index]],
    fn: h.functions[c.fn[index]],
    task: h.lanes[c.lane[index]]?.id ?? null,
    line: c.line[index],
    lineText: run.lines.split('\n')[c.line[index]] ?? '',
    summary: `${EVENT_KINDS[c.kind[index]]} in ${h.functions[c.fn[index]]}`,
    stack: ['entry_SYSCALL_64', h.functions[c.fn[index]]],
    hostTime: '1000.000000000s',
    changes: c.kind[index] === K.zap ? [{ obj: 'mm#1', field: 'vmas', before: '[vvar] pte 0 -> page#host', after: '[vvar] pte 0 -> none' }] : [],
    result: c.flags[index] & FLAG_FAILED && h.labels[c.label[index]] ? `ret -1, errno ${h.labels[c.label[index]]}` : null,
    causes,
  };
}
