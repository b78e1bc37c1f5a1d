import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { type WebSocket, WebSocketServer } from 'ws';

/**
 * A fake of Slack's Socket Mode endpoint: the app connects (after `apps.connections.open`), gets
 * `hello`, and then receives envelopes it must acknowledge by `envelope_id`, optionally with a payload.
 */
export class FakeSlackSocket {
  readonly acks: { envelope_id: string; payload?: unknown }[] = [];
  private socket: WebSocket | undefined;
  private connected: Promise<void>;
  private onConnect!: () => void;

  private constructor(private readonly server: WebSocketServer) {
    this.connected = new Promise((resolve) => {
      this.onConnect = resolve;
    });
    server.on('connection', (ws) => {
      this.socket = ws;
      ws.on('message', (data) => this.acks.push(JSON.parse(String(data)) as { envelope_id: string }));
      ws.send(
        JSON.stringify({
          type: 'hello',
          num_connections: 1,
          debug_info: { host: 'fake', approximate_connection_time: 3600 },
          connection_info: { app_id: 'A0APP' },
        }),
      );
      this.onConnect();
    });
  }

  static async start(): Promise<FakeSlackSocket> {
    const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise<void>((resolve) => server.once('listening', () => resolve()));
    return new FakeSlackSocket(server);
  }

  get url(): string {
    return `ws://127.0.0.1:${(this.server.address() as AddressInfo).port}/link`;
  }

  waitConnected(): Promise<void> {
    return this.connected;
  }

  /** Sends one envelope (`slash_commands`, `interactive` or `events_api`); returns its id. */
  send(type: 'slash_commands' | 'interactive' | 'events_api', payload: Record<string, unknown>): string {
    if (!this.socket) throw new Error('the app has not connected');
    const envelope_id = randomUUID();
    this.socket.send(JSON.stringify({ envelope_id, type, payload, accepts_response_payload: type !== 'events_api', retry_attempt: 0, retry_reason: '' }));
    return envelope_id;
  }

  async close(): Promise<void> {
    for (const client of this.server.clients) client.terminate();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
