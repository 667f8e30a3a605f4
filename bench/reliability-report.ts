// Writes bench/RELIABILITY.md from what the reliability tests observed. Run:
//   PATCHSCOPE_RELIABILITY_LOG=/tmp/reliability.jsonl npx mocha --no-config --require tsx/cjs --extension ts \
//     --timeout 120000 test/unit/hostile-patches.test.ts test/unit/file-safety.test.ts test/unit/rapid-edits.test.ts test/unit/security.test.ts
//   npx tsx bench/reliability-report.ts /tmp/reliability.jsonl
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import type { ReliabilityRow } from '../test/unit/reliability-log';

const log = process.argv[2] ?? '/tmp/reliability.jsonl';
const rows = readFileSync(log, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as ReliabilityRow);
const cell = (text: string): string => text.replace(/\|/g, '\\|').replace(/\/tmp\/[\w.-]+\//g, '<tmp>/');
const table = rows.map((r) => `| ${cell(r.area)} | ${cell(r.input)} | ${cell(r.outcome)} | ${cell(r.leftOnDisk)} |`).join('\n');
const text = `# Reliability report

Broken and hostile patches, rapid edits, cancellation, failing ffmpeg and disks, and hostile webview messages,
as observed by the tests (${rows.length} cases, generated ${new Date().toISOString().slice(0, 10)} by \`bench/reliability-report.ts\`).
Reproduce with the commands at the top of \`bench/reliability-report.ts\`.

Decisions: NaN or infinite samples are **refused** (PatchError kind \`output\`, naming the first frame and channel);
nothing is written and an existing destination is kept. Silence and clipping are reported (peak dBFS, clipped-sample
count, warnings) but the file is written. Every file is written to a hidden \`.<name>.<random>.tmp\` beside the
destination and renamed only when complete.

| where | input tried | what happened | left on disk |
| --- | --- | --- | --- |
${table}
`;
writeFileSync(path.join(__dirname, 'RELIABILITY.md'), text);
console.log(`bench/RELIABILITY.md: ${rows.length} rows`);
