import { RenderPool } from './src/engine/render-pool';
import { readFileSync } from 'node:fs';
async function main(): Promise<void> {
  const file = process.argv[2];
  const text = readFileSync(file, 'utf8');
  const rows: string[] = [];
  for (let i = 0; i < 7; i++) {
    const pool = new RenderPool({ size: 1, workerScript: 'dist/render-worker.js' });
    const t0 = performance.now();
    await pool.warmUp();
    const t1 = performance.now();
    let first = 0;
    await pool.stream({ path: file, text: text + '\n//' + i }, { onChunk: () => void (first ||= performance.now()) });
    rows.push(`${(t1 - t0).toFixed(0)}/${(first - t1).toFixed(0)}`);
    await pool.dispose();
  }
  console.log('ready/first-after-ready', rows.join(' '));
}
void main();
