// Constants the build defines (tools/build.mjs): false in the shipped bundle, so esbuild drops what they guard.
/** The hooks the tests and benchmarks use (window.__timeline, the describe request). */
declare const TIMENS_TEST_HOOKS: boolean;
