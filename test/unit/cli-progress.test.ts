import { strict as assert } from 'node:assert';
import { ProgressDisplay } from '../../src/cli/progress';

/** A terminal-like stream that keeps what is written. */
function fakeTerminal(): NodeJS.WriteStream & { text: string } {
  const stream = { isTTY: true, text: '', write: (chunk: string) => ((stream.text += chunk), true) };
  return stream as unknown as NodeJS.WriteStream & { text: string };
}

/** The last state of the bar on the terminal. */
function lastBar(text: string): string {
  const bars = text.split('\r').filter((part) => part.startsWith('['));
  return bars[bars.length - 1] ?? '';
}

describe('CLI progress bar', () => {
  it('counts a failed render as ended, so the bar reaches every patch', () => {
    const terminal = fakeTerminal();
    const progress = new ProgressDisplay(terminal, 2);
    progress.update('a.synth.js', 480, 48000);
    progress.end('b.synth.js');
    progress.line('b.synth.js:3:7: it failed');
    assert.match(lastBar(terminal.text), /\s51%\s+1\/2 patches$/);
    progress.update('a.synth.js', 48000, 48000);
    progress.end('a.synth.js');
    progress.line('a.synth.js -> a.wav');
    assert.match(lastBar(terminal.text), /\[#{30}\] 100%\s+2\/2 patches$/);
  });
});
