// Writes an exported trace's bytes: plain JSON text, or gzip-compressed (Perfetto UI and chrome://tracing
// both open .json.gz directly). Node only, because of node:zlib.
import { gunzipSync, gzipSync } from 'node:zlib';

export function encodeTrace(json: string, gzip: boolean): Uint8Array {
  const bytes = Buffer.from(json, 'utf8');
  return gzip ? gzipSync(bytes, { level: 6 }) : bytes;
}

/** The JSON text of a trace file's bytes, gzip-compressed or not (recognised by the gzip magic number). */
export function decodeTrace(bytes: Uint8Array): string {
  const gz = bytes.length > 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
  return (gz ? gunzipSync(bytes) : Buffer.from(bytes)).toString('utf8');
}
