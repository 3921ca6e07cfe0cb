// The host's clocksource and what the vDSO makes of it (kernel/time/clocksource.c, timekeeping.c, vsyscall.c): each
// clocksource's vdso_clock_mode, and a change of clocksource as the scenario's host action, which runs
// timekeeping_update → update_vsyscall so the data page's clock_mode follows.

import type { OpResult } from '../../api';
import { machineOf, type Arch, type Machine } from '../../types';
import type { KernelContext } from '../context';
import { createPvclockPage } from '../vdso/vvar';

/** The clocksources the model knows, by arch, with their vdso_clock_mode (the suffix of VDSO_CLOCKMODE_*). */
export const CLOCKSOURCES: Readonly<Record<string, { readonly arch: Arch; readonly mode: string; readonly source: string }>> = {
  tsc: { arch: 'x86_64', mode: 'TSC', source: 'arch/x86/kernel/tsc.c clocksource_tsc: .vdso_clock_mode = VDSO_CLOCKMODE_TSC' },
  // the boot's TSC clocksource until the refined calibration registers clocksource_tsc (a VM's first seconds: the
  // helper's hello under qemu names it), read by the vDSO as the TSC is (seen by verify's helper on Debian's x86_64 6.1)
  'tsc-early': { arch: 'x86_64', mode: 'TSC', source: 'arch/x86/kernel/tsc.c clocksource_tsc_early: .vdso_clock_mode = VDSO_CLOCKMODE_TSC (archdata.vclock_mode = VCLOCK_TSC before 5.7, b95a8a27c300 "x86/vdso: Use generic VDSO clock mode storage")' },
  'kvm-clock': { arch: 'x86_64', mode: 'PVCLOCK', source: 'arch/x86/kernel/kvmclock.c: kvm_clock.vdso_clock_mode = VDSO_CLOCKMODE_PVCLOCK when the TSC is stable' },
  hyperv_clocksource_tsc_page: { arch: 'x86_64', mode: 'HVCLOCK', source: 'drivers/clocksource/hyperv_timer.c: .vdso_clock_mode = VDSO_CLOCKMODE_HVCLOCK' },
  hpet: { arch: 'x86_64', mode: 'NONE', source: 'arch/x86/kernel/hpet.c: no vdso_clock_mode (VDSO_CLOCKMODE_NONE)' },
  acpi_pm: { arch: 'x86_64', mode: 'NONE', source: 'drivers/clocksource/acpi_pm.c: no vdso_clock_mode (VDSO_CLOCKMODE_NONE)' },
  arch_sys_counter: { arch: 'arm64', mode: 'ARCHTIMER', source: 'drivers/clocksource/arm_arch_timer.c: VDSO_CLOCKMODE_ARCHTIMER (NONE when an erratum forbids the vDSO)' },
  jiffies: { arch: 'x86_64', mode: 'NONE', source: 'kernel/time/jiffies.c clocksource_jiffies: VDSO_CLOCKMODE_NONE' },
};

/**
 * The vdso_clock_mode suffix of a clocksource name on `machine`; NONE for one the model does not know (our choice).
 * arch_timer_enable_workaround: "} else if (wa->disable_compat_vdso && vdso_default != VDSO_CLOCKMODE_NONE) {
 * vdso_default = VDSO_CLOCKMODE_ARCHTIMER_NOCOMPAT;" (ARM64_ERRATUM_1418040, drivers/clocksource/arm_arch_timer.c).
 */
export function clockModeOf(name: string, machine: Pick<Machine, 'erratum1418040'>): string {
  if (name === 'arch_sys_counter' && machine.erratum1418040) return 'ARCHTIMER_NOCOMPAT';
  return Object.hasOwn(CLOCKSOURCES, name) ? CLOCKSOURCES[name].mode : 'NONE';
}

/** The clocksources a machine of `arch` can switch to (jiffies exists everywhere). */
export function clocksourcesOf(arch: Arch): string[] {
  return Object.entries(CLOCKSOURCES).filter(([n, c]) => c.arch === arch || n === 'jiffies').map(([n]) => n);
}

/** A clock_mode value that sends every high-resolution vDSO read to the system call. */
export function isModeNone(mode: string): boolean {
  return mode.endsWith('_NONE');
}

/**
 * `clocksource NAME`: the watchdog (an unstable TSC) or root writing current_clocksource switches the clocksource;
 * timekeeping_notify → change_clocksource → timekeeping_update → update_vsyscall writes the new clock_mode into both
 * blocks of the data page, between vdso_write_begin and vdso_write_end (seq + 2).
 */
export function changeClocksource(k: KernelContext, name: string): OpResult {
  k.ev('host', k.txt`the clocksource becomes ${name}`);
  if (!clocksourcesOf(k.profile.arch).includes(name)) {
    // current_clocksource_store: sysfs_override_clocksource keeps a name no registered clocksource has, and
    // clocksource_select keeps the current one.
    k.state(k.txt`no clocksource ${name} is registered on ${k.profile.arch}: clocksource_select keeps the current one`);
    return { ret: 0, errno: null, signal: null };
  }
  const mode = `${k.sw.clockModePrefix}_${clockModeOf(name, machineOf(k.profile))}`;
  // change_clocksource: "if (!new->enable || new->enable(new) == 0)" before the switch.
  if (name === 'kvm-clock' && !k.pages.get('page#pvclock')) {
    k.fn('kvm_cs_enable', () => {
      createPvclockPage(k);
      k.state(k.txt`vclocks_set_used(VDSO_CLOCKMODE_PVCLOCK): vvar_fault maps the pvclock page from now on`);
    });
  }
  k.fn('timekeeping_update', () => k.fn('update_vsyscall', () => {
    const page = k.pages.get('page#host')!;
    const seq = page.blocks[0].seq;
    k.r.set(k.pages, 'page#host', 'blocks', page.blocks.map((b) => ({ ...b, seq: b.seq + 2, clock_mode: mode })));
    k.state(k.txt`page#host: vdso_write_begin (seq ${seq} → ${seq + 1}), clock_mode = ${mode}${isModeNone(mode) ? ' (not VDSO capable: the high-resolution parts are not updated)' : ''}, vdso_write_end (seq ${seq + 2})`);
  }));
  return { ret: 0, errno: null, signal: null };
}
