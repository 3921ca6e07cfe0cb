// The file position of the seq_file /proc files (fs/seq_file.c with single_open: one record): a read fills the
// buffer once per pass and serves the rest of that text to later reads; lseek regenerates it at the new position.

import type { SeqFile } from '../../store/records';

const FRESH: SeqFile = { readPos: 0, index: 0, buf: '', from: 0, count: 0 };

/** traverse(m, offset): show the record again and skip `offset` bytes of it (no show for offset 0). */
export function traverse(offset: number, show: () => string): SeqFile {
  if (offset === 0) return FRESH;
  const buf = show();
  // single_next moves the index past the one record whether or not the offset lies inside it.
  if (buf.length > offset) return { readPos: offset, index: 1, buf, from: offset, count: buf.length - offset };
  return { readPos: offset, index: 1, buf, from: 0, count: 0 };
}

/**
 * seq_read_iter for a read of `size` bytes at file position `pos`: returns the bytes and the seq_file after.
 * A show that fails (the task is gone) throws; `reset` is then the state the kernel leaves when nothing was copied.
 */
export function seqReadIter(prev: SeqFile | undefined, pos: number, size: number, show: () => string): { text: string; m: SeqFile } {
  let m = prev ?? FRESH;
  if (size === 0) return { text: '', m };
  // "if request is to read from zero offset, reset iterator to first record"
  if (pos === 0) m = { ...m, index: 0, count: 0 };
  // "Don't assume ki_pos is where we left it"
  if (pos !== m.readPos) m = traverse(pos, show);
  let text = '';
  if (m.count) {
    const n = Math.min(m.count, size);
    text = m.buf.slice(m.from, m.from + n);
    m = { ...m, from: m.from + n, count: m.count - n };
  }
  if (!m.count && text.length < size && m.index === 0) {
    // single_start gives the one record only at index 0; the buffer keeps what does not fit.
    const buf = show();
    const n = Math.min(buf.length, size - text.length);
    text += buf.slice(0, n);
    m = { ...m, index: 1, buf, from: n, count: buf.length - n };
  }
  return { text, m: { ...m, readPos: m.readPos + text.length } };
}

/** seq_lseek: SEEK_SET and SEEK_CUR only; a move to another place than the last read's end traverses again. */
export function seqLseek(prev: SeqFile | undefined, fpos: number, offset: number, whence: 'SEEK_SET' | 'SEEK_CUR' | 'SEEK_END', show: () => string):
  { ok: true; pos: number; m: SeqFile } | { ok: false; why: string } {
  if (whence === 'SEEK_END') return { ok: false, why: 'seq_lseek knows only SEEK_SET and SEEK_CUR' };
  const target = whence === 'SEEK_CUR' ? fpos + offset : offset;
  if (target < 0) return { ok: false, why: `the new position ${target} is negative` };
  const m = prev ?? FRESH;
  if (target === m.readPos) return { ok: true, pos: target, m };
  return { ok: true, pos: target, m: traverse(target, show) };
}

/**
 * traverse(m, offset) of a file of many records (seq_open: uid_map and gid_map show one extent per record,
 * maps one VMA): shows records from the first, one at a time, until the one that holds `offset`, which stays in
 * the buffer from there; `index` is the record after it.
 */
function traverseRecords(offset: number, records: readonly string[]): SeqFile {
  if (offset === 0) return FRESH;
  let pos = 0;
  for (let i = 0; i < records.length; i++) {
    const r = records[i];
    if (pos + r.length > offset) return { readPos: offset, index: i + 1, buf: r, from: offset - pos, count: r.length - (offset - pos) };
    pos += r.length;
    if (pos === offset) return { readPos: offset, index: i + 1, buf: '', from: 0, count: 0 };
  }
  return { readPos: offset, index: records.length, buf: '', from: 0, count: 0 };
}

/**
 * seq_read_iter (fs/seq_file.c) of a file of many records: what is left in the buffer first; then the next record,
 * with the buffer (PAGE_SIZE, `bufSize`: seq_buf_alloc(m->size = PAGE_SIZE), doubled only until that first record
 * fits) filled with more records while fewer bytes than asked are buffered and the next one fits ("if (err ||
 * seq_has_overflowed(m)) { m->count = offs; break; }": seq_printf keeps a record only when count + len < size). So one
 * read returns at most PAGE_SIZE of whole records, and the next read goes on from the record after them.
 */
export function seqReadRecords(prev: SeqFile | undefined, pos: number, size: number, bufSize: number, show: () => readonly string[]): { text: string; m: SeqFile } {
  let m = prev ?? FRESH;
  if (size === 0) return { text: '', m };
  if (pos === 0) m = { ...m, index: 0, count: 0 };
  let records: readonly string[] | null = null;
  const recs = () => (records ??= show());
  if (pos !== m.readPos) m = traverseRecords(pos, recs());
  let text = '';
  if (m.count) {
    const n = Math.min(m.count, size);
    text = m.buf.slice(m.from, m.from + n);
    m = { ...m, from: m.from + n, count: m.count - n };
    if (m.count) return { text, m: { ...m, readPos: m.readPos + text.length } };
  }
  let index = m.index;
  if (index >= recs().length) return { text, m: { ...m, from: 0, count: 0, readPos: m.readPos + text.length } };
  let buf = recs()[index];
  let room = bufSize;
  while (buf.length >= room) room *= 2;
  const wanted = size - text.length;
  for (index++; index < recs().length; index++) {
    if (buf.length >= wanted) break;
    const next = recs()[index];
    if (buf.length + next.length >= room) break;
    buf += next;
  }
  const n = Math.min(buf.length, wanted);
  text += buf.slice(0, n);
  return { text, m: { readPos: m.readPos + text.length, index, buf, from: n, count: buf.length - n } };
}
