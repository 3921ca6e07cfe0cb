// Constants the build defines (tools/build.mjs): false in the shipped bundle, so esbuild drops what they guard.
/** The hooks the tests and benchmarks use (the _inspect and _test commands, the timeline panel's test entry points). */
declare const TIMENS_TEST_HOOKS: boolean;
