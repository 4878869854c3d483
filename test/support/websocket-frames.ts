// Just enough of RFC 6455 for a test API server: the upgrade handshake and unfragmented frames,
// so the real client-node PortForward (over the `ws` package) talks to it as to an API server.
import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';

const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

export interface WebSocketPeer {
  send(payload: Buffer): void;
  close(): void;
  onMessage(listener: (payload: Buffer) => void): void;
  onClose(listener: () => void): void;
}

/** Completes the upgrade with `protocol` and returns the peer. */
export function acceptWebSocket(req: IncomingMessage, socket: Duplex, protocol: string): WebSocketPeer {
  const accept = createHash('sha1')
    .update(`${req.headers['sec-websocket-key'] ?? ''}${GUID}`)
    .digest('base64');
  socket.write(
    [
      'HTTP/1.1 101 Switching Protocols',
      'Upgrade: websocket',
      'Connection: Upgrade',
      `Sec-WebSocket-Accept: ${accept}`,
      `Sec-WebSocket-Protocol: ${protocol}`,
      '',
      '',
    ].join('\r\n'),
  );
  const messageListeners: ((payload: Buffer) => void)[] = [];
  const closeListeners: (() => void)[] = [];
  let closed = false;
  const finish = () => {
    if (closed) return;
    closed = true;
    for (const listener of closeListeners) listener();
  };
  let pending = Buffer.alloc(0);
  socket.on('data', (chunk: Buffer) => {
    pending = Buffer.concat([pending, chunk]);
    for (;;) {
      const frame = readFrame(pending);
      if (!frame) break;
      pending = pending.subarray(frame.size);
      if (frame.opcode === 0x8) {
        writeFrame(socket, 0x8, Buffer.from([0x03, 0xe8]));
        socket.end();
        finish();
        return;
      }
      if (frame.opcode === 0x9) writeFrame(socket, 0xa, frame.payload);
      else if (frame.opcode === 0x1 || frame.opcode === 0x2) {
        for (const listener of messageListeners) listener(frame.payload);
      }
    }
  });
  socket.on('close', finish);
  socket.on('error', finish);
  return {
    send: (payload) => {
      if (!closed) writeFrame(socket, 0x2, payload);
    },
    close: () => {
      if (closed) return;
      writeFrame(socket, 0x8, Buffer.from([0x03, 0xe8]));
      socket.end();
      finish();
    },
    onMessage: (listener) => messageListeners.push(listener),
    onClose: (listener) => closeListeners.push(listener),
  };
}

function readFrame(buffer: Buffer): { opcode: number; payload: Buffer; size: number } | undefined {
  if (buffer.length < 2) return undefined;
  const opcode = (buffer[0] ?? 0) & 0x0f;
  const masked = ((buffer[1] ?? 0) & 0x80) !== 0;
  let length = (buffer[1] ?? 0) & 0x7f;
  let offset = 2;
  if (length === 126) {
    if (buffer.length < 4) return undefined;
    length = buffer.readUInt16BE(2);
    offset = 4;
  } else if (length === 127) {
    if (buffer.length < 10) return undefined;
    length = Number(buffer.readBigUInt64BE(2));
    offset = 10;
  }
  const maskOffset = offset;
  if (masked) offset += 4;
  if (buffer.length < offset + length) return undefined;
  const payload = Buffer.from(buffer.subarray(offset, offset + length));
  if (masked) {
    for (let i = 0; i < payload.length; i += 1) {
      payload[i] = (payload[i] ?? 0) ^ (buffer[maskOffset + (i % 4)] ?? 0);
    }
  }
  return { opcode, payload, size: offset + length };
}

function writeFrame(socket: Duplex, opcode: number, payload: Buffer): void {
  const length = payload.length;
  const header =
    length < 126
      ? Buffer.from([0x80 | opcode, length])
      : length < 65536
        ? Buffer.from([0x80 | opcode, 126, length >> 8, length & 0xff])
        : Buffer.concat([Buffer.from([0x80 | opcode, 127]), bigLength(length)]);
  if (!socket.destroyed) socket.write(Buffer.concat([header, payload]));
}

function bigLength(length: number): Buffer {
  const buffer = Buffer.alloc(8);
  buffer.writeBigUInt64BE(BigInt(length));
  return buffer;
}
