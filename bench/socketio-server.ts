/**
 * The peer for bench/room-fanout.ts: a Socket.IO 4 chat room the way it is usually built, one
 * Node process, `socket.to(room).emit(...)` for the broadcast. Messages get the same shape and
 * size as Edgelive's `message` frame so both servers move the same bytes.
 */
import { createServer } from 'node:http';
import { Server } from 'socket.io';

const port = Number(process.argv[2] ?? 8881);
const http = createServer();
const io = new Server(http, { transports: ['websocket'], serveClient: false });
let seq = 0;

io.on('connection', (socket) => {
  const user = { id: String(socket.handshake.query.user ?? socket.id), name: null, avatar: null, role: 'user' };
  void socket.join('room');
  socket.on('send', (frame: { client_id?: unknown; text?: unknown }) => {
    if (typeof frame?.text !== 'string' || typeof frame.client_id !== 'string') return;
    const message = {
      id: `msg_${(++seq).toString(36).padStart(20, '0')}`,
      seq,
      kind: 'user',
      user,
      text: frame.text,
      reply_to: null,
      created_at: new Date().toISOString(),
      edited_at: null,
      reactions: {},
    };
    socket.to('room').emit('message', { type: 'message', message });
  });
});

http.listen(port, '127.0.0.1', () => process.send?.('ready'));
process.on('SIGTERM', () => {
  io.close();
  process.exit(0);
});
