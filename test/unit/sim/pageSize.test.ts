// arm64 kernels built with 16K or 64K pages (machine page_size=): mappings keep their page counts, the vDSO text is
// its image rounded up to the page, and PAGE_SIZE bounds the /proc writes; x86_64 has 4K pages only.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseScenario, profileOfHeader } from '../../../extension/scenario/parser';
import { machineOf } from '../../../extension/sim/types';
import { harness, op } from './helpers';

const MAPS = { op: 'read', file: { path: '/proc/self/maps' } } as const;

/** The special mappings of P1 as name:pages@start. */
function layout(h: ReturnType<typeof harness>): string[] {
  const st = h.sim.state();
  return st.mms[st.tasks.P1.mm!].vmas.map((v) => `${v.name}:${v.pages}@${v.start.toString(16)}`);
}

test('a 16K arm64 kernel maps the same [vvar] pages and a one-page vDSO text (vdso.S .balign PAGE_SIZE, __vdso_init)', () => {
  assert.deepEqual(layout(harness('6.12', 'arm64')), ['[vvar]:2@fffff7ffc000', '[vdso]:2@fffff7ffe000'], '4K: the 6.12 image needs 2 pages');
  assert.deepEqual(layout(harness('6.12', 'arm64', [], { pageSize: 16384 })), ['[vvar]:2@fffff7ff0000', '[vdso]:1@fffff7ff8000']);
  assert.deepEqual(layout(harness('6.1', 'arm64', [], { pageSize: 16384 })), ['[vvar]:2@fffff7ff0000', '[vdso]:1@fffff7ff8000']);
  assert.deepEqual(layout(harness('7.3', 'arm64', [], { pageSize: 16384 })), ['[vvar]:4@fffff7fe8000', '[vdso]:1@fffff7ff8000'], 'VDSO_NR_PAGES pages of the datastore');
  assert.deepEqual(layout(harness('6.12', 'arm64', [], { pageSize: 65536 })), ['[vvar]:2@fffff7fc0000', '[vdso]:1@fffff7fe0000']);
  const maps = harness('6.12', 'arm64', [], { pageSize: 16384 }).run('P1', MAPS).text;
  assert.match(maps ?? '', /^fffff7ff0000-fffff7ff8000 r--p .*\[vvar\]\nfffff7ff8000-fffff7ffc000 r-xp .*\[vdso\]\n$/);
});

test('with 16K pages page 3 of [vvar] lies past the vDSO text, and [vvar] with 3 pages covers both mappings whole', () => {
  const k4 = harness('6.12', 'arm64');
  assert.equal(k4.run('P1', op.touch(3)).signal, null, '4K: the second text page');
  assert.equal(k4.run('P1', { op: 'munmap', mapping: '[vvar]', page: 0, pages: 3 }).errno, 'EINVAL', '4K: half the text is a split');
  const k16 = harness('6.12', 'arm64', [], { pageSize: 16384 });
  assert.equal(k16.run('P1', op.touch(2)).signal, null, 'the text');
  assert.equal(k16.run('P1', op.touch(3)).signal, 'SIGSEGV', 'nothing mapped there');
  const m = harness('6.12', 'arm64', [], { pageSize: 16384 });
  assert.equal(m.run('P1', { op: 'munmap', mapping: '[vvar]', page: 0, pages: 3 }).errno, null);
});

test('timens_offsets and uid_map writes take up to PAGE_SIZE - 1 bytes (count >= PAGE_SIZE: EINVAL)', () => {
  const text = (n: number) => 'monotonic 1 0 '.padEnd(n, 'x');
  for (const [pageSize, taken] of [[4096, 4095], [16384, 16383], [65536, 65535]] as const) {
    const h = harness('6.12', 'arm64', [], { pageSize });
    h.run('P1', op.unshare());
    assert.equal(h.run('P1', op.write('/proc/self/timens_offsets', text(taken))).ret, taken, `${pageSize}: ${taken} bytes`);
    const refused = h.run('P1', op.write('/proc/self/timens_offsets', text(taken + 1)));
    assert.equal(refused.errno, 'EINVAL', `${pageSize}: ${taken + 1} bytes`);
  }
  const h = harness('6.12', 'arm64', [], { pageSize: 16384 });
  h.run('P1', op.unshare(0x10000000));
  assert.equal(h.run('P1', op.write('/proc/self/uid_map', '0 0 1'.padEnd(5000, ' '))).ret, 5000, 'map_write reads it');
  const h4 = harness('6.12', 'arm64');
  h4.run('P1', op.unshare(0x10000000));
  assert.equal(h4.run('P1', op.write('/proc/self/uid_map', '0 0 1'.padEnd(5000, ' '))).errno, 'EINVAL');
});

test('machine page_size= is arm64\'s: 4k 16k 64k, an error on x86_64 at its value, and x86_64 stays at 4K', () => {
  const p = parseScenario('arch arm64\nmachine page_size=16k rtc=no\n');
  assert.deepEqual(p.diagnostics.filter((d) => d.severity === 'error'), []);
  assert.deepEqual(p.header.machine, { pageSize: 16384, rtc: false });
  assert.equal(machineOf(profileOfHeader(p.header)).pageSize, 16384);
  const x86 = parseScenario('arch x86_64\nmachine page_size=16k\n').diagnostics.filter((d) => d.severity === 'error');
  assert.equal(x86.length, 1);
  assert.deepEqual(x86[0].range, { line: 1, col: 18, endLine: 1, endCol: 21 });
  assert.match(x86[0].message, /x86_64 has 4k pages only/);
  assert.equal(x86[0].fixes?.[0].newText, '4k');
  assert.deepEqual(parseScenario('arch x86_64\nmachine page_size=4k\n').diagnostics.filter((d) => d.severity === 'error'), []);
  const bad = parseScenario('arch arm64\nmachine page_size=8k\n').diagnostics.filter((d) => d.severity === 'error');
  assert.deepEqual(bad.map((d) => d.code), ['bad-machine-value']);
  assert.match(bad[0].message, /4k or 16k or 64k, not '8k'/);
  assert.deepEqual(layout(harness('6.12', 'x86_64', [], { pageSize: 16384 })), layout(harness('6.12', 'x86_64')), 'the model keeps x86_64 at 4K whatever it is given');
});
