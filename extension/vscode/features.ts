// The list of features the extension activates, one import per area (editor, debugger, timeline, tours).
import type { Feature } from './services';
import { registerCoreCommands } from './coreCommands';
import { registerEditor } from './editor/index';
import { registerDebugger } from './debug';
import { registerMemoryView } from './memoryView';
import { registerTimeline } from './timelinePanel';
import { registerTours } from './tours';
import { registerVerify } from './verify';

export const FEATURES: readonly Feature[] = [
  registerCoreCommands,
  registerEditor,
  registerDebugger,
  registerMemoryView,
  registerTimeline,
  registerTours,
  registerVerify,
];
