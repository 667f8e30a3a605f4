import { readdirSync, readFileSync } from 'node:fs';
import { setPriority } from 'node:os';

/**
 * Resets threads of this process that raised their own priority back to normal; returns how many.
 *
 * node-web-audio-api's AudioWorklet thread busy-polls for work and sets itself to the highest priority; when
 * that succeeds (as root, or with CAP_SYS_NICE) it owns a core and starves the render thread and the JavaScript
 * that resumes it, so renders crawl or stall on a loaded machine. Linux only; elsewhere it does nothing.
 */
export function resetRaisedThreadPriorities(): number {
  if (process.platform !== 'linux') return 0;
  let reset = 0;
  let tasks: string[];
  try {
    tasks = readdirSync('/proc/self/task');
  } catch {
    return 0;
  }
  for (const tid of tasks) {
    try {
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      // Fields after the command name (which may hold spaces): state is field 3, nice is field 19.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[16]) < 0) {
        setPriority(Number(tid), 0);
        reset++;
      }
    } catch {
      // The thread ended meanwhile, or we may not change it: nothing to do.
    }
  }
  return reset;
}
