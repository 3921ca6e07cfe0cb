// The Variables view of a stop: scopes (Event, Task, Namespaces, Memory, Clocks, Tasks) built lazily from the
// KernelState, with the values changed by the last step marked and large collections paged.
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { Change, KernelState, OpResult, PteState, SimEvent, TaskState, TimeNamespaceState } from '../sim/api';
import { formatClockRead } from '../scenario/editor/format';
import { resultText } from '../scenario/editor/trees';
import type { Timespec } from '../sim/types';
import { CLOCK_NAMES, PROT } from '../sim/types';
import { formatTimespec, isTimespec, lookupObject } from './expressions';

/** Children of an expandable variable, possibly a window [start, start+count) of an indexed collection. */
interface Container {
  children(start: number, count: number, filter: 'indexed' | 'named' | undefined): DebugProtocol.Variable[];
}

/** Collections larger than this are paged: VS Code asks for them in chunks with start/count. */
const PAGE_THRESHOLD = 64;

/** Which fields the last step changed: `obj|field` → the change (field paths use '.' between parts). */
export class ChangeSet {
  private readonly byKey = new Map<string, { before: unknown; after: unknown }>();
  private readonly objects = new Set<string>();

  static between(events: Iterable<SimEvent>, backwards: boolean): ChangeSet {
    const set = new ChangeSet();
    for (const e of events) for (const c of e.changes) set.add(c, backwards);
    return set;
  }

  private add(c: Change, backwards: boolean): void {
    const key = `${c.obj}|${normalise(c.field)}`;
    const existing = this.byKey.get(key);
    const [before, after] = backwards ? [c.after, c.before] : [c.before, c.after];
    // Forwards the first before and the last after count; backwards the events come in reverse.
    if (existing) existing.after = after;
    else this.byKey.set(key, { before, after });
    this.objects.add(c.obj);
  }

  get size(): number {
    return this.byKey.size;
  }

  objectChanged(obj: string): boolean {
    return this.objects.has(obj);
  }

  /** Whether `obj.path` or anything inside or around it changed. */
  touches(obj: string, path: string): boolean {
    if (!this.objects.has(obj)) return false;
    const p = normalise(path);
    for (const key of this.byKey.keys()) {
      if (!key.startsWith(obj + '|')) continue;
      const f = key.slice(obj.length + 1);
      if (f === p || f.startsWith(p + '.') || p.startsWith(f + '.')) return true;
    }
    return false;
  }

  exact(obj: string, path: string): { before: unknown; after: unknown } | undefined {
    return this.byKey.get(`${obj}|${normalise(path)}`);
  }
}

function normalise(field: string): string {
  return field.replace(/\[(\d+)\]/g, '.$1');
}


function protNames(prot: number): string {
  if (prot === PROT.PROT_NONE) return 'PROT_NONE';
  return (['PROT_READ', 'PROT_WRITE', 'PROT_EXEC'] as const).filter((n) => prot & PROT[n]).join('|');
}

function hex(n: number): string {
  return '0x' + n.toString(16);
}

function addTimespec(a: Timespec, b: Timespec): Timespec {
  let sec = a.sec + b.sec;
  let nsec = a.nsec + b.nsec;
  if (nsec >= 1e9) { nsec -= 1e9; sec += 1; }
  return { sec, nsec };
}

/** Turns state into DAP variables. One instance per stop: references die when the cursor moves. */
export class VariableTree {
  private readonly containers = new Map<number, Container>();
  private readonly rendered = new Map<number, Map<string, string | undefined>>();
  private nextRef = 1;

  constructor(
    private readonly state: KernelState,
    private readonly changes: ChangeSet,
    private readonly event: SimEvent | undefined,
    private readonly task: string | null,
  ) {}

  private add(c: Container): number {
    const ref = this.nextRef++;
    this.containers.set(ref, c);
    return ref;
  }

  variables(args: DebugProtocol.VariablesArguments): DebugProtocol.Variable[] {
    const c = this.containers.get(args.variablesReference);
    if (!c) return [];
    const vars = c.children(args.start ?? 0, args.count ?? 0, args.filter);
    const names = this.rendered.get(args.variablesReference) ?? new Map<string, string | undefined>();
    for (const v of vars) names.set(v.name, v.evaluateName);
    this.rendered.set(args.variablesReference, names);
    return vars;
  }

  /** The expression behind a variable VS Code showed (for data breakpoints on it). */
  evaluateNameOf(ref: number, name: string): string | undefined {
    return this.rendered.get(ref)?.get(name);
  }

  /** A variable for an evaluated value (console, hovers): expandable when it is an object. */
  valueVariable(expression: string, value: unknown): DebugProtocol.Variable {
    const obj = typeof value === 'object' && value !== null && typeof (value as { id?: unknown }).id === 'string' ? (value as { id: string }).id : expression.split('.')[0]!;
    const path = expression.includes('.') ? expression.slice(expression.indexOf('.') + 1) : '';
    const v = this.field(expression, value, expression, obj, path);
    if (typeof value === 'string' && this.state.pages[value]?.blocks.length) v.memoryReference = value;
    return v;
  }

  /** A container of ready-made variables. */
  group(vars: DebugProtocol.Variable[]): number {
    return this.add({ children: () => vars });
  }

  scopes(): DebugProtocol.Scope[] {
    const scopes: DebugProtocol.Scope[] = [];
    const s = this.state;
    if (this.event) {
      const e = this.event;
      scopes.push({ name: `Event #${e.index}: ${e.kind} ${e.fn}`, variablesReference: this.add({ children: () => this.eventChildren(e) }), expensive: false, presentationHint: 'locals' });
    }
    const task = this.task ? s.tasks[this.task] : undefined;
    if (task) {
      scopes.push({ name: `Task ${task.id}`, variablesReference: this.add({ children: () => this.taskChildren(task) }), expensive: false, presentationHint: 'locals' });
    }
    scopes.push(this.collectionScope('Namespaces', Object.values(s.timeNamespaces), (ns) => this.namespaceVariable(ns)));
    scopes.push({ name: 'Memory', variablesReference: this.add({ children: () => this.memoryChildren() }), expensive: false });
    scopes.push({ name: 'Clocks', variablesReference: this.add({ children: () => this.clockChildren() }), expensive: false });
    scopes.push(this.collectionScope('Tasks', Object.values(s.tasks), (t) => ({ ...this.objectVariable(t.id, t, t.id, t.id, ''), value: this.taskSummary(t) })));
    return scopes;
  }

  private collectionScope<T>(name: string, items: readonly T[], render: (item: T) => DebugProtocol.Variable): DebugProtocol.Scope {
    const paged = items.length > PAGE_THRESHOLD;
    const ref = this.add({ children: (start, count) => slice(items, start, count).map(render) });
    return paged
      ? { name, variablesReference: ref, indexedVariables: items.length, expensive: false }
      : { name, variablesReference: ref, namedVariables: items.length, expensive: false };
  }

  // --- Event ----------------------------------------------------------------------------------------

  private eventChildren(e: SimEvent): DebugProtocol.Variable[] {
    const plain = (name: string, value: string): DebugProtocol.Variable => ({ name, value, variablesReference: 0 });
    const out: DebugProtocol.Variable[] = [
      plain('summary', e.summary),
      plain('kind', e.kind),
      plain('fn', e.fn),
      plain('stack', e.stack.join(' > ')),
      plain('line', e.line >= 0 ? String(e.line + 1) : '—'),
    ];
    if (e.task) out.push(this.idVariable('task', e.task, e.task, 'event', 'task'));
    const changes = e.changes.map((c) => plain(`${c.obj}.${c.field}`, `${display(c.before)} → ${display(c.after)}`));
    out.push({ name: 'changes', value: changes.length ? changes.map((c) => c.name).join(', ') : 'none', variablesReference: changes.length ? this.add({ children: () => changes }) : 0 });
    if (e.result) out.push(this.objectVariable('result', e.result, 'result', 'event', 'result'));
    if (e.errno) out.push(plain('errno', e.errno));
    if (e.signal) out.push(plain('signal', e.signal));
    if (e.page) out.push(plain('page', `${e.page.mm} ${e.page.vma}[${e.page.index}] → ${e.page.phys ?? 'none'}`));
    if (e.passed !== undefined) out.push(plain('passed', String(e.passed)));
    if (e.match !== undefined) out.push(plain('match', `event #${e.match}`));
    if (e.causes?.length) out.push(plain('causes', e.causes.map((c) => `#${c}`).join(', ')));
    out.push(plain('host CLOCK_MONOTONIC', formatTimespec(e.hostTime)));
    return out;
  }

  // --- Task -----------------------------------------------------------------------------------------

  private taskSummary(task: TaskState): string {
    const proxy = this.state.nsproxies[task.nsproxy];
    const where = proxy ? `time ${proxy.time_ns}, for children ${proxy.time_ns_for_children}` : task.nsproxy;
    return `pid ${task.pid}, ${task.state}, ${where}${task.mm ? `, ${task.mm}` : ''}`;
  }

  private taskChildren(task: TaskState): DebugProtocol.Variable[] {
    const s = this.state;
    const proxy = s.nsproxies[task.nsproxy];
    const out: DebugProtocol.Variable[] = [];
    if (proxy) {
      out.push(this.idVariable('time_ns', proxy.time_ns, `${task.id}.time_ns`, proxy.id, 'time_ns'));
      out.push(this.idVariable('time_ns_for_children', proxy.time_ns_for_children, `${task.id}.time_ns_for_children`, proxy.id, 'time_ns_for_children'));
    }
    out.push(this.leaf('creds', `uid=${task.uid} euid=${task.euid} user_ns=${task.userNs}${task.fullCaps ? ' (CAP_SYS_ADMIN, CAP_SYS_TIME)' : ''}`, undefined, task.id, 'uid'));
    out.push(...this.fields(task, task.id, task.id, ''));
    return out;
  }

  // --- Namespaces -----------------------------------------------------------------------------------

  private namespaceVariable(ns: TimeNamespaceState): DebugProtocol.Variable {
    const label = `${ns.id}${ns.id === 'ns#0' ? ' (init_time_ns)' : ''}${ns.alive ? '' : ' (freed)'}`;
    const value = `offsets: monotonic ${formatTimespec(ns.offsets.monotonic)}, boottime ${formatTimespec(ns.offsets.boottime)}${ns.frozen_offsets ? ', frozen' : ''}`;
    const ref = this.add({ children: () => this.fields(ns, ns.id, ns.id, '') });
    return { name: this.mark(label, this.changes.objectChanged(ns.id)), value, variablesReference: ref, evaluateName: ns.id, namedVariables: Object.keys(ns).length };
  }

  // --- Memory ---------------------------------------------------------------------------------------

  private memoryChildren(): DebugProtocol.Variable[] {
    const s = this.state;
    const mms = Object.values(s.mms).map((mm) => {
      const vmas = mm.vmas.map((v) => `${v.name}@${hex(v.start)}`).join(' ');
      const ref = this.add({ children: () => this.mmChildren(mm.id) });
      return { name: this.mark(mm.id, this.changes.objectChanged(mm.id)), value: `users ${mm.users.join(', ') || '—'}: ${vmas}`, variablesReference: ref, evaluateName: mm.id };
    });
    const pages = Object.values(s.pages).map((p) => this.objectVariable(p.id, p, p.id, p.id, ''));
    const pagesRef = this.add({ children: () => pages });
    return [...mms, { name: 'physical pages', value: `${pages.length} pages`, variablesReference: pagesRef, namedVariables: pages.length }];
  }

  private mmChildren(mmId: string): DebugProtocol.Variable[] {
    const mm = this.state.mms[mmId];
    if (!mm) return [];
    const out: DebugProtocol.Variable[] = [
      this.leaf('users', mm.users.join(', ') || '—', `${mm.id}.users`, mm.id, 'users'),
      this.leaf('vdsoDataAddr', hex(mm.vdsoDataAddr), `${mm.id}.vdsoDataAddr`, mm.id, 'vdsoDataAddr'),
    ];
    mm.vmas.forEach((vma, i) => {
      // The simulator names VMA changes by mapping name: '[vvar]' (the VMA), '[vvar].ptes', '[vvar].sigbus'.
      const at = (field: string) => `${vma.name}.${field}`;
      const pteChange = this.changes.exact(mm.id, at('ptes'));
      const ref = this.add({
        children: () => [
          this.leaf('start', hex(vma.start), `${mm.id}.vmas[${i}].start`, mm.id, at('start')),
          this.leaf('pages', String(vma.pages), undefined, mm.id, at('pages')),
          this.leaf('vm_pgoff', String(vma.pgoff), undefined, mm.id, at('pgoff')),
          this.leaf('prot', protNames(vma.prot), undefined, mm.id, at('prot')),
          this.leaf('flags', vma.flags.join('|'), undefined, mm.id, at('flags')),
          ...vma.ptes.map((pte, p) => {
            const text = (e: PteState | null | undefined) => (e ? `${e.page} (since event #${e.sinceEvent})` : 'none (faults on access)');
            const before = Array.isArray(pteChange?.before) ? (pteChange.before as (PteState | null)[])[p] : undefined;
            const changed = pteChange !== undefined && JSON.stringify(before ?? null) !== JSON.stringify(pte);
            const v: DebugProtocol.Variable = {
              name: this.mark(`pte[${p}]`, changed),
              value: text(pte) + (changed ? `  (was ${before ? before.page : 'none'})` : ''),
              variablesReference: 0,
              evaluateName: `${mm.id}.vmas[${i}].ptes[${p}]`,
            };
            if (pte && this.state.pages[pte.page]?.blocks.length) v.memoryReference = pte.page;
            return v;
          }),
          ...(vma.sigbus.length ? [this.leaf('sigbus pages', vma.sigbus.join(', '), undefined, mm.id, at('sigbus'))] : []),
        ],
      });
      const present = vma.ptes.filter(Boolean).length;
      out.push({ name: this.mark(vma.name, this.changes.touches(mm.id, vma.name)), value: `${hex(vma.start)} ${vma.pages} page(s), ${present} PTE(s) present, ${protNames(vma.prot)}`, variablesReference: ref, evaluateName: `${mm.id}.vmas[${i}]` });
    });
    return out;
  }

  // --- Clocks ---------------------------------------------------------------------------------------

  private clockChildren(): DebugProtocol.Variable[] {
    const h = this.state.host;
    const tai: Timespec = { sec: h.realtime.sec + h.taiOffset, nsec: h.realtime.nsec };
    const host = [
      this.leaf('CLOCK_REALTIME', formatTimespec(h.realtime), 'host.realtime', 'host', 'realtime'),
      this.leaf('CLOCK_MONOTONIC', formatTimespec(h.monotonic), 'host.monotonic', 'host', 'monotonic'),
      this.leaf('CLOCK_BOOTTIME', formatTimespec(h.boottime), 'host.boottime', 'host', 'boottime'),
      this.leaf('CLOCK_MONOTONIC_RAW', formatTimespec(h.monotonicRaw), 'host.monotonicRaw', 'host', 'monotonicRaw'),
      this.leaf('CLOCK_TAI', formatTimespec(tai), undefined, 'host', 'taiOffset'),
    ];
    const hostRef = this.add({ children: () => host });
    const out: DebugProtocol.Variable[] = [{ name: this.mark('host', this.changes.objectChanged('host')), value: `monotonic ${formatTimespec(h.monotonic)}, boottime ${formatTimespec(h.boottime)}`, variablesReference: hostRef, evaluateName: 'host' }];
    for (const ns of Object.values(this.state.timeNamespaces)) {
      if (!ns.alive) continue;
      const seen = {
        CLOCK_REALTIME: h.realtime,
        CLOCK_MONOTONIC: addTimespec(h.monotonic, ns.offsets.monotonic),
        CLOCK_MONOTONIC_RAW: addTimespec(h.monotonicRaw, ns.offsets.monotonic),
        CLOCK_BOOTTIME: addTimespec(h.boottime, ns.offsets.boottime),
      };
      const ref = this.add({ children: () => Object.entries(seen).map(([k, v]) => this.leaf(k, formatTimespec(v), undefined, ns.id, 'offsets')) });
      out.push({ name: this.mark(`seen from ${ns.id}`, this.changes.touches(ns.id, 'offsets') || this.changes.objectChanged('host')), value: `monotonic ${formatTimespec(seen.CLOCK_MONOTONIC)}, boottime ${formatTimespec(seen.CLOCK_BOOTTIME)}`, variablesReference: ref });
    }
    return out;
  }

  // --- Generic rendering ----------------------------------------------------------------------------

  private mark(name: string, changed: boolean): string {
    return changed ? `${name} *` : name;
  }

  private leaf(name: string, value: string, evaluateName: string | undefined, obj: string, path: string): DebugProtocol.Variable {
    const exact = this.changes.exact(obj, path);
    const changed = exact !== undefined || this.changes.touches(obj, path);
    const was = exact && !isObjectLike(exact.before) ? `  (was ${display(exact.before)})` : '';
    return { name: this.mark(name, changed), value: value + was, variablesReference: 0, ...(evaluateName ? { evaluateName } : {}) };
  }

  /** A field that holds an object id ('ns#1', 'nsproxy#2', 'page#ns#1'): expandable into that object. */
  private idVariable(name: string, id: string | null, evaluateName: string, obj: string, path: string): DebugProtocol.Variable {
    const v = this.leaf(name, id ?? 'null', evaluateName, obj, path);
    const target = id ? lookupObject(this.state, id) : undefined;
    if (id && target && typeof target === 'object') {
      v.variablesReference = this.add({ children: () => this.fields(target, id, id, '') });
      if (this.state.pages[id]?.blocks.length) v.memoryReference = id;
    }
    return v;
  }

  private objectVariable(name: string, value: object, evaluateName: string, obj: string, path: string): DebugProtocol.Variable {
    const changed = path === '' ? this.changes.objectChanged(obj) : this.changes.touches(obj, path);
    const ref = this.objectRef(value, obj, path, evaluateName);
    const v: DebugProtocol.Variable = { name: this.mark(name, changed), value: inWords(value) ?? summarise(value), variablesReference: ref, evaluateName };
    if (Array.isArray(value) && value.length > PAGE_THRESHOLD) v.indexedVariables = value.length;
    if (path === '' && this.state.pages[obj]?.blocks.length) v.memoryReference = obj;
    return v;
  }

  private objectRef(value: object, obj: string, path: string, evaluateName: string | null): number {
    return this.add({
      children: (start, count) => {
        if (Array.isArray(value)) {
          const from = Math.max(0, start);
          return slice(value, from, count).map((item, k) => this.field(`[${from + k}]`, item, evaluateName ? `${evaluateName}[${from + k}]` : undefined, obj, join(path, String(from + k))));
        }
        return this.fields(value, evaluateName, obj, path);
      },
    });
  }

  private fields(value: object, evaluateName: string | null, obj: string, path: string): DebugProtocol.Variable[] {
    const entries = Object.entries(value as Record<string, unknown>);
    const out: DebugProtocol.Variable[] = [];
    for (const [k, v] of entries) {
      if (k === 'id' && path === '') continue;
      // Clock-indexed arrays (vDSO basetime/offset) read better with the clock names.
      if (k === 'values' && Array.isArray(v) && v.every(isTimespec)) {
        const named = v.map((t, clk) => this.leaf(`[${clk}] ${CLOCK_NAMES[clk] ?? '(unused)'}`, formatTimespec(t), undefined, obj, join(path, `values.${clk}`)));
        out.push({ name: this.mark('offset/basetime[]', this.changes.touches(obj, join(path, k))), value: `${v.length} clocks`, variablesReference: this.add({ children: () => named }) });
        continue;
      }
      out.push(this.field(k, v, evaluateName ? `${evaluateName}.${k}` : undefined, obj, join(path, k)));
    }
    return out;
  }

  private field(name: string, value: unknown, evaluateName: string | undefined, obj: string, path: string): DebugProtocol.Variable {
    if (typeof value === 'string' && lookupObject(this.state, value) !== undefined && value !== obj) {
      return this.idVariable(name, value, evaluateName ?? value, obj, path);
    }
    if (isTimespec(value)) return this.leaf(name, formatTimespec(value), evaluateName, obj, path);
    if (typeof value === 'number' && /(?:Addr|^start)$/.test(name)) return this.leaf(name, hex(value), evaluateName, obj, path);
    if (isObjectLike(value)) return this.objectVariable(name, value as object, evaluateName ?? name, obj, path);
    return this.leaf(name, display(value), evaluateName, obj, path);
  }
}

function join(path: string, part: string): string {
  return path ? `${path}.${part}` : part;
}

function slice<T>(items: readonly T[], start: number, count: number): readonly T[] {
  return count > 0 ? items.slice(start, start + count) : start > 0 ? items.slice(start) : items;
}

function isObjectLike(v: unknown): boolean {
  return typeof v === 'object' && v !== null && !isTimespec(v);
}

function display(v: unknown): string {
  if (v === undefined) return '—';
  if (isTimespec(v)) return formatTimespec(v);
  if (typeof v === 'string') return v;
  return JSON.stringify(v) ?? String(v);
}

/** An operation's result or a clock read as the editor words it (a vDSO read with its second answer, after an
 *  "or"), where the fields alone would leave the user to add a value to its host and offset. */
function inWords(v: object): string | undefined {
  if (isClockRead(v)) return formatClockRead(v);
  const r = v as Partial<OpResult>;
  if ('ret' in r && 'errno' in r && 'signal' in r) return resultText(r as OpResult);
  return undefined;
}

function isClockRead(v: object): v is NonNullable<OpResult['clock']> {
  const c = v as Partial<NonNullable<OpResult['clock']>>;
  return typeof c.clock === 'number' && isTimespec(c.value) && isTimespec(c.host) && typeof c.path === 'string';
}

function summarise(v: object): string {
  if (Array.isArray(v)) {
    if (v.length === 0) return '[]';
    if (v.every((x) => typeof x !== 'object' || x === null)) {
      const text = v.map((x) => display(x)).join(', ');
      return text.length <= 160 ? `[${text}]` : `Array(${v.length})`;
    }
    return `Array(${v.length})`;
  }
  const id = (v as { id?: unknown }).id;
  if (typeof id === 'string') return id;
  const shortArray = (x: unknown) => Array.isArray(x) && x.every((y) => typeof y !== 'object' || y === null);
  const entries = Object.entries(v as Record<string, unknown>).filter(([, x]) => typeof x !== 'object' || x === null || isTimespec(x) || shortArray(x));
  const text = entries.slice(0, 4).map(([k, x]) => `${k}: ${Array.isArray(x) ? `[${x.map(display).join(', ')}]` : display(x)}`).join(', ');
  return `{${text}${entries.length > 4 ? ', …' : ''}}`;
}
