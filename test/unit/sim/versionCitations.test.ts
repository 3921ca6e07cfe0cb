// The version boundaries of profile switches whose citation was corrected against the kernel's history: each test
// pins the switch's value on both sides of its boundary and the commit its source names (extension/sim/profile.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { switchesFor } from '../../../extension/sim/index';
import { CLOCKSOURCES } from '../../../extension/sim/kernel/time/clocksource';
import type { SwitchValues } from '../../../extension/sim/profile';
import type { KernelVersion } from '../../../extension/sim/types';

const x86 = (kernel: KernelVersion) => switchesFor({ arch: 'x86_64', kernel, disabledPatches: [] });
const source = (kernel: KernelVersion, name: keyof SwitchValues): string => x86(kernel).list.find((s) => s.name === name)!.source;

test('/proc/stat btime and /proc/PID/stat starttime: one commit, 3ae700ecfae9, in 5.11', () => {
  for (const name of ['procStatBtime', 'procPidStatStart'] as const) {
    assert.equal(x86('5.10').values[name], false, `${name} 5.10`);
    assert.equal(x86('5.11').values[name], true, `${name} 5.11`);
    const s = source('5.11', name);
    assert.match(s, /3ae700ecfae9 "fs\/proc: apply the time namespace offset to \/proc\/stat btime"/, name);
    // no mainline commit has this title: the starttime change is part of the btime commit
    assert.doesNotMatch(s, /apply timens offset for start_boottime of processes/, name);
  }
});

test('zapLock: the x86 write lock of 70ddf65184ec (5.6), its 5.8 name, the read lock from 5.9', () => {
  assert.equal(x86('5.7').values.zapLock, 'down_write_killable');
  assert.equal(x86('5.8').values.zapLock, 'mmap_write_lock_killable');
  assert.equal(x86('5.9').values.zapLock, 'mmap_read_lock');
  const s = source('5.6', 'zapLock');
  assert.match(s, /70ddf65184ec "x86\/vdso: Zap vvar pages when switching to a time namespace"/);
  // fa8acdc8f8f5 is the id tip-bot reported for timers/core, not the mainline commit
  assert.doesNotMatch(s, /\(fa8acdc8f8f5,/);
});

test('sharedFindTimensVvarPage: Jann Horn\'s refactor, 6.2', () => {
  assert.equal(x86('6.1').values.sharedFindTimensVvarPage, false);
  assert.equal(x86('6.2').values.sharedFindTimensVvarPage, true);
  assert.match(source('6.2', 'sharedFindTimensVvarPage'), /"time\/namespace: Refactor copy-pasted helper into one copy" \(6\.2/);
});

test('clock modes: VCLOCK_* names until 5.7 (b95a8a27c300), as clockModePrefix says', () => {
  assert.equal(x86('5.6').values.clockModePrefix, 'VCLOCK');
  assert.equal(x86('5.7').values.clockModePrefix, 'VDSO_CLOCKMODE');
  assert.match(CLOCKSOURCES['tsc-early'].source, /VCLOCK_TSC before 5\.7, b95a8a27c300/);
});
