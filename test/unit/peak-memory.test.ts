// A process's reported peak memory is its own, not its parent's: the render worker's and the CLI's figures rely on it.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { peakRssMb } from '../../src/engine/peak-memory';

const root = path.resolve(__dirname, '..', '..');

describe('peak memory', function () {
  this.timeout(60_000);

  it("reports a child's own peak, not the memory image of the parent it was forked from", () => {
    // The parent holds 300 MB when it starts the child.
    const ballast = Buffer.alloc(300 * 2 ** 20, 1);
    assert.ok(peakRssMb() >= 300, `the parent's peak: ${peakRssMb().toFixed(0)} MB`);
    const script = `const { peakRssMb } = require(${JSON.stringify(path.join(root, 'src', 'engine', 'peak-memory.ts'))});
      process.stdout.write(JSON.stringify({ ours: peakRssMb(), getrusage: process.resourceUsage().maxRSS / 1024 }));`;
    const child = spawnSync(process.execPath, ['--require', 'tsx/cjs', '-e', script], { cwd: root, encoding: 'utf8' });
    assert.equal(child.status, 0, child.stderr);
    const { ours, getrusage } = JSON.parse(child.stdout) as { ours: number; getrusage: number };
    assert.ok(ballast[ballast.length - 1] === 1);
    // getrusage carries the parent's image over (on Linux), which is what this guards against.
    assert.ok(getrusage >= 300, `getrusage in the child: ${getrusage.toFixed(0)} MB`);
    assert.ok(ours > 20 && ours < 200, `the child's own peak: ${ours.toFixed(0)} MB`);
  });
});
