import * as assert from 'node:assert/strict';
import { channelToBuffer, MessageHandler, MessageType, type FromWebview, type ReplyMessage, type ToWebview } from '../../src/shared/protocol';

/** Two handlers wired back to back, as the host and the webview are. */
function pair(onHost: (m: Exclude<FromWebview, ReplyMessage>) => unknown, onWebview: (m: Exclude<ToWebview, ReplyMessage>) => unknown) {
  const posted: { to: 'host' | 'webview'; message: unknown; transfer?: Transferable[] }[] = [];
  let host!: MessageHandler<ToWebview, FromWebview>;
  let webview!: MessageHandler<FromWebview, ToWebview>;
  host = new MessageHandler<ToWebview, FromWebview>((message, transfer) => {
    posted.push({ to: 'webview', message, transfer });
    queueMicrotask(() => void webview.handleMessage(structuredClone(message, { transfer: transfer as Transferable[] })));
  }, onHost);
  webview = new MessageHandler<FromWebview, ToWebview>((message, transfer) => {
    posted.push({ to: 'host', message, transfer });
    queueMicrotask(() => void host.handleMessage(structuredClone(message)));
  }, onWebview);
  return { host, webview, posted };
}

describe('protocol', () => {
  it('answers a request with the reply of the other side', async () => {
    const { host } = pair(
      () => undefined,
      (message) => (message.type === MessageType.GetPlayerState ? { state: 'playing', scheduled: [] } : undefined),
    );
    const reply = await host.sendRequest({ type: MessageType.GetPlayerState });
    assert.equal(reply.state, 'playing');
  });

  it('rejects a request when the handler throws', async () => {
    const { host } = pair(
      () => undefined,
      () => {
        throw new Error('no player');
      },
    );
    await assert.rejects(host.sendRequest({ type: MessageType.GetPlayerState }), /no player/);
  });

  it('delivers events and transfers chunk buffers', async () => {
    const received: ToWebview[] = [];
    const { host } = pair(() => undefined, (message) => void received.push(message));
    const samples = new Float32Array([0.25, -0.5, 1]);
    const buffer = channelToBuffer(samples);
    host.sendEvent({ type: MessageType.Chunk, renderId: 3, startFrame: 0, frames: 3, sampleRate: 48000, channels: [buffer], postedAt: 0 }, [buffer]);
    await new Promise((resolve) => setTimeout(resolve, 0));
    assert.equal(buffer.byteLength, 0, 'the buffer was transferred, not copied');
    const chunk = received[0];
    assert.equal(chunk.type, MessageType.Chunk);
    if (chunk.type === MessageType.Chunk) assert.deepEqual(new Float32Array(chunk.channels[0]), new Float32Array([0.25, -0.5, 1]));
  });

  it('sends exactly the bytes of a channel that is a view into a larger buffer', () => {
    const whole = new Float32Array([1, 2, 3, 4, 5]);
    const view = whole.subarray(1, 3);
    const buffer = channelToBuffer(view);
    assert.equal(buffer.byteLength, 8);
    assert.deepEqual(new Float32Array(buffer), new Float32Array([2, 3]));
    assert.equal(channelToBuffer(whole), whole.buffer, 'a whole buffer is sent as it is');
  });
});
