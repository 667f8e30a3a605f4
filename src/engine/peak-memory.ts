// This process's peak resident memory.
import { readFileSync } from 'node:fs';

/**
 * This process's peak resident set size since it started, in MB. On Linux it is read from /proc/self/status
 * (VmHWM): getrusage's maxrss, which `process.resourceUsage()` reports, keeps the high-water mark of the memory
 * image the process replaced at exec, which for a child of Node is a copy of its parent, so a render worker forked
 * by a 300 MB extension host reported at least 300 MB.
 */
export function peakRssMb(): number {
  try {
    const highWater = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync('/proc/self/status', 'utf8'));
    if (highWater) return Number(highWater[1]) / 1024;
  } catch {
    // Not Linux: getrusage is all there is.
  }
  return process.resourceUsage().maxRSS / 1024;
}
