// The webview modules under test, bundled by esbuild into the test page and exposed on `window.patchscope`.
import { PreviewApp } from '../../../src/webview/app';
import { AudioOutput } from '../../../src/webview/audio-output';
import { ChunkScheduler } from '../../../src/webview/chunk-scheduler';
import { Player } from '../../../src/webview/player';
import { RenderBuffer } from '../../../src/webview/render-buffer';
import { SpectrogramModel } from '../../../src/webview/spectrogram-model';
import { AXIS_GUTTER, SpectrogramView } from '../../../src/webview/spectrogram-view';
import { readTheme } from '../../../src/webview/theme';
import { FrequencyScale } from '../../../src/engine/spectrogram-scale';
import * as testKit from './kit.mjs';

window.testKit = testKit;
window.patchscope = { PreviewApp, AudioOutput, ChunkScheduler, Player, RenderBuffer, SpectrogramModel, SpectrogramView, AXIS_GUTTER, readTheme, FrequencyScale };
