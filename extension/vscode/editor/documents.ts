// Per-document facts the language features share: the parse of the current text (cached by version),
// the profile it runs with (header, then the timens.default* settings), and its run if it is current.
import * as vscode from 'vscode';
import type { ParsedScenario, ScenarioRun } from '../../scenario/api';
import { parseScenario, profileFor } from '../../scenario/index';
import type { Profile } from '../../sim/types';
import { defaultProfileOptions, type SessionStore } from '../session';

export const LANGUAGE_ID = 'timens';
export const SELECTOR: vscode.DocumentSelector = { language: LANGUAGE_ID };

export class DocumentModels {
  private readonly cache = new Map<string, { version: number; parsed: ParsedScenario }>();

  constructor(private readonly store: SessionStore) {}

  parsed(doc: vscode.TextDocument): ParsedScenario {
    const key = doc.uri.toString();
    const hit = this.cache.get(key);
    if (hit && hit.version === doc.version) return hit.parsed;
    const parsed = parseScenario(doc.getText(), doc.uri.fsPath);
    this.cache.set(key, { version: doc.version, parsed });
    return parsed;
  }

  profile(doc: vscode.TextDocument): Profile {
    const current = this.currentRun(doc);
    if (current) return current.profile;
    return profileFor(this.parsed(doc), defaultProfileOptions(doc));
  }

  /** The stored run of this document if it was made from the text now in the editor. */
  currentRun(doc: vscode.TextDocument): ScenarioRun | undefined {
    const session = this.store.get(doc.uri);
    return session && session.documentVersion === doc.version ? session.run : undefined;
  }

  forget(doc: vscode.TextDocument): void {
    this.cache.delete(doc.uri.toString());
  }
}

export function isScenario(doc: vscode.TextDocument | undefined): doc is vscode.TextDocument {
  return !!doc && doc.languageId === LANGUAGE_ID;
}

export function toRange(r: { line: number; col: number; endLine: number; endCol: number }): vscode.Range {
  return new vscode.Range(r.line, r.col, r.endLine, r.endCol);
}
