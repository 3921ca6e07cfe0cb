// A full collection of the engine worker's heap (Node only), so that the memory of a large run it has dropped goes
// back to the system instead of staying in the extension host's process until the engine next allocates.
import * as vm from 'node:vm';

/**
 * Starts a full collection of this thread's heap: V8's memory measurement, asked to run at once ('eager'), makes
 * one. Not gc() behind `v8.setFlagsFromString('--expose-gc')`: Electron, which runs desktop VS Code's extension
 * host, freezes V8's flags, and setting one then aborts the process.
 */
export function fullCollection(): void {
  vm.measureMemory({ mode: 'summary', execution: 'eager' }).catch(() => undefined);
}
