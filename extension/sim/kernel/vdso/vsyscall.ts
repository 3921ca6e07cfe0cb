// x86_64's legacy vsyscall page (arch/x86/entry/vsyscall/vsyscall_64.c): a call to 0xffffffffff600000
// (gettimeofday) or 0xffffffffff600400 (time) faults, and do_user_addr_fault hands it to emulate_vsyscall, which
// makes the system call for the caller; so in a time namespace it reads CLOCK_REALTIME, which no namespace offsets.

import type { OpResult } from '../../api';
import { mm, setLastResult, task, type KernelContext } from '../context';
import { segv } from '../mm/fault';
import { VSYSCALL_ADDR } from '../proc/maps';

/** The entries of the page ("vsyscall_64.c: gettimeofday at 0, time at 0x400, getcpu at 0x800"). */
const ENTRY = { gettimeofday: 0, time: 0x400 } as const;

/** A call into the vsyscall page: emulated with xonly and emulate, SIGSEGV with none and on arm64 (no page). */
export function vsyscallCall(k: KernelContext, t: string, which: keyof typeof ENTRY, syscall: () => OpResult): OpResult {
  // Above 2^53: the entry's address is exact only as a BigInt.
  const addr = (BigInt(VSYSCALL_ADDR) + BigInt(ENTRY[which])).toString(16);
  const enter = k.enter('call', '__vsyscall_page', k.txt`call 0x${addr}: ${which} through the legacy vsyscall page`);
  let res: OpResult;
  const me = task(k, t);
  if (me.mm && mm(k, me.mm)._compat) {
    // An ia32 task cannot form the address: a 32-bit call reaches its low 32 bits, 0xff600000, where nothing executable
    // is (at most the stack grown down, which is NX), and is_vsyscall_vaddr never matches a 32-bit address (our
    // choice of what a scenario's vsyscall call means for a compat task)
    const low = Number(BigInt(VSYSCALL_ADDR) & 0xffffffffn) + ENTRY[which];
    segv(k, t, low, `an ia32 task cannot reach the vsyscall page (above 4 GiB); its call to 0x${low.toString(16)} faults`, enter);
    res = { ret: null, errno: null, signal: 'SIGSEGV' };
  } else if (!k.sw.vsyscall) {
    const why = k.profile.arch === 'arm64' ? 'arm64 has no vsyscall page (a kernel address)'
      : 'vsyscall=none: emulate_vsyscall refuses ("vsyscall attempted with vsyscall=none") and the fault is a bad area';
    segv(k, t, VSYSCALL_ADDR, `${why}; the call was to 0x${addr}`, enter);
    res = { ret: null, errno: null, signal: 'SIGSEGV' };
  } else {
    // The page is never executable in user mode (xonly: not present; emulate: readable, NX): the fetch faults.
    const a = k.sw.arch;
    res = k.fn(a.faultEntry, () => k.fn(a.faultHandler, () => {
      k.ev('fault', k.txt`instruction fetch at 0x${addr} in [vsyscall] (vsyscall=${k.sw.vsyscall}): is_vsyscall_vaddr`, { causes: [enter] });
      return k.fn('emulate_vsyscall', () => k.fn(k.syscallPrefix + which, syscall));
    }));
  }
  setLastResult(k, t, res);
  k.exit('return', enter, res.signal ? k.txt`${which}: ${res.signal}` : k.txt`${which} = ${res.ret}`, res);
  return res;
}

/** The kernel functions this file emits (sim/index.ts KERNEL_FUNCTIONS). */
export const VSYSCALL_FUNCTIONS: readonly string[] = ['__vsyscall_page', 'emulate_vsyscall', '__x64_sys_gettimeofday', '__x64_sys_time'];
