// The .timens language layer's entry point: parsing, running, evaluating expectations, formatting
// results, and the documentation and completion data editors use.

export type * from './api';
export { parseScenario, profileDiagnostics, profileOfHeader, PROFILE_CODES, INITIAL_TASKS, ScenarioParser, type LineParse, type ParseEnd } from './parser';
export { runScenario, runParsed, runParsedSteps, profileFor, lineRange, LineRunner } from './runner';
export { evaluateCheck, type CheckOutcome } from './expect';
export { describeOperation, completionData, type OperationDoc, type CompletionData } from './docs';
export { callText, formatResult, formatStepLine, jsonOfOutcome, jsonOfExpectation, signalText, type JsonLine } from './format';
export { forEachLine, splitLines, LineSplitter } from './lines';
export { checkText, runText, type TextSource, type CheckResult, type LineSink, type StreamResult } from './stream';
export { lineCallPaths, callPathMarkdown, type CallPath } from './callPaths';
export { EXPECT_FORMS, type ExpectFormDoc } from './expectGrammar';
export { lexLine, type Lexeme } from './lexer';
export { tokenAt } from './tokens';
export {
  OPERATION_SPECS, OPERATION_BY_WORD, OPERATION_ALIASES, OPERATION_RANK, FLAG_TABLES, MAPPING_NAMES, ERRNO_TEXT, COMMON_PATHS,
  CLOCK_READ_PATHS, closest, editDistance, clockName, type OperationSpec, type ArgSpec, type ArgKind,
} from './vocabulary';
export { parseDuration, formatDuration, formatHostOffset, formatTimespec, nearestKernelVersion, readKernelVersion, compareVersions } from './values';
