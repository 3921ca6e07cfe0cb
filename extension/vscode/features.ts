// The list of features the extension activates, one import per area (editor, debugger, timeline, tours).
import type { Feature } from './services';
import { registerCoreCommands } from './coreCommands';

export const FEATURES: readonly Feature[] = [
  registerCoreCommands,
];
