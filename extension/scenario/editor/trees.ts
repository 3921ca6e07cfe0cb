// Models of the three side-bar trees (Namespaces, Tasks, Memory) built from a KernelState, plus the
// change marking ("what did the last step change") and the copy-as-text rendering. Pure data: the VS Code
// side maps a TreeNode to a TreeItem one to one, so everything a user reads is decided and tested here.

import type { Change, KernelState, MmState, OpResult, TaskState, TimeNamespaceState, VmaState } from '../../sim/api';
import { COMPAT_ABI, fmtTs, machineOf, type Profile } from '../../sim/types';
import { describePhysPage, formatOffset, formatReturn, pageRole, resultParts, shortPhysPage } from './format';

export type NodeKind =
  | 'userns' | 'timens' | 'field' | 'group' | 'task' | 'thread' | 'mm' | 'vma' | 'pte' | 'fd' | 'note';

export interface TreeNode {
  /** Stable across steps, so VS Code keeps expansion and selection while the cursor moves. */
  readonly id: string;
  readonly kind: NodeKind;
  readonly label: string;
  description: string;
  readonly tooltip: string;
  /** Codicon id and optional theme colour id. */
  icon: string;
  iconColor?: string;
  /** The kernel object this node shows (for "reveal the line that caused this state"). */
  readonly obj?: string;
  /** The simulator's field of `obj` that this row shows, when it shows one (see Change.field). */
  readonly field?: string;
  /** The event that produced the value shown, when known (PTEs). */
  readonly sinceEvent?: number;
  readonly expanded: boolean;
  readonly children: TreeNode[];
  /** Set by markChanges: this node's own value changed in the last step, or one of its descendants did. */
  changed: boolean;
  changedInside: boolean;
}

export type NamespaceMode = 'owner' | 'flat';

function node(n: Omit<TreeNode, 'changed' | 'changedInside' | 'children' | 'expanded' | 'tooltip' | 'description'> & Partial<Pick<TreeNode, 'children' | 'expanded' | 'tooltip' | 'description'>>): TreeNode {
  return { description: '', tooltip: '', children: [], expanded: false, changed: false, changedInside: false, ...n };
}

/** Which state field a detail row shows, so "reveal the line" can find the event that last changed it. */
const STATE_FIELD_OF_ROW: Readonly<Record<string, string>> = {
  monotonic: 'offsets', boottime: 'offsets', frozen_offsets: 'frozen_offsets', vvar_page: 'vvar_page',
  time_ns: 'nsproxy', time_ns_for_children: 'nsproxy', nsproxy: 'nsproxy', mm: 'mm', state: 'state',
  'last result': 'lastResult', uid: 'euid', capabilities: 'fullCaps',
};

function field(parent: string, name: string, value: string, obj?: string, tooltip = ''): TreeNode {
  return node({ id: `${parent}/${name}`, kind: 'field', label: name, description: value, icon: 'symbol-field', obj, field: STATE_FIELD_OF_ROW[name], tooltip });
}

function nsOf(state: KernelState, task: TaskState): { time_ns: string; tfc: string } | null {
  const p = state.nsproxies[task.nsproxy];
  return p ? { time_ns: p.time_ns, tfc: p.time_ns_for_children } : null;
}

function offsetsText(ns: TimeNamespaceState | undefined): string {
  if (!ns) return '';
  return `monotonic ${formatOffset(ns.offsets.monotonic)}, boottime ${formatOffset(ns.offsets.boottime)}`;
}

/** The result of an operation in one line: `→ 0`, `→ -1 EACCES`, `→ CLOCK_MONOTONIC 86410s = host 10s +86400s (vdso-timens)`. */
export function resultText(r: OpResult): string {
  return [`→ ${formatReturn(r)}`, ...resultParts(r, 32)].join(' · ');
}

// ------------------------------------------------------------------------------------------------
// Namespaces: like `lsns -t time` (NS, NPROCS, PID, owner), plus offsets, frozen, vvar page, references.
// ------------------------------------------------------------------------------------------------

/** The machine's properties (types.ts Machine), shown under the initial time namespace: the host's own. */
export function machineNode(parent: string, profile: Profile): TreeNode {
  const m = machineOf(profile);
  const id = `${parent}/machine`;
  return node({
    id, kind: 'group', label: 'machine', icon: 'vm',
    description: `root ${m.capSysResource ? 'has' : 'lacks'} CAP_SYS_RESOURCE · ${m.rtc ? 'RTC' : 'no RTC'} · ${m.clocksource}`,
    tooltip: "Properties of the machine, not of the kernel: set with a 'machine' header line; timens verify uses the real machine's.",
    children: [
      field(id, 'CAP_SYS_RESOURCE', m.capSysResource ? 'in root\'s bounding set' : 'not in root\'s bounding set', undefined,
        'user.max_time_namespaces of the initial user namespace is writable only with it (set_permissions, kernel/ucount.c)'),
      field(id, 'RTC', m.rtc ? 'present' : 'none', undefined, 'The ALARM clocks need one (alarmtimer_get_rtcdev, kernel/time/alarmtimer.c)'),
      field(id, 'clocksource', m.clocksource, undefined, 'Its vdso_clock_mode is the data page\'s clock_mode: NONE sends the vDSO\'s high-resolution reads to the system call'),
      ...(profile.arch === 'x86_64' ? [field(id, 'kvm-clock used', m.kvmclockUsed ? 'yes' : 'no', undefined,
        'The pvclock page maps only once kvm-clock was the clocksource (vvar_fault, arch/x86/entry/vdso/vma.c: vclock_was_used(VDSO_CLOCKMODE_PVCLOCK), set by kvm_cs_enable)'),
      field(id, 'vsyscall', m.vsyscall, undefined,
        'The [vsyscall] gate area of /proc/PID/maps: --xp with xonly, r-xp with emulate, absent with none (get_gate_vma, arch/x86/entry/vsyscall/vsyscall_64.c)'),
      field(id, 'ia32 emulation', m.ia32Emulation ? 'on' : 'off', undefined,
        'Off (CONFIG_IA32_EMULATION=n, ia32_emulation=false from 6.7, or a hypervisor): compat_elf_check_arch refuses a 32-bit image, execve(…, compat) is ENOEXEC')]
        : [field(id, 'page size', `${m.pageSize / 1024}K`, undefined,
          'CONFIG_ARM64_4K_PAGES, _16K_PAGES or _64K_PAGES (arch/arm64/Kconfig): the special mappings keep their page counts, the vDSO text is its image rounded up to whole pages'),
        field(id, 'ARM64_ERRATUM_1418040', m.erratum1418040 ? 'yes: arch_sys_counter is VDSO_CLOCKMODE_ARCHTIMER_NOCOMPAT' : 'no', undefined,
          'A CPU with it (Cortex-A76/A77, Neoverse-N1) keeps AArch32 tasks out of the vDSO clock: the compat vdso_clocksource_ok wants VDSO_CLOCKMODE_ARCHTIMER (drivers/clocksource/arm_arch_timer.c, arch/arm64/include/asm/vdso/compat_gettimeofday.h)')]),
    ],
  });
}

export function namespaceTree(state: KernelState, mode: NamespaceMode, profile?: Profile): TreeNode[] {
  const timeNs = Object.values(state.timeNamespaces);
  const userNs = Object.values(state.userNamespaces);
  const usesUserNs = userNs.length > 1 || timeNs.some((n) => n.userNs !== 'user#0');
  if (mode === 'flat' || !usesUserNs) return timeNs.map((n) => timeNamespaceNode(state, n, profile));
  const byOwner = new Map<string, TimeNamespaceState[]>();
  for (const n of timeNs) byOwner.set(n.userNs, [...(byOwner.get(n.userNs) ?? []), n]);
  const userNode = (id: string): TreeNode => {
    const u = state.userNamespaces[id];
    const children = [
      ...userNs.filter((c) => c.parent === id).map((c) => userNode(c.id)),
      ...(byOwner.get(id) ?? []).map((n) => timeNamespaceNode(state, n, profile)),
    ];
    const counts = u ? Object.entries(u.timeNamespaceCounts).map(([uid, c]) => `uid ${uid}: ${c}`).join(', ') : '';
    return node({
      id: `userns:${id}`, kind: 'userns', label: id, obj: id, icon: 'person', expanded: true, children,
      description: u ? `owner uid ${u.ownerUid} · max_time_namespaces ${u.maxTimeNamespaces}${counts ? ` · ${counts}` : ''}` : '',
      tooltip: u ? `User namespace ${id}${u.parent ? `, child of ${u.parent}` : ' (initial)'}.\nuser.max_time_namespaces = ${u.maxTimeNamespaces}\nTime namespaces charged (ucounts): ${counts || 'none'}` : id,
    });
  };
  const roots = userNs.filter((u) => u.parent === null || !state.userNamespaces[u.parent]).map((u) => userNode(u.id));
  // Time namespaces whose owner is not in the state (should not happen) still show up.
  const shown = new Set(userNs.map((u) => u.id));
  for (const [owner, list] of byOwner) if (!shown.has(owner)) roots.push(...list.map((n) => timeNamespaceNode(state, n, profile)));
  return roots;
}

function timeNamespaceNode(state: KernelState, ns: TimeNamespaceState, profile?: Profile): TreeNode {
  const id = `timens:${ns.id}`;
  const tasks = ns.refs.time_ns.filter((t) => state.tasks[t]?.state !== 'exited');
  const procs = new Set(tasks.map((t) => state.tasks[t]?.tgid).filter((x): x is number => x !== undefined));
  const pid = procs.size > 0 ? Math.min(...procs) : null;
  const initial = ns.vvar_page === null;
  if (!ns.alive) {
    return node({
      id, kind: 'timens', label: ns.id, obj: ns.id, icon: 'trash', iconColor: 'disabledForeground',
      description: `freed · was time:[${ns.inum}]`,
      tooltip: `${ns.id} was freed: its last reference (task, time_ns_for_children or open file) went away.`,
    });
  }
  const state2 = ns.frozen_offsets ? 'frozen' : 'offsets writable';
  const children: TreeNode[] = [
    field(id, 'monotonic', formatOffset(ns.offsets.monotonic), ns.id, 'offsets.monotonic: added to CLOCK_MONOTONIC, _RAW and _COARSE'),
    field(id, 'boottime', formatOffset(ns.offsets.boottime), ns.id, 'offsets.boottime: added to CLOCK_BOOTTIME and _ALARM, /proc/uptime and sysinfo; subtracted from /proc/stat btime and added to /proc/PID/stat starttime (5.11) as this namespace\'s tasks read them'),
    field(id, 'frozen_offsets', String(ns.frozen_offsets), ns.id, ns.frozen_offsets
      ? 'Frozen: a task has entered it (or it is the initial namespace), so offsets writes give EACCES.'
      : 'Not frozen yet: offsets can be written through /proc/PID/timens_offsets of a task whose time_for_children it is.'),
    field(id, 'vvar_page', initial ? 'NULL (initial namespace)' : `${ns.vvar_page}${ns.frozen_offsets ? '' : ' (zero-filled until frozen)'}`, ns.id),
    field(id, 'owner', `${ns.userNs} · ucount uid ${ns.ucountUid}`, ns.id, 'Owning user namespace (capability checks) and the uid charged for user.max_time_namespaces'),
    node({
      id: `${id}/tasks`, kind: 'group', label: 'tasks', obj: ns.id, icon: 'server-process',
      description: tasks.length ? `${tasks.join(', ')}` : 'none',
      tooltip: 'Tasks whose nsproxy->time_ns is this namespace',
      children: tasks.map((t) => node({ id: `${id}/tasks/${t}`, kind: 'task', label: t, obj: t, icon: 'server-process', description: taskShort(state, state.tasks[t]) })),
    }),
    node({
      id: `${id}/refs`, kind: 'group', label: 'references', obj: ns.id, icon: 'references',
      description: `${ns.refs.time_ns.length + ns.refs.time_ns_for_children.length + ns.refs.files.length}`,
      tooltip: 'What keeps this namespace alive: nsproxy->time_ns, nsproxy->time_ns_for_children and open namespace files',
      children: [
        field(`${id}/refs`, 'time_ns', ns.refs.time_ns.join(', ') || 'none', ns.id),
        field(`${id}/refs`, 'time_ns_for_children', ns.refs.time_ns_for_children.join(', ') || 'none', ns.id),
        field(`${id}/refs`, 'files', ns.refs.files.join(', ') || 'none', ns.id),
      ],
    }),
  ];
  if (initial && profile) children.push(machineNode(id, profile));
  return node({
    // The initial namespace holds no surprises (zero offsets, no page): keep it folded to leave room.
    id, kind: 'timens', label: ns.id, obj: ns.id, icon: 'symbol-namespace', expanded: !initial, children,
    // The words a reader scans for first: how many processes, frozen or not, the offsets; lsns's NS last.
    description: `NPROCS ${procs.size} · ${initial ? 'initial' : state2}${initial ? '' : ` · mono ${formatOffset(ns.offsets.monotonic)} boot ${formatOffset(ns.offsets.boottime)}`} · time:[${ns.inum}]`,
    tooltip: [
      `${ns.id}  time:[${ns.inum}]${initial ? ' (init_time_ns)' : ''}, NPROCS ${procs.size}${pid !== null ? `, PID ${pid}` : ''}`,
      `owner ${ns.userNs}, created by ${ns.createdBy ?? 'boot'}`,
      `offsets: ${offsetsText(ns)}`,
      `frozen_offsets: ${ns.frozen_offsets}`,
      `vvar_page: ${ns.vvar_page ?? 'NULL'}`,
      `tasks (time_ns): ${ns.refs.time_ns.join(', ') || 'none'}`,
      `time_ns_for_children of: ${ns.refs.time_ns_for_children.join(', ') || 'none'}`,
      `open files: ${ns.refs.files.join(', ') || 'none'}`,
    ].join('\n'),
  });
}

function taskShort(state: KernelState, t: TaskState | undefined): string {
  if (!t) return '';
  const ns = nsOf(state, t);
  const where = ns ? (ns.time_ns === ns.tfc ? ns.time_ns : `${ns.time_ns}, tfc ${ns.tfc}`) : '';
  return `${t.leader === t.id ? 'pid' : 'tid'} ${t.pid} · uid ${t.euid} · ${where}${t.state === 'exited' ? ' · exited' : ''}`;
}

// ------------------------------------------------------------------------------------------------
// Tasks: the process tree, threads under their process.
// ------------------------------------------------------------------------------------------------

export function taskTree(state: KernelState): TreeNode[] {
  const all = Object.values(state.tasks);
  // A child of a thread hangs under the thread's process (the kernel's real_parent is the thread, but the
  // process tree users know from ps is by process). A process whose parent is gone becomes a root.
  const processOf = (id: string | null): string | null => (id && state.tasks[id] ? state.tasks[id].leader : null);
  const threads = new Map<string, TaskState[]>();
  const kids = new Map<string, TaskState[]>();
  const roots: TaskState[] = [];
  for (const t of all) {
    const add = (map: Map<string, TaskState[]>, key: string): void => { const list = map.get(key); if (list) list.push(t); else map.set(key, [t]); };
    if (t.leader !== t.id) { add(threads, t.leader); continue; }
    const up = processOf(t.parent);
    if (up === null || up === t.id) roots.push(t);
    else add(kids, up);
  }
  const build = (t: TaskState): TreeNode =>
    taskNode(state, t, [...(threads.get(t.id) ?? []).map((th) => taskNode(state, th, [])), ...(kids.get(t.id) ?? []).map(build)]);
  return roots.map(build);
}

function taskNode(state: KernelState, t: TaskState, below: TreeNode[]): TreeNode {
  const id = `task:${t.id}`;
  const ns = nsOf(state, t);
  const p = state.nsproxies[t.nsproxy];
  const isThread = t.leader !== t.id;
  const exited = t.state === 'exited';
  const details: TreeNode[] = [
    field(id, 'uid', `uid ${t.uid} · euid ${t.euid} · ${t.userNs}`, t.id),
    field(id, 'capabilities', t.fullCaps ? `full in ${t.userNs} (CAP_SYS_ADMIN, CAP_SYS_TIME)` : 'none', t.id),
    field(id, 'time_ns', ns ? `${ns.time_ns} (${offsetsText(state.timeNamespaces[ns.time_ns])})` : '—', t.id,
      'nsproxy->time_ns: the namespace whose clocks this task sees'),
    field(id, 'time_ns_for_children', ns ? `${ns.tfc}${ns.tfc !== ns.time_ns ? ' (pending: children and, from 6.2, exec enter it)' : ''}` : '—', t.id,
      'nsproxy->time_ns_for_children: where children go (and the task itself at exec, from 6.2)'),
    field(id, 'nsproxy', p ? `${p.id} (count ${p.count})` : t.nsproxy, t.id),
    field(id, 'mm', t.mm ?? 'none', t.id),
    field(id, 'state', t.state + (t.dumpable ? '' : ' · not dumpable'), t.id),
    field(id, 'start_boottime', `${fmtTs(t.startBoottime)} s`, t.id,
      'Host boottime when copy_process made it (a thread that execs takes its leader\'s): /proc/PID/stat field 22 shows it in ticks of 1/100 s, plus the boottime offset of the task that reads it (5.11)'),
    field(id, 'last result', t.lastResult ? resultText(t.lastResult) : 'none yet', t.id),
  ];
  const fds = Object.entries(t.fds);
  if (fds.length) {
    details.push(node({
      id: `${id}/fds`, kind: 'group', label: 'files', obj: t.id, icon: 'file', description: fds.map(([fd]) => fd).join(', '),
      children: fds.map(([fd, f]) => node({
        id: `${id}/fds/${fd}`, kind: 'fd', label: fd, obj: t.id, icon: 'file',
        description: `${f.path}${f.ns ? ` → ${f.ns}` : f.user ? ` → ${f.user}` : ''}${f.pos ? ` · pos ${f.pos}` : ''}`,
        tooltip: `${fd}: ${f.path} (${f.kind})\nopened as euid ${f.openerEuid} in ${f.openerUserNs}${f.openerFullCaps ? ' with full caps' : ''}`,
      })),
    }));
  }
  const last = t.lastResult ? ` · ${resultText(t.lastResult)}` : '';
  // The details sit in one collapsed group so an expanded process shows its threads and children at once.
  const detailsNode = node({
    id: `${id}/details`, kind: 'group', label: 'details', obj: t.id, icon: 'info', children: details,
    description: `nsproxy ${t.nsproxy} · ${t.mm ?? 'no mm'}${fds.length ? ` · ${fds.length} fd${fds.length === 1 ? '' : 's'}` : ''}`,
  });
  return node({
    id, kind: isThread ? 'thread' : 'task', label: t.id, obj: t.id,
    icon: exited ? 'circle-slash' : isThread ? 'symbol-event' : 'server-process',
    iconColor: exited ? 'disabledForeground' : undefined,
    expanded: !exited && below.length > 0,
    description: `${isThread ? 'tid' : 'pid'} ${t.pid} · uid ${t.euid}${t.fullCaps ? '' : ' (no caps)'} · ${ns ? (ns.time_ns === ns.tfc ? ns.time_ns : `${ns.time_ns} → tfc ${ns.tfc}`) : ''}${exited ? ' · exited' : ''}${last}`,
    tooltip: `${t.id}: ${isThread ? `thread of ${t.leader}` : 'process'}, pid ${t.pid}, tgid ${t.tgid}${t.parent ? `, parent ${t.parent}` : ''}\n` +
      `time_ns ${ns?.time_ns ?? '?'}, time_ns_for_children ${ns?.tfc ?? '?'}\nuid ${t.uid}, euid ${t.euid} in ${t.userNs}${t.fullCaps ? ' (full capabilities)' : ''}`,
    children: [detailsNode, ...below],
  });
}

// ------------------------------------------------------------------------------------------------
// Memory: per mm, the special mappings and, per page, the PTE.
// ------------------------------------------------------------------------------------------------

export function memoryTree(state: KernelState, profile: Profile): TreeNode[] {
  return Object.values(state.mms).filter((mm) => mm.users.length > 0).map((mm) => mmNode(state, profile, mm));
}

function mmNode(state: KernelState, profile: Profile, mm: MmState): TreeNode {
  const id = `mm:${mm.id}`;
  const users = mm.users;
  const owner = users.find((u) => state.tasks[u]?.leader === u) ?? users[0];
  const vdsoInVvar = mm.vmas.some((v) => v.name === '[vvar]' && mm.vdsoDataAddr >= v.start && mm.vdsoDataAddr < v.start + v.pages * machineOf(profile).pageSize);
  const children = mm.vmas.map((v) => vmaNode(state, profile, mm, v));
  if (mm.vmas.some((v) => v.name === '[vvar]') && !vdsoInVvar) {
    children.push(node({
      id: `${id}/vdso-data`, kind: 'note', label: 'vDSO data page', obj: mm.id, icon: 'warning', iconColor: 'problemsWarningIcon.foreground',
      description: `expected at ${hex(mm.vdsoDataAddr)}, no [vvar] there: vDSO clock reads fault (SIGSEGV)`,
      tooltip: 'The vDSO text finds its data page at a fixed distance from itself; [vvar] was moved or unmapped alone.',
    }));
  } else if (mm.compat && !mm.vmas.some((v) => v.name === '[vdso]' || v.name === '[vvar]')) {
    children.push(node({ id: `${id}/vdso-data`, kind: 'note', label: 'no vDSO', obj: mm.id, icon: 'info',
      description: 'CONFIG_COMPAT_VDSO=n: libc makes the system calls, which add the offsets' }));
  } else if (!mm.vmas.some((v) => v.name === '[vvar]')) {
    children.push(node({ id: `${id}/vdso-data`, kind: 'note', label: '[vvar] unmapped', obj: mm.id, icon: 'warning', description: 'vDSO clock reads fault (SIGSEGV); system calls still work' }));
  }
  return node({
    id, kind: 'mm', label: `${owner} · ${mm.id}`, obj: mm.id, icon: 'circuit-board', expanded: true, children,
    description: [mm.compat ? `${COMPAT_ABI[profile.arch]} (compat)` : '', users.length > 1 ? `shared by ${users.join(', ')}` : ''].filter(Boolean).join(' · '),
    tooltip: `${mm.id}, used by ${users.join(', ')}. Its [vvar] PTEs are per mm: all users fault the same pages.` +
      (!mm.compat ? '' : profile.arch === 'arm64' ? '\nAn AArch32 image: aarch32_setup_additional_pages mapped [vectors], the compat [vvar] and [vdso], and [sigpage].'
        : '\nAn ia32 image: map_vdso(&vdso_image_32) mapped the same [vvar] as a 64-bit task and the vdso32 [vdso]; no [vsyscall] (get_gate_vma).'),
  });
}

export function hex(n: number): string {
  return '0x' + n.toString(16);
}

function protText(prot: number): string {
  return `${prot & 1 ? 'r' : '-'}${prot & 2 ? 'w' : '-'}${prot & 4 ? 'x' : '-'}`;
}

function vmaNode(state: KernelState, profile: Profile, mm: MmState, v: VmaState): TreeNode {
  const id = `vma:${mm.id}:${v.name}:${v.pgoff}`;
  const page = machineOf(profile).pageSize;
  const pages: TreeNode[] = [];
  // PTEs are shown for the fault-served data mappings; the text, [sigpage] and [vectors] are fixed pages
  if (v.name === '[vvar]' || v.name === '[vvar_vclock]') {
    for (let i = 0; i < v.pages; i++) {
      const pte = v.ptes[i] ?? null;
      const pgoff = v.pgoff + i;
      const role = pageRole(profile, v.name, pgoff);
      const sigbus = v.sigbus.includes(i);
      const phys = pte ? state.pages[pte.page] : undefined;
      pages.push(node({
        id: `pte:${mm.id}:${v.name}:${pgoff}`, kind: 'pte', label: `page ${pgoff} · ${role}`, obj: mm.id,
        sinceEvent: pte?.sinceEvent,
        icon: pte ? 'circle-filled' : sigbus ? 'error' : 'circle-outline',
        iconColor: pte ? (pte.page === 'page#host' ? 'charts.blue' : 'charts.purple') : sigbus ? 'problemsErrorIcon.foreground' : undefined,
        description: pte
          ? `→ ${shortPhysPage(pte.page)} (${describePhysPage(pte.page, phys)}) since #${pte.sinceEvent}`
          : sigbus ? 'SIGBUS slot (the fault handler refuses this page)' : 'empty · will fault',
        tooltip: `${v.name} page ${pgoff} (${role}) at ${hex(v.start + i * page)}\n` + (pte
          ? `PTE → ${pte.page}: ${describePhysPage(pte.page, phys)}, inserted by event #${pte.sinceEvent}`
          : sigbus ? 'No PTE: the last fault on it ended in SIGBUS' : 'No PTE: the next access faults and vvar_fault decides from the faulting task\'s time_ns'),
      }));
    }
  }
  return node({
    id, kind: 'vma', label: v.name, obj: mm.id, icon: 'file-binary', expanded: v.name === '[vvar]', children: pages,
    description: `${v.pages} page${v.pages === 1 ? '' : 's'} · ${protText(v.prot)} · pgoff ${v.pgoff} · ${hex(v.start)}`,
    tooltip: `${v.name} ${hex(v.start)}–${hex(v.start + v.pages * page)} ${protText(v.prot)}p, vm_pgoff ${v.pgoff}\n${v.flags.join('|')}`,
  });
}

// ------------------------------------------------------------------------------------------------
// Change marking and text rendering.
// ------------------------------------------------------------------------------------------------

function flatten(nodes: readonly TreeNode[], out = new Map<string, TreeNode>()): Map<string, TreeNode> {
  for (const n of nodes) { out.set(n.id, n); flatten(n.children, out); }
  return out;
}

/**
 * Mark the nodes whose label/description differ from the tree before the last step (or that are new),
 * and the nodes of objects named in `changes` (sim.lastChanges()). Ancestors get `changedInside`.
 * Returns how many nodes changed.
 */
export function markChanges(nodes: TreeNode[], before: readonly TreeNode[] | null, changes: readonly Change[] = []): number {
  const old = before ? flatten(before) : null;
  const changedObjs = new Set(changes.map((c) => c.obj));
  let count = 0;
  // Inside a node that is new as a whole, only that node is marked: its rows are all new, saying so is noise.
  const visit = (n: TreeNode, insideNew: boolean): boolean => {
    const prev = old?.get(n.id);
    const isNew = old !== null && !prev;
    let inside = false;
    for (const c of n.children) if (visit(c, insideNew || isNew)) inside = true;
    const own = old !== null && !insideNew && (isNew || prev!.description !== n.description || prev!.label !== n.label);
    const named = !insideNew && n.obj !== undefined && changedObjs.has(n.obj) && (n.kind === 'timens' || n.kind === 'task' || n.kind === 'thread' || n.kind === 'mm' || n.kind === 'userns');
    n.changed = own || named;
    n.changedInside = inside;
    if (n.changed) count++;
    return n.changed || inside;
  };
  for (const n of nodes) visit(n, false);
  return count;
}

/** Plain text of a subtree, indented two spaces a level, for review mails and bug reports. */
export function treeToText(nodes: readonly TreeNode[], depth = 0): string {
  let out = '';
  for (const n of nodes) {
    out += `${'  '.repeat(depth)}${n.label}${n.description ? `  ${n.description}` : ''}${n.changed ? '  (changed)' : ''}\n`;
    out += treeToText(n.children, depth + 1);
  }
  return out;
}
