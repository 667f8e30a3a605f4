// The `patchscope` command-line tool: renders, parity checks and benchmarks without VS Code.
import { benchCommand } from './bench-command';
import { parityCommand } from './parity-command';
import { renderCommand } from './render-command';
import { USAGE, UsageError } from './usage';
import { version } from '../../package.json';
import { removeOpenTemporaryFilesSync } from '../engine/atomic-file';
import { PatchError } from '../engine/patch-error';

/** True when the command's arguments ask for help (before any `--`, after which a name is a patch's). */
function asksForHelp(args: readonly string[]): boolean {
  const end = args.indexOf('--');
  return (end === -1 ? args : args.slice(0, end)).some((arg) => arg === '--help' || arg === '-h');
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if ((command === 'render' || command === 'parity' || command === 'bench') && asksForHelp(rest)) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const controller = new AbortController();
  let interrupts = 0;
  process.on('SIGINT', () => {
    // First Ctrl+C cancels cleanly; a second one exits at once, still removing the temporary files.
    if (++interrupts > 1) {
      removeOpenTemporaryFilesSync();
      process.exit(130);
    }
    process.stderr.write('\ninterrupted: cancelling renders...\n');
    controller.abort();
  });
  let terminated = false;
  process.on('SIGTERM', () => {
    terminated = true;
    process.stderr.write('\nterminated: cancelling renders...\n');
    controller.abort();
  });
  // 128 + the signal's number, as shells report a process ended by it.
  const interruptedCode = (): number => (terminated ? 143 : 130);
  const asInterrupted = (code: number): number => (code === 130 ? interruptedCode() : code);
  try {
    switch (command) {
      case 'render':
        return asInterrupted(await renderCommand(rest, controller.signal));
      case 'parity':
        return asInterrupted(await parityCommand(rest, controller.signal));
      case 'bench':
        return asInterrupted(await benchCommand(rest, controller.signal));
      case undefined:
      case '-h':
      case '--help':
      case 'help':
        process.stdout.write(`${USAGE}\n`);
        return command === undefined ? 2 : 0;
      case '--version':
        process.stdout.write(`${version}\n`);
        return 0;
      default:
        throw new UsageError(`unknown command '${command}'`);
    }
  } catch (err) {
    if (err instanceof UsageError || (err instanceof TypeError && (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS'))) {
      process.stderr.write(`patchscope: ${err.message}\n\n${USAGE}\n`);
      return 2;
    }
    if (err instanceof PatchError) {
      process.stderr.write(`${err.format()}\n`);
      return controller.signal.aborted ? interruptedCode() : 1;
    }
    process.stderr.write(`patchscope: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
}

void main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
