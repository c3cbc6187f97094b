// The RTM WebSocket: connect, resume from the last seq, heartbeat, reconnect with backoff,
// and drop events already seen (replays after a resume can overlap what arrived live).
import type { RtmEvent } from "../api/types";

export interface SocketLike {
  onopen: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  onclose: ((ev: unknown) => void) | null;
  onerror: ((ev: unknown) => void) | null;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  readonly readyState: number;
}

export type RtmStatus = "connecting" | "online" | "offline";

export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  now(): number;
}

export interface RtmOptions {
  /** Asks the server for a socket URL (`rtm.connect`). */
  connectUrl: () => Promise<string>;
  createSocket: (url: string) => SocketLike;
  onEvent: (event: RtmEvent) => void;
  onStatus: (status: RtmStatus) => void;
  /** The server could not resume (or this is a fresh start after one): refetch everything. */
  onResync: () => void;
  timers?: Timers;
  random?: () => number;
  pingEveryMs?: number;
  pongTimeoutMs?: number;
}

const OPEN = 1;
const realTimers: Timers = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
  now: () => Date.now(),
};

export function withSince(url: string, since: number | null): string {
  if (since === null) return url;
  const sep = url.includes("?") ? "&" : "?";
  return `${url}${sep}since=${since}`;
}

/** The socket's events with Parley's server-rendered fields (`html`…), as the API's
 * `X-Parley-Render` header asks for them on method calls. */
export function withRenderedHtml(url: string): string {
  if (/[?&]render=/.test(url)) return url;
  const sep = url.includes("?") ? "&" : "?";
  return `${url}${sep}render=html`;
}

/** 0.5 s, 1 s, 2 s … up to 15 s, with ±25 % jitter so tabs do not reconnect in lockstep. */
export function backoffMs(attempt: number, random: () => number = Math.random): number {
  const base = Math.min(15000, 500 * 2 ** Math.min(attempt, 10));
  return Math.round(base * (0.75 + random() * 0.5));
}

export class RtmConnection {
  lastSeq: number | null = null;
  private socket: SocketLike | null = null;
  private attempt = 0;
  private stopped = true;
  private nextId = 1;
  private reconnectTimer: unknown = null;
  private pingTimer: unknown = null;
  private pongTimer: unknown = null;
  private readonly timers: Timers;
  private readonly random: () => number;
  private readonly pingEvery: number;
  private readonly pongTimeout: number;

  constructor(private readonly options: RtmOptions) {
    this.timers = options.timers ?? realTimers;
    this.random = options.random ?? Math.random;
    this.pingEvery = options.pingEveryMs ?? 20000;
    this.pongTimeout = options.pongTimeoutMs ?? 10000;
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    void this.open();
  }

  stop(): void {
    this.stopped = true;
    this.clearTimers();
    this.dropSocket();
  }

  /** Network came back (the browser's `online` event): try now instead of waiting. */
  retryNow(): void {
    if (this.stopped) return;
    if (this.socket && this.socket.readyState === OPEN) return;
    this.attempt = 0;
    this.clearTimer("reconnectTimer");
    this.dropSocket();
    void this.open();
  }

  /** The network is gone (the browser's `offline` event): stop trusting the socket. */
  networkLost(): void {
    if (this.stopped) return;
    this.dropSocket();
    this.options.onStatus("offline");
    this.scheduleReconnect();
  }

  send(frame: Record<string, unknown>): boolean {
    if (!this.socket || this.socket.readyState !== OPEN) return false;
    this.socket.send(JSON.stringify({ id: this.nextId++, ...frame }));
    return true;
  }

  private async open(): Promise<void> {
    this.options.onStatus(this.attempt === 0 && this.lastSeq === null ? "connecting" : "offline");
    let url: string;
    try {
      url = await this.options.connectUrl();
    } catch {
      this.scheduleReconnect();
      return;
    }
    if (this.stopped) return;
    const socket = this.options.createSocket(withSince(url, this.lastSeq));
    this.socket = socket;
    socket.onmessage = (ev) => this.receive(socket, ev.data);
    socket.onclose = () => this.lost(socket);
    socket.onerror = () => this.lost(socket);
  }

  private receive(socket: SocketLike, data: unknown): void {
    if (socket !== this.socket) return;
    let event: RtmEvent;
    try {
      event = JSON.parse(String(data)) as RtmEvent;
    } catch {
      return;
    }
    this.armHeartbeat();
    if (event.type === "hello") {
      this.attempt = 0;
      const resync = event.resync === true;
      if (this.lastSeq === null || resync) {
        this.lastSeq = typeof event.seq === "number" ? event.seq : 0;
      }
      this.options.onStatus("online");
      if (resync) this.options.onResync();
      return;
    }
    if (event.type === "pong" || event.type === "reconnect_url") return;
    if (event.type === "goodbye") {
      this.lost(socket);
      return;
    }
    if (typeof event.seq === "number") {
      if (this.lastSeq !== null && event.seq <= this.lastSeq) return; // already applied
      this.lastSeq = event.seq;
    }
    this.options.onEvent(event);
  }

  private lost(socket: SocketLike): void {
    if (socket !== this.socket) return;
    this.dropSocket();
    if (this.stopped) return;
    this.options.onStatus("offline");
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    if (this.stopped || this.reconnectTimer !== null) return;
    const wait = backoffMs(this.attempt++, this.random);
    this.reconnectTimer = this.timers.setTimeout(() => {
      this.reconnectTimer = null;
      void this.open();
    }, wait);
  }

  private armHeartbeat(): void {
    this.clearTimer("pingTimer");
    this.clearTimer("pongTimer");
    this.pingTimer = this.timers.setTimeout(() => {
      this.pingTimer = null;
      const socket = this.socket;
      if (!socket || !this.send({ type: "ping" })) return;
      // No answer (any frame) in time means the connection is dead even if the OS says not.
      this.pongTimer = this.timers.setTimeout(() => {
        this.pongTimer = null;
        this.lost(socket);
      }, this.pongTimeout);
    }, this.pingEvery);
  }

  private dropSocket(): void {
    const socket = this.socket;
    this.socket = null;
    this.clearTimer("pingTimer");
    this.clearTimer("pongTimer");
    if (socket) {
      socket.onmessage = socket.onclose = socket.onerror = socket.onopen = null;
      try {
        socket.close();
      } catch {
        /* already closed */
      }
    }
  }

  private clearTimer(name: "reconnectTimer" | "pingTimer" | "pongTimer"): void {
    if (this[name] !== null) {
      this.timers.clearTimeout(this[name]);
      this[name] = null;
    }
  }

  private clearTimers(): void {
    this.clearTimer("reconnectTimer");
    this.clearTimer("pingTimer");
    this.clearTimer("pongTimer");
  }
}
