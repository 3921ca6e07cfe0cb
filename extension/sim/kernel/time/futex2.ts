// The futex2 waits against a time namespace (kernel/futex/syscalls.c): sys_futex_waitv (5.16) and sys_futex_wait
// (6.7) take an absolute timeout on CLOCK_MONOTONIC or CLOCK_REALTIME, set up as futex_init_timeout does for
// FUTEX_WAIT_BITSET, so a MONOTONIC deadline is namespace time turned into host time and a REALTIME one is not.

import type { OpResult } from '../../api';
import type { TimeExpr } from '../../ops';
import { FUTEX2_FLAGS as F2, FUTEX2_SIZE_MASK, FUTEX_OPS as FO, type Futex2Call } from '../../opsClock';
import { CLOCKS as C, clockName } from '../../types';
import type { KernelContext } from '../context';
import { evalTime } from './sleep';
import { futexInitTimeout, futexTimesOut } from './timers';

/** Does this kernel have the call (else its table entry is sys_ni_syscall)? */
export function futex2Exists(k: KernelContext, call: Futex2Call): boolean {
  return call === 'futex_waitv' ? k.sw.futex2Calls !== 'none' : k.sw.futex2Calls === 'wait';
}

/** FUTEX2_SIZE_U32|FUTEX2_PRIVATE, as strace shows the flags. */
export function futex2FlagsName(flags: number): string {
  const size = Object.keys(F2).find((n) => n.startsWith('FUTEX2_SIZE_') && F2[n as keyof typeof F2] === (flags & FUTEX2_SIZE_MASK));
  const rest = (['FUTEX2_NUMA', 'FUTEX2_MPOL', 'FUTEX2_PRIVATE'] as const).filter((n) => flags & F2[n]);
  const known = FUTEX2_SIZE_MASK | F2.FUTEX2_NUMA | F2.FUTEX2_MPOL | F2.FUTEX2_PRIVATE;
  return [size ?? '', ...rest, ...(flags & ~known ? [`0x${(flags & ~known).toString(16)}`] : [])].join('|');
}

/**
 * futex_waitv(&waiter, 1, 0, &timeout, clock) or futex_wait(uaddr, val, FUTEX_BITSET_MATCH_ANY, flags, &timeout,
 * clock) on a word that holds val and that nobody wakes: ETIMEDOUT after the time the hrtimer gives, in host time.
 */
export function futex2Wait(k: KernelContext, t: string, call: Futex2Call, clock: number, value: TimeExpr, flags: number): OpResult {
  if (!futex2Exists(k, call)) k.fail('ENOSYS', `${call} does not exist on this kernel (${call === 'futex_waitv' ? '5.16' : '6.7'})`);
  // sys_futex_wait checks its flags first; sys_futex_waitv sets up the timeout before futex_parse_waitv reads the waiter.
  if (call === 'futex_wait') checkFlags(k, flags, 'sys_futex_wait');
  const setup = () => {
    if (clock !== C.CLOCK_REALTIME && clock !== C.CLOCK_MONOTONIC) {
      k.fail('EINVAL', `${clockName(clock)}: "if (clockid != CLOCK_REALTIME && clockid != CLOCK_MONOTONIC) return -EINVAL;"`);
    }
    // "Since there's no opcode for futex_waitv, use FUTEX_WAIT_BITSET that uses absolute timeout as well"
    const op = clock === C.CLOCK_REALTIME ? FO.FUTEX_CLOCK_REALTIME : 0;
    return futexInitTimeout(k, t, FO.FUTEX_WAIT_BITSET, op, evalTime(k, t, clock, value));
  };
  // 6.7 moved sys_futex_waitv's timeout code into futex2_setup_timeout, shared with sys_futex_wait.
  const host = k.sw.futex2Calls === 'wait' ? k.fn('futex2_setup_timeout', setup, (v) => k.txt`futex_setup_timer: the hrtimer sleeper on ${clockName(clock)}, host ${v}`) : setup();
  if (call === 'futex_waitv') {
    k.fn('futex_parse_waitv', () => checkFlags(k, flags, 'futex_parse_waitv'));
    return k.fn('futex_wait_multiple', () => futexTimesOut(k, t, host, clock));
  }
  return k.fn('__futex_wait', () => futexTimesOut(k, t, host, clock));
}

/** The flag checks of futex_parse_waitv and sys_futex_wait: bits outside the valid mask, then a size but u32. */
function checkFlags(k: KernelContext, flags: number, where: string): void {
  const mask = k.sw.futex2ValidMask;
  // Before 6.7 (futex_waitv alone) the waiter's flags were FUTEX_32 and FUTEX_PRIVATE_FLAG, checked on their own.
  const waitvOnly = k.sw.futex2Calls === 'waitv';
  if (flags & ~mask) {
    const name = waitvOnly ? 'FUTEXV_WAITER_MASK' : 'FUTEX2_VALID_MASK';
    k.fail('EINVAL', `${where}: flags 0x${flags.toString(16)} have bits outside ${name} 0x${mask.toString(16)} (${where === 'sys_futex_wait' ? `"if (flags & ~${name}) return -EINVAL;"` : `"if ((aux.flags & ~${name}) || aux.__reserved) return -EINVAL;"`})`);
  }
  if ((flags & FUTEX2_SIZE_MASK) !== F2.FUTEX2_SIZE_U32) {
    k.fail('EINVAL', waitvOnly ? `${where}: "if (!(aux.flags & FUTEX_32)) return -EINVAL;"` : 'futex_flags_valid: "Only 32bit futexes are implemented -- for now"');
  }
  k.state(k.txt`flags ${futex2FlagsName(flags)} accepted`);
}
