// A full collection of the engine worker's heap (Node only), so that the memory of a large run it has dropped goes
// back to the system instead of staying in the extension host's process until the engine next allocates.
import * as vm from 'node:vm';

/**
 * A full collection of this thread's heap, settled once it has run: V8's memory measurement, asked to run at once
 * ('eager'), makes one and answers after it. Not gc() behind `v8.setFlagsFromString('--expose-gc')`: Electron,
 * which runs desktop VS Code's extension host, freezes V8's flags, and setting one then aborts the process.
 */
export async function fullCollection(): Promise<void> {
  await vm.measureMemory({ mode: 'summary', execution: 'eager' }).catch(() => undefined);
}
