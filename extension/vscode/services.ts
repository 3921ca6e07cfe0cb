// What every feature module receives at activation: the extension context, the session store (over the
// engine that runs the simulations in a worker), the document mirror and the log.
import type * as vscode from 'vscode';
import type { DocumentSync } from './editor/documents';
import type { SessionStore } from './session';

export interface Services {
  readonly context: vscode.ExtensionContext;
  readonly store: SessionStore;
  readonly documents: DocumentSync;
  readonly log: vscode.LogOutputChannel;
}

/** A feature registers its commands, views and providers, and pushes its disposables to context.subscriptions. */
export type Feature = (services: Services) => void;
