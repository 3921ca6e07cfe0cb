// A timestamp a driver puts on an event and hands to a task (issue 15, seed 002): drivers stamp with the host's
// clock (ktime_get for input, sound, v4l and drm in their monotonic mode; ktime_get_real for sockets), and no
// time namespace translates it, so a task whose clock is shifted sees two different times for "now".

import type { OpResult } from '../../api';
import type { DeviceSource } from '../../ops';
import { clockName } from '../../types';
import { type KernelContext } from '../context';
import { tsCmp, tsSub } from '../util';
import { hostClock, nsClock } from './posix-timers';

const SEED002 = 'from the seed (002_dfea5f15054b4669.txt: "if after restart input is reporting times in CLOCK_MONOTONIC and the applications in the namespace are talking about times in CLOCK_MONOTONIC_SYNC. Then there is an issue.")';

export function deviceTimestamp(k: KernelContext, t: string, source: DeviceSource): OpResult {
  // Sockets are always realtime (seed 002, Arnd Bergmann); the others can be either: the model takes their
  // monotonic mode (our choice: the one the thread worries about).
  const clock = source === 'socket' ? 0 : 1;
  return k.fn(clock === 0 ? 'ktime_get_real' : 'ktime_get', () => {
    const stamp = hostClock(k, clock);
    const view = nsClock(k, t, clock, stamp);
    const d = tsSub(view, stamp);
    const agree = tsCmp(view, stamp) === 0;
    const text = `${source} stamp ${stamp.sec}.${String(stamp.nsec).padStart(9, '0')} (host ${clockName(clock)}); ${t} reads ${view.sec}.${String(view.nsec).padStart(9, '0')}: ${agree ? 'they agree' : `they differ by ${d.sec}.${String(d.nsec).padStart(9, '0')} s`}`;
    k.state(k.txt`${text}; drivers stamp with the host clock and no time namespace translates it: ${SEED002}`);
    return { ret: 0, errno: null, signal: null, text };
  });
}
