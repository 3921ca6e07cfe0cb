// The words for setting and reading the wall clock and for the timer tick (issue 15), kept apart from the
// rest of the vocabulary: operations, the adjtimex mode flags, and their docs for hovers and completion.

import type { ArgSpec, OperationSpec } from './vocabulary';
import { CALL_VIA } from './vocabularyClock';

const TIME_VALUE: ArgSpec = { name: 'time', kind: 'time', doc: "the new CLOCK_REALTIME: an absolute value (1767229200s), 'now + 1h' (the caller's CLOCK_REALTIME) or 'host + 1h'" };

export const TIMEKEEPING_SPECS: readonly OperationSpec[] = [
  { word: 'settimeofday', op: 'settimeofday', host: false, args: [TIME_VALUE],
    summary: 'Set CLOCK_REALTIME (kernel/time/time.c do_sys_settimeofday64): EINVAL for a negative or too large time or one before CLOCK_MONOTONIC, then EPERM without CAP_SYS_TIME in the initial user namespace (cap_settime uses capable(): a time namespace or a child user namespace cannot set any clock). REALTIME and TAI jump; MONOTONIC, BOOTTIME and every namespace offset stay. The value is cut to microseconds (a timeval). Under another design (header `design`) what moves differs.',
    example: 'P1: settimeofday(now + 1h)', snippet: 'settimeofday(${1:now + 1h})' },
  { word: 'clock_settime', op: 'clock_settime', host: false, args: [{ name: 'clock', kind: 'clock', doc: 'CLOCK_REALTIME (every other clock: EINVAL, before any privilege test)' }, TIME_VALUE],
    summary: 'Set a clock (kernel/time/posix-timers.c): only CLOCK_REALTIME has a clock_set, so any other id gives EINVAL for everybody; CLOCK_REALTIME then follows settimeofday (CAP_SYS_TIME in the initial user namespace).',
    example: 'P1: clock_settime(CLOCK_REALTIME, now + 1h)', snippet: 'clock_settime(${1:CLOCK_REALTIME}, ${2:now + 1h})' },
  { word: 'adjtimex', op: 'adjtimex', host: false, args: [
    { name: 'modes', kind: 'adjModes', doc: 'ADJ_* flags joined with |, or 0 for a read' },
    { name: 'offset', kind: 'time', optional: true, doc: 'ADJ_SETOFFSET: the step added to CLOCK_REALTIME (may be negative)' },
    { name: 'tick', kind: 'int', optional: true, doc: 'ADJ_TICK: microseconds per USER_HZ tick, 9000 to 11000' }],
    summary: 'Read or tune the kernel clock (kernel/time/timekeeping.c do_adjtimex): modes 0 (and ADJ_OFFSET_SS_READ) are allowed to anyone and return TIME_ERROR (5: unsynchronised); any other mode needs CAP_SYS_TIME in the initial user namespace (EPERM). ADJ_SETOFFSET steps CLOCK_REALTIME like settimeofday. The NTP state (frequency, PLL offset, status, tick length) is not modelled: such a privileged call is refused by the model (our choice).',
    example: 'P1: adjtimex(ADJ_SETOFFSET, 10s)', snippet: 'adjtimex(${1:0})' },
  { word: 'gettimeofday', op: 'gettimeofday', host: false, args: [CALL_VIA],
    summary: 'Read CLOCK_REALTIME in microseconds: the vDSO entry (__vdso_gettimeofday / __kernel_gettimeofday: do_hres(CLOCK_REALTIME), which in a time namespace goes through do_hres_timens and adds nothing, as REALTIME has no offset) or the system call (ktime_get_real_ts64).',
    example: 'P2: gettimeofday()', snippet: 'gettimeofday()' },
  { word: 'device_timestamp', op: 'device_timestamp', host: false, args: [{ name: 'source', kind: 'device', doc: 'input, sound, v4l, drm (CLOCK_MONOTONIC stamps) or socket (CLOCK_REALTIME)' }],
    summary: 'A driver hands the task an event stamped with the host clock (ktime_get, or ktime_get_real for sockets): no time namespace translates it, so a task whose MONOTONIC is shifted sees a stamp that does not match its own "now" (seed 002: "if after restart input is reporting times in CLOCK_MONOTONIC and the applications in the namespace are talking about times in CLOCK_MONOTONIC_SYNC. Then there is an issue."). The result text compares the two.',
    example: 'P2: device_timestamp(input)', snippet: 'device_timestamp(${1|input,socket,sound,v4l,drm|})' },
  { word: 'tick', op: 'tick', host: true, args: [{ name: 'count', kind: 'int', optional: true, doc: 'how many timer ticks (default 1, at most 10000); one tick is 1/HZ = 4 ms (HZ 250)' }],
    summary: 'Timer ticks: tick_sched_do_timer → timekeeping_advance → timekeeping_update → update_vsyscall, once per tick: every clock advances 1/HZ and the host vDSO data page is rewritten. A time namespace\'s vvar page only holds offsets and is not touched (under the per-namespace timekeeper design, every namespace page is).',
    example: 'tick 3', snippet: 'tick ${1:1}' },
];
