// Fuzzes the debug adapter in process: sequences of random and malformed requests of every command it supports
// (fields dropped, of the wrong type, out of range, arguments that are not objects). Each request must get
// exactly one answer, errors a readable message without a stack trace, and the session must still work after.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { CHECKED_COMMANDS } from '../../../extension/debug/requests';
import { DapClient, newClient, scenarioFile } from './dapClient';

const PROGRAM = scenarioFile('fuzz.timens', [
  'arch arm64',
  'kernel 5.9',
  'P1: unshare(CLONE_NEWTIME)',
  'P1: write("/proc/self/timens_offsets", "monotonic 86400 0")',
  'P1: fork() = P2',
  'P2: clock_gettime(CLOCK_MONOTONIC)',
  'expect P2 CLOCK_MONOTONIC == host + 86400s',
  'P1: write("/proc/self/timens_offsets", "boottime 1 0")',
  'P2: munmap([vvar], 4096)',
  'P2: clock_gettime(CLOCK_MONOTONIC)',
  '',
].join('\n'));

/** Plausible arguments for each command; the fuzzer mutates them. */
const TEMPLATES: Record<string, () => unknown> = {
  initialize: () => ({ adapterID: 'timens', linesStartAt1: true, columnsStartAt1: true, pathFormat: 'path' }),
  launch: () => ({ program: PROGRAM, stopOnEntry: true }),
  restart: () => ({ arguments: { program: PROGRAM } }),
  disconnect: () => ({}),
  terminate: () => ({}),
  configurationDone: () => ({}),
  threads: () => undefined,
  next: () => ({ threadId: 1, granularity: 'line' }),
  stepIn: () => ({ threadId: 1, targetId: 7 }),
  stepOut: () => ({ threadId: 1 }),
  stepBack: () => ({ threadId: 1, granularity: 'instruction' }),
  continue: () => ({ threadId: 1 }),
  reverseContinue: () => ({ threadId: 1 }),
  pause: () => ({ threadId: 1 }),
  stepInTargets: () => ({ frameId: 1 }),
  gotoTargets: () => ({ source: { path: PROGRAM }, line: 5 }),
  goto: () => ({ threadId: 1, targetId: 12 }),
  stackTrace: () => ({ threadId: 1, startFrame: 0, levels: 20 }),
  scopes: () => ({ frameId: 1 }),
  variables: () => ({ variablesReference: 3, start: 0, count: 10 }),
  readMemory: () => ({ memoryReference: 'page#host', offset: 0, count: 64 }),
  setBreakpoints: () => ({ source: { path: PROGRAM }, breakpoints: [{ line: 5, condition: 'P1.pid == 1000' }, { line: 6, hitCondition: '2' }] }),
  setFunctionBreakpoints: () => ({ breakpoints: [{ name: 'vvar_fault' }, { name: 'timens_fault' }] }),
  setExceptionBreakpoints: () => ({ filters: ['errno', 'expect'], filterOptions: [{ filterId: 'signal', condition: 'SIGBUS' }] }),
  exceptionInfo: () => ({ threadId: 1 }),
  dataBreakpointInfo: () => ({ name: 'time_ns', variablesReference: 4 }),
  setDataBreakpoints: () => ({ breakpoints: [{ dataId: 'P1.time_ns_for_children' }] }),
  evaluate: () => ({ expression: 'P1.time_ns', context: 'watch' }),
  completions: () => ({ text: 'P1.ti', column: 6 }),
  'timens/cursor': () => ({}),
};

test('every checked command has a template here', () => {
  assert.deepEqual([...CHECKED_COMMANDS].sort(), Object.keys(TEMPLATES).sort());
});

const junk: fc.Arbitrary<unknown> = fc.oneof(
  fc.integer(), fc.double(), fc.constantFrom(Number.NaN, Infinity, -Infinity, -0, 2 ** 53, -1, 1e300),
  fc.string(), fc.constantFrom('', '{_stack}', '{_exception}', '__proto__', 'P1.(', 'x'.repeat(5000)),
  fc.constant(null), fc.boolean(), fc.array(fc.anything(), { maxLength: 3 }), fc.object({ maxDepth: 2 }),
);

/** The template with each field kept, dropped or replaced by junk (recursively, one level into arrays). */
function mutate(value: unknown): fc.Arbitrary<unknown> {
  if (Array.isArray(value)) return fc.tuple(...value.map(mutate)).map((a) => a);
  if (value === null || typeof value !== 'object') return fc.oneof({ weight: 3, arbitrary: fc.constant(value) }, { weight: 1, arbitrary: junk });
  const entries = Object.entries(value as Record<string, unknown>);
  return fc.tuple(...entries.map(([, v]) => fc.oneof(
    { weight: 4, arbitrary: mutate(v) },
    { weight: 1, arbitrary: fc.constant(undefined) },
    { weight: 1, arbitrary: junk },
  ))).map((vs) => Object.fromEntries(entries.map(([k], i) => [k, vs[i]]).filter(([, v]) => v !== undefined)));
}

const request: fc.Arbitrary<{ command: string; args: unknown }> = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom(...Object.keys(TEMPLATES)).chain((command) => mutate(TEMPLATES[command]!()).map((args) => ({ command, args }))) },
  { weight: 2, arbitrary: fc.record({ command: fc.constantFrom(...Object.keys(TEMPLATES)), args: junk }) },
  { weight: 1, arbitrary: fc.record({ command: fc.constantFrom('setVariable', 'source', 'attach', 'bogus', 'constructor', '__proto__', 'toString'), args: fc.anything() }) },
);

async function answer(client: DapClient, command: string, args: unknown): Promise<DebugProtocol.Response> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error(`no answer to ${command} ${preview(args)}`)), 5000); });
  try {
    return await Promise.race([client.send(command, args), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function preview(v: unknown): string {
  try { return (JSON.stringify(v) ?? String(v)).slice(0, 200); } catch { return String(v); }
}

test('random and malformed requests: one clean answer each, and the session keeps working', { timeout: 600000 }, async () => {
  const crashes: unknown[] = [];
  const onCrash = (err: unknown): void => { crashes.push(err); };
  process.on('uncaughtException', onCrash);
  process.on('unhandledRejection', onCrash);
  try {
    await fc.assert(fc.asyncProperty(fc.array(request, { minLength: 1, maxLength: 12 }), async (requests) => {
      const client = newClient();
      await client.start({ program: PROGRAM } as never);
      for (const { command, args } of requests) {
        const r = await answer(client, command, args);
        await new Promise((res) => setImmediate(res));
        const count = client.responses.filter((x) => x.request_seq === r.request_seq).length;
        assert.equal(count, 1, `${command} ${preview(args)} answered ${count} times`);
        if (!r.success) {
          assert.ok(r.message && r.message.length > 0, `${command} ${preview(args)}: an error needs a message`);
          assert.doesNotMatch(r.message, /\n\s+at /, `${command} ${preview(args)}: no stack trace in ${r.message}`);
        }
      }
      // Still alive and consistent: it answers, stands somewhere in the run and evaluates state there.
      assert.equal((await answer(client, 'threads', undefined)).success, true);
      const cursor = await answer(client, 'timens/cursor', {});
      const c = cursor.body as { position: number; eventCount: number };
      assert.ok(Number.isInteger(c.position) && c.position >= 0 && c.position <= c.eventCount, `cursor ${preview(c)}`);
      assert.equal((await answer(client, 'stackTrace', { threadId: 1 })).success, true);
      const pid = await answer(client, 'evaluate', { expression: 'P1.pid', context: 'watch' });
      assert.equal(pid.success, true, pid.message);
      const stop = client.waitEvent('stopped');
      assert.equal((await answer(client, 'goto', { threadId: 1, targetId: 0 })).success, true);
      await stop;
      assert.equal(crashes.length, 0, `uncaught: ${crashes.map((e) => (e instanceof Error ? e.stack : String(e))).join('\n')}`);
    }), { numRuns: 300 });
  } finally {
    process.off('uncaughtException', onCrash);
    process.off('unhandledRejection', onCrash);
  }
});
