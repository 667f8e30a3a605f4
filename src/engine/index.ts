// The engine's public surface, shared by the extension and the CLI.
export * from './units';
export * from './render-types';
export { PatchError, type PatchErrorData, type PatchErrorKind, type SourceLocation } from './patch-error';
export { RenderPool, DEFAULT_RENDER_TIMEOUT, type RenderPoolOptions } from './render-pool';
export { runParityTest, ChunkCollector } from './parity-test';
export { compareAudio, type AudioComparison } from './parity';
export { CHUNK_DEFAULTS } from './chunk-planner';
export { DEFAULT_CAPTURE } from './capture/index';
export { PATCH_DEFAULTS } from './patch-validation';
export { PATCH_FILE_REGEX, PATCH_GLOB, isPatchPath, patchBaseName, defaultOutputPath } from './patch-files';
