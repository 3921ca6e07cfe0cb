// Verify's comparison of a scenario against a kernel made from the model (fakeKernel.ts), for the compare tests:
// the verdicts after `mutate` has broken the kernel's answers, and a way to give a line's read another text.
import { compareRun } from '../../../extension/verify/compare';
import { LOCAL_TOLERANCES } from '../../../extension/verify/index';
import type { RunMode } from '../../../extension/verify/operations';
import { planScenario, profileForKernel } from '../../../extension/verify/plan';
import type { KernelLine } from '../../../extension/verify/protocol';
import { kernelFromModel } from './fakeKernel';

// with the helper's 32-bit build, as a qemu run has it: execve(…, compat) lines are compared too
export const MODE: RunMode = { kind: 'initial', uids: 'all', sleepCapMs: 3000, compat: true };
export const INFO = { release: '6.18.0-test', arch: 'x86_64', how: 'a kernel made from the model' };
export const PROFILE = profileForKernel('x86_64', '6.18.44')!;

export function verdicts(text: string, mutate?: (k: Map<number, KernelLine>) => void, file = 'test.timens', mode: RunMode = MODE) {
  const plan = planScenario(text, file, PROFILE, mode);
  const kernel = kernelFromModel(plan);
  mutate?.(kernel);
  return compareRun({ plan, kernel, info: INFO, tol: LOCAL_TOLERANCES });
}

/** A mutation: the kernel's answer on file line `line` read `text`. */
export function kernelText(line: number, text: string) {
  return (k: Map<number, KernelLine>): void => {
    const l = k.get(line)!;
    l.res = { ...l.res!, f: { ...l.res!.f, text: ':' + Buffer.from(text).toString('hex') } };
  };
}
