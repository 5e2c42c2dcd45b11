/**
 * The browser's transports: WebSocket and secure WebSocket on the global `WebSocket`, nothing else. The browser
 * build (`scripts/build-browser.mjs`) puts this module in the place of `platform.ts`.
 */
import type { Platform } from './platform.js';
import { openBrowserWebSocketTransport } from './ws-browser.js';

export const platform: Platform = {
  name: 'this browser',
  transports: { ws: openBrowserWebSocketTransport, wss: openBrowserWebSocketTransport },
  srvBrokers: undefined,
  proxy: undefined, // the browser's own proxy settings apply to its WebSockets
  diagnostics: undefined, // no node:diagnostics_channel: the client publishes nothing
};
