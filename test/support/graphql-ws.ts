/*
 * A graphql-ws client over a real WebSocket (the `ws` package), as a tender system connects: the token in
 * connectionParams, one subscription at a time, and the ways a connection ends (the server closing it with a code
 * and reason, the client completing, or the socket cut).
 */
import { type Client, createClient, type FormattedExecutionResult } from 'graphql-ws';
import WebSocket from 'ws';

export interface SocketClosed {
  readonly code: number;
  readonly reason: string;
}

export interface WsConnection {
  readonly client: Client;
  /** Cuts the socket without a close handshake, as a dropped network does. */
  cut(): void;
  /** Resolves with the close code and reason once the socket is closed. */
  readonly closed: Promise<SocketClosed>;
  dispose(): Promise<void>;
}

/** Connects to the service's /graphql over graphql-ws; `token` null sends no authorization. */
export function connectWs(baseUrl: string, token: string | null, params: Record<string, unknown> = {}): WsConnection {
  let socket: WebSocket | null = null;
  let settle: (closed: SocketClosed) => void = () => undefined;
  const closed = new Promise<SocketClosed>((resolve) => (settle = resolve));
  const client = createClient({
    url: `${baseUrl.replace(/^http/, 'ws')}/graphql`,
    webSocketImpl: WebSocket,
    lazy: true,
    retryAttempts: 0,
    connectionParams: token === null ? params : { authorization: `Bearer ${token}`, ...params },
    on: {
      opened: (opened) => (socket = opened as WebSocket),
      closed: (event) => {
        const { code, reason } = event as { code: number; reason: string | Buffer };
        settle({ code, reason: String(reason) });
      },
    },
  });
  return {
    client,
    cut: () => socket?.terminate(),
    closed,
    dispose: () => Promise.resolve(client.dispose()),
  };
}

/** What one subscribe answered first: a result (data or errors), the subscription's error, or the socket's close. */
export type FirstAnswer =
  | { readonly kind: 'next'; readonly result: FormattedExecutionResult<Record<string, unknown>, unknown> }
  | { readonly kind: 'error'; readonly errors: readonly { message: string; extensions?: Record<string, unknown> }[] }
  | { readonly kind: 'closed'; readonly code: number; readonly reason: string }
  | { readonly kind: 'complete' };

/**
 * Subscribes and resolves with the first thing that comes back. `accepted` resolves it as 'complete' when nothing
 * came back by then (a subscription the server took and is tailing).
 */
export function firstAnswer(
  connection: WsConnection,
  query: string,
  variables: Record<string, unknown> = {},
  accepted?: Promise<unknown>,
): Promise<FirstAnswer> {
  return new Promise<FirstAnswer>((resolve) => {
    let unsubscribe: () => void = () => undefined;
    const done = (answer: FirstAnswer) => {
      unsubscribe();
      resolve(answer);
    };
    unsubscribe = connection.client.subscribe<Record<string, unknown>>(
      { query, variables },
      {
        next: (result) => done({ kind: 'next', result }),
        error: (error) => {
          if (Array.isArray(error)) done({ kind: 'error', errors: error as { message: string; extensions?: Record<string, unknown> }[] });
          else {
            const event = error as { code?: number; reason?: string | Buffer; message?: string };
            if (typeof event.code === 'number') done({ kind: 'closed', code: event.code, reason: String(event.reason ?? '') });
            else done({ kind: 'error', errors: [{ message: String(event.message ?? error) }] });
          }
        },
        complete: () => done({ kind: 'complete' }),
      },
    );
    void accepted?.then(() => done({ kind: 'complete' }));
  });
}
