// Puts an Engine behind a port: what a worker thread (Node) or a Web Worker (browser) runs at start.
import { Engine, type EngineEndpoint, type EngineOptions } from './engine';
import type { Port, Wire } from './protocol';
import { Endpoint } from './rpc';

export function serve(port: Port, options: EngineOptions = {}): Engine {
  const rpc: EngineEndpoint = new Endpoint(port);
  return new Engine(rpc, options);
}

/** A port over anything shaped like a worker_threads port or Worker: postMessage and on('message'). */
export function nodeStylePort(target: {
  postMessage(message: unknown, transfer?: ArrayBuffer[]): void;
  addListener(event: string, listener: (message: Wire) => void): unknown;
}): Port {
  return {
    post: (message, transfer) => target.postMessage(message, transfer ? [...transfer] : undefined),
    onMessage: (handler) => { target.addListener('message', handler); },
  };
}
