// The nonce of a webview's Content-Security-Policy: 128 bits from the operating system's random source, so a
// page script cannot guess it (Math.random is predictable). No 'vscode' import: the unit tests load it.
import { randomBytes } from 'crypto';

export function makeNonce(): string {
  return randomBytes(16).toString('base64url');
}
