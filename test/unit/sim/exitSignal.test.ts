// A child's exit signal (kernel/exit.c exit_notify, kernel/signal.c do_notify_parent, fs/exec.c de_thread, kernel/fork.c
// copy_process): a signal other than SIGCHLD whose default action ends a process ends the parent's thread group.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { harness, op, F } from './helpers';

const SIGUSR1 = 10;
const SIGCHLD = 17;
const state = (h: ReturnType<typeof harness>, t: string): string => h.sim.state().tasks[t]!.state;

test('a child that exits with SIGUSR1 as its exit signal ends its parent, which the model had left running', () => {
  const h = harness();
  h.run('P1', op.fork('A'));
  h.run('A', op.thread('AT'));
  h.run('A', op.clone3(0, 'C', SIGUSR1));
  h.run('C', op.exit());
  assert.equal(state(h, 'A'), 'exited');
  assert.equal(state(h, 'AT'), 'exited', 'the whole thread group');
  assert.equal(state(h, 'P1'), 'running', 'A\'s own exit signal is SIGCHLD');
  assert.equal(h.run('A', op.thread('X')).errno, 'ESRCH');
});

test('a legacy clone\'s exit signal is the low byte: SIGUSR1 ends the parent, 0x80|SIGCHLD (145) is no valid signal', () => {
  const h = harness();
  h.run('P1', op.fork('A'));
  h.run('A', op.clone(SIGUSR1, 'C'));
  h.run('C', op.exit());
  assert.equal(state(h, 'A'), 'exited');
  h.run('P1', op.fork('B'));
  h.run('B', op.clone(F.CLONE_NEWTIME | SIGCHLD, 'D'));
  h.run('D', op.exit());
  assert.equal(state(h, 'B'), 'running');
});

test('exec in the child or in the parent makes the notification SIGCHLD (de_thread, parent_exec_id)', () => {
  const h = harness();
  h.run('P1', op.fork('A'));
  h.run('A', op.clone3(0, 'C', SIGUSR1));
  h.run('C', op.exec('/proc/self/exe'));
  assert.equal(h.sim.state().tasks.C!.exitSignal, SIGCHLD);
  h.run('C', op.exit());
  assert.equal(state(h, 'A'), 'running');
  h.run('A', op.clone3(0, 'D', SIGUSR1));
  h.run('A', op.exec('/proc/self/exe'));
  h.run('D', op.exit());
  assert.equal(state(h, 'A'), 'running');
});

test('CLONE_PARENT: the caller\'s parent is notified, with the caller\'s exit signal', () => {
  const h = harness();
  h.run('P1', op.fork('U'));
  h.run('U', op.clone3(0, 'V', SIGUSR1));
  h.run('V', op.clone3(F.CLONE_PARENT, 'W', 0));
  assert.equal(h.sim.state().tasks.W!.parent, 'U');
  assert.equal(h.sim.state().tasks.W!.exitSignal, SIGUSR1);
  h.run('W', op.exit());
  assert.equal(state(h, 'U'), 'exited');
  assert.equal(state(h, 'V'), 'running');
});

test('a thread that exits notifies nobody; a parent whose group has gone is not notified; a stop signal is not run', () => {
  const h = harness();
  h.run('P1', op.fork('A'));
  h.run('A', op.clone3(0, 'C', SIGUSR1));
  h.run('C', op.thread('CT'));
  h.run('CT', op.exit());
  assert.equal(state(h, 'A'), 'running');
  h.run('A', op.clone3(0, 'D', SIGUSR1));
  h.run('D', op.exit());
  assert.equal(state(h, 'A'), 'exited');
  h.run('C', op.exit());
  assert.equal(state(h, 'P1'), 'running');
  assert.ok(h.run('P1', op.clone3(0, 'S', 19)).refused, 'SIGSTOP: the model has no stopped tasks');
});
