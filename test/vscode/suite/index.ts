// Entry of the in-host test run: @vscode/test-electron loads this module in the extension host and calls run().
import * as path from 'node:path';
import Mocha from 'mocha';

/** Runs every bundled `*.test.js` beside this file with mocha; rejects when a test fails. */
export async function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'bdd', timeout: 120_000, color: true });
  const { readdirSync } = await import('node:fs');
  for (const file of readdirSync(__dirname).filter((name) => name.endsWith('.test.js')).sort()) {
    mocha.addFile(path.join(__dirname, file));
  }
  await new Promise<void>((resolve, reject) => {
    mocha.run((failures) => (failures > 0 ? reject(new Error(`${failures} in-host test(s) failed`)) : resolve()));
  });
}
