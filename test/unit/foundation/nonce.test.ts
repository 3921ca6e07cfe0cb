// Webview nonces come from the operating system's random source, never from Math.random (predictable), and no
// source file makes anything with Math.random.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { makeNonce } from '../../../extension/vscode/nonce';

test('a nonce has 128 random bits and does not come from Math.random', () => {
  const random = Math.random;
  Math.random = () => 0.5; // a nonce that still changed was not made from this
  try {
    const nonces = new Set(Array.from({ length: 100 }, () => makeNonce()));
    assert.equal(nonces.size, 100);
    for (const n of nonces) assert.match(n, /^[A-Za-z0-9_-]{22}$/, 'base64url of 16 bytes');
  } finally {
    Math.random = random;
  }
});

test('no source file calls Math.random (nonces and ids use crypto)', () => {
  const walk = (dir: string): string[] => fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? walk(p) : p.endsWith('.ts') ? [p] : [];
  });
  const offenders = [...walk('extension'), ...walk('webview')].filter((f) => /\bMath\.random\s*\(/.test(fs.readFileSync(f, 'utf8')));
  assert.deepEqual(offenders, []);
});
