import { fork, type ChildProcess } from 'node:child_process';
import type { Socket } from 'node:net';
import type { FromWorker, ToWorker } from './worker-protocol';

/** Why a render process ended without being asked to. */
export type RenderProcessExit = { kind: 'memory' } | { kind: 'crashed'; detail: string };

/** Options of one render process. */
export interface RenderProcessOptions {
  /** The built render worker script (`dist/render-worker.js`). */
  script: string;
  /** V8 heap limit of the process, in MB. */
  heapMb: number;
  onMessage(message: FromWorker): void;
  /** Called once if the process ends on its own (a crash, running out of memory), never after `kill()`. */
  onExit(exit: RenderProcessExit): void;
}

/**
 * glibc malloc arenas of a render process (its default is 8 per core). The engine's threads (render thread,
 * tokio workers, worklet threads, libuv) each took an arena of their own, and each arena keeps its freed memory:
 * with two, an hour rendered to WAV peaks about 5 MB lower (98 to 104 MB against 104 to 107), at the same speed
 * (bench/RESULTS.md).
 */
const RENDER_MALLOC_ARENAS = '2';

/** How much of a process's stderr is kept to explain its exit. */
const STDERR_TAIL_CHARS = 4096;

/**
 * One render worker in its own process. Renders run in child processes rather than worker threads because
 * node-web-audio-api can crash the whole process (SIGSEGV) when a thread is terminated mid-render, and keeps
 * process-wide native state that can wedge after many renders: killing a process is always safe for its parent
 * and returns everything the render held to the system.
 */
export class RenderProcess {
  private readonly child: ChildProcess;
  private stderrTail = '';
  private ended = false;

  constructor(private readonly options: RenderProcessOptions) {
    this.child = fork(options.script, [], {
      execArgv: [`--max-old-space-size=${options.heapMb}`],
      serialization: 'advanced',
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      // Electron (the VS Code extension host) runs a forked script as plain Node only with this set.
      env: { ...process.env, ELECTRON_RUN_AS_NODE: '1', MALLOC_ARENA_MAX: process.env.MALLOC_ARENA_MAX ?? RENDER_MALLOC_ARENAS },
    });
    // Native code may write to the process's stdio: drain it, keeping the end of stderr to explain a crash.
    this.child.stdout?.resume();
    this.child.stderr?.setEncoding('utf8');
    this.child.stderr?.on('data', (text: string) => {
      this.stderrTail = (this.stderrTail + text).slice(-STDERR_TAIL_CHARS);
    });
    this.child.on('message', (message: FromWorker) => {
      if (message.type === 'ready') this.keepAlive(false);
      if (!this.ended) options.onMessage(message);
    });
    this.child.on('error', (err) => this.end({ kind: 'crashed', detail: err.message }));
    this.child.on('exit', (code, signal) => {
      // Let the last of stderr arrive before reading it.
      setImmediate(() => this.end(this.exitOf(code, signal)));
    });
    for (const stream of [this.child.stdout, this.child.stderr]) (stream as Socket | null)?.unref();
    // Starting keeps the parent alive (someone may be awaiting the pool's warm-up); an idle worker does not.
    this.keepAlive(true);
  }

  /**
   * Whether this process keeps its parent's event loop alive: only while it starts (the pool's watchdog does
   * while a render runs).
   */
  private keepAlive(alive: boolean): void {
    if (this.ended) return;
    if (alive) {
      this.child.ref();
      this.child.channel?.ref();
    } else {
      this.child.unref();
      this.child.channel?.unref();
    }
  }

  /** Sends a message; false when the process has ended. */
  post(message: ToWorker): boolean {
    if (this.ended || !this.child.connected) return false;
    this.child.send(message);
    return true;
  }

  /** Ends the process at once (SIGKILL: nothing in it needs cleaning up that the system does not reclaim). */
  kill(): void {
    // Held until reaped, so whoever awaits whenGone() is not cut short by an empty event loop.
    this.child.ref();
    this.ended = true;
    this.child.kill('SIGKILL');
  }

  /** Resolves once the process is gone (for leak checks and orderly disposal). */
  whenGone(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return Promise.resolve();
    return new Promise((resolve) => this.child.once('exit', () => resolve()));
  }

  /** The operating system's process id. */
  get pid(): number | undefined {
    return this.child.pid;
  }

  private exitOf(code: number | null, signal: NodeJS.Signals | null): RenderProcessExit {
    if (/heap out of memory|Reached heap limit/i.test(this.stderrTail)) return { kind: 'memory' };
    const how = signal ? `killed by ${signal}` : `exited with code ${code}`;
    const lastLine = this.stderrTail.trim().split('\n').pop();
    return { kind: 'crashed', detail: lastLine ? `${how}: ${lastLine}` : how };
  }

  private end(exit: RenderProcessExit): void {
    if (this.ended) return;
    this.ended = true;
    this.options.onExit(exit);
  }
}
