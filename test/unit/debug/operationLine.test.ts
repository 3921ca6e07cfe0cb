// Which Debug Console inputs are lines of the scenario language (run as a what-if) rather than expressions:
// task lines, and every host action the language has (one list: sim/ops.ts HOST_OPERATIONS).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isOperationLine } from '../../../extension/debug/stops';
import { HOST_OPERATIONS } from '../../../extension/sim/ops';

test('task lines and every host action are operation lines; expressions are not', () => {
  assert.ok(isOperationLine('P2: clock_gettime(CLOCK_BOOTTIME)'));
  for (const host of HOST_OPERATIONS) assert.ok(isOperationLine(`${host} 1`), host);
  assert.ok(isOperationLine('tick 3'), 'the tick of issue 15');
  assert.ok(!isOperationLine('unshare(CLONE_NEWTIME)'), 'a task operation needs its task');
  assert.ok(!isOperationLine('P2.uid'));
  assert.ok(!isOperationLine('host + 5s'));
});
