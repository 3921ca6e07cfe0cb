// The kernel model as the Simulation drives it: boot, one scenario step at a time, expectations and internal
// errors as events. Everything else is in the files of this folder, over one KernelContext.

import type { OpResult } from '../api';
import type { Recorder } from '../log/recorder';
import type { Step } from '../ops';
import type { SwitchValues } from '../profile';
import type { Profile } from '../types';
import { boot } from './boot';
import { KernelContext } from './context';
import type { Memo } from './memo';
import { execStep, internalError, recordExpectation } from './syscalls';

export class Kernel {
  private readonly k: KernelContext;

  constructor(private readonly r: Recorder, sw: SwitchValues, profile: Profile) {
    this.k = new KernelContext(r, sw, profile);
  }

  get memo(): Memo {
    return this.k.memo;
  }

  /** Create the boot state (a simulation forked from a state starts from that state instead). */
  boot(uptime?: number): void {
    boot(this.k, uptime);
  }

  execStep(step: Step): OpResult {
    this.startStep();
    return execStep(this.k, step);
  }

  internalError(step: Step, message: string): OpResult {
    return internalError(this.k, step, message);
  }

  recordExpectation(line: number, task: string | null, passed: boolean, summary: string): void {
    this.startStep();
    recordExpectation(this.k, line, task, passed, summary);
  }

  /** Without history each step starts a fresh window of events; the host time is then index 0 again. */
  private startStep(): void {
    if (this.r.keepHistory) return;
    if (!this.r.startStep()) return;
    this.k.hostIdx = this.r.hostTimes.length - 1;
    this.k.memo.summariesForgotten();
  }
}
