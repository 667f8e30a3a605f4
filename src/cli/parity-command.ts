import { parseArgs } from 'node:util';
import { runParityTest } from '../engine/parity-test';
import { printPatchLog } from './patch-output';
import { RenderPool } from '../engine/render-pool';
import { captureChoice, chunkChoice, positiveNumber } from './options';
import { expandSinglePatchArg } from './patch-args';

/** `patchscope parity`: one-shot vs streamed; exit 1 unless bit-exact. */
export async function parityCommand(argv: string[], signal: AbortSignal): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { chunk: { type: 'string' }, capture: { type: 'string' }, json: { type: 'boolean' }, timeout: { type: 'string' }, 'max-duration': { type: 'string' } },
  });
  const chunk = chunkChoice(values.chunk);
  const capture = captureChoice(values.capture);
  const timeout = positiveNumber('timeout', values.timeout);
  const maxDuration = positiveNumber('max-duration', values['max-duration']);
  const patch = expandSinglePatchArg('parity', positionals);
  const pool = new RenderPool({ size: 1, onLog: printPatchLog });
  // The worker starts while the patch is bundled.
  // A worker that cannot start fails the renders too, which report it.
  pool.warmUp().catch(() => undefined);
  try {
    const report = await runParityTest(pool, { path: patch }, { chunk, capture, timeout, maxDuration, signal });
    if (values.json) {
      process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    } else {
      const verdict = report.bitExact
        ? `bit-exact: ${report.frames} frames x ${report.channels} channels in ${report.chunks} chunks (${report.capture} capture)`
        : `DIFFERENT: first difference at frame ${report.firstDiffFrame}, max |diff| ${report.maxAbsDiff}, rmse ${report.rmse} (${report.capture} capture, ${report.chunks} chunks)`;
      process.stdout.write(`${report.patch}: ${verdict}\n`);
    }
    return report.bitExact ? 0 : 1;
  } finally {
    await pool.dispose();
  }
}
