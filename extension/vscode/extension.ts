// Entry point of the Timens Explorer extension: builds the shared services and activates every feature.
// Activation is lazy: VS Code calls this only for a .timens file, a Timens view, command or debug session.
import * as vscode from 'vscode';
import { FEATURES } from './features';
import { DocumentSync } from './editor/documents';
import { EngineClient } from './engineClient';
import { SessionStore } from './session';
import type { Services } from './services';

/** What activate() returns: used by the extension's own tests and by other extensions. */
export interface TimensApi {
  readonly store: SessionStore;
  readonly services: Services;
}

export function activate(context: vscode.ExtensionContext): TimensApi {
  const log = vscode.window.createOutputChannel('Timens Explorer', { log: true });
  // The simulations run in a worker thread, so a long run never holds up the editor (issue 12).
  const engine = EngineClient.forExtension(context, log);
  const store = new SessionStore(engine);
  const documents = new DocumentSync(engine, log);
  context.subscriptions.push(engine, store, documents, log);
  engine.on('log', (m) => log[m.level](`engine: ${m.message}`));
  const services: Services = { context, store, documents, log };
  for (const register of FEATURES) {
    try {
      register(services);
    } catch (err) {
      // One broken feature must not take the others down; the log says which one failed.
      log.error(`feature ${register.name} failed to activate: ${err instanceof Error ? err.stack ?? err.message : String(err)}`);
    }
  }
  log.info(`Timens Explorer activated (VS Code ${vscode.version}, ${vscode.env.appName})`);
  return { store, services };
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
