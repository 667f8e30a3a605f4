import * as assert from 'node:assert/strict';
import { AckGate } from '../../src/webview/ack-gate';

describe('AckGate (when the panel acknowledges chunks)', () => {
  it('acknowledges at once unless held, and then sums what it held per render', () => {
    const sent: [number, number][] = [];
    const gate = new AckGate((renderId, bytes) => sent.push([renderId, bytes]));
    let enough = false;
    const hold = (renderId: number): boolean => enough && renderId === 2;
    gate.received(2, 100, hold);
    assert.deepEqual(sent, [[2, 100]]);
    enough = true;
    gate.received(2, 200, hold);
    gate.received(2, 300, hold);
    assert.deepEqual(sent, [[2, 100]], 'held while enough audio waits');
    assert.equal(gate.heldBytes, 500);
    gate.release(hold);
    assert.equal(sent.length, 1);
    enough = false;
    gate.release(hold);
    assert.deepEqual(sent, [[2, 100], [2, 500]], 'released in one message');
    assert.equal(gate.heldBytes, 0);
  });

  it('releases a superseded render’s bytes while holding the heard one’s', () => {
    const sent: [number, number][] = [];
    const gate = new AckGate((renderId, bytes) => sent.push([renderId, bytes]));
    let heard = 1;
    const hold = (renderId: number): boolean => renderId === heard;
    gate.received(1, 10, hold);
    assert.deepEqual(sent, []);
    heard = 2;
    gate.received(2, 20, hold);
    assert.deepEqual(sent, [[1, 10]]);
    assert.equal(gate.heldBytes, 20);
  });
});
