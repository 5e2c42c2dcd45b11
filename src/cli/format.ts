/**
 * How `steady-mqtt sub` prints a message: as mosquitto_sub does (the payload; `topic payload` with -v, where
 * an empty payload prints `topic (null)`; nothing for an empty payload without -v), with a `-F` format, or as
 * one JSON object per line (`--json`). Output is bytes: payloads are written as received.
 *
 * `-F` specifiers: %t %p %q %r %m %l %x %X %j %I %U %% and the MQTT 5 ones %A %C %D %E %F %P %R %S, with
 * the escapes \n \t \r \\ \0 \e \a \v. Not supported: %J, mosquitto's @strftime specifiers, field widths.
 */
import type { MQTTMessage } from '../client/mqtt-message.js';
import { UsageError } from './args.js';

/** What the printing depends on. */
export interface FormatOptions {
  format?: string;
  verbose: boolean;
  json: boolean;
  /** -N: no newline after each message. */
  noEol: boolean;
  /** The clock, for %I %U %j (tests pass a fixed one). */
  now?: () => Date;
}

/** Turns a message into the bytes to print, or `undefined` to print nothing. */
export type Formatter = (message: MQTTMessage) => Uint8Array | undefined;

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: false });
const ESCAPES: Record<string, string> = {
  n: '\n',
  t: '\t',
  r: '\r',
  '\\': '\\',
  '0': '\0',
  e: '\x1b',
  a: '\x07',
  v: '\v',
};
const SPECIFIERS = new Set('tpqrmlxXjIU%ACDEFPRS');

function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
}

function pad(value: number, width = 2): string {
  return String(value).padStart(width, '0');
}

/** `2016-08-10T09:47:38+0000`, in local time as mosquitto_sub prints it. */
function isoTime(date: Date, fraction = false): string {
  const offset = -date.getTimezoneOffset();
  const sign = offset >= 0 ? '+' : '-';
  const zone = `${sign}${pad(Math.floor(Math.abs(offset) / 60))}${pad(Math.abs(offset) % 60)}`;
  const base = `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
  return fraction ? `${base}.${pad(date.getMilliseconds(), 3)}000Z${zone}` : `${base}${zone}`;
}

/** mosquitto_sub's `%j`: `{"tst":...,"topic":...,"qos":0,"retain":0,"payloadlen":5,"payload":"hello"}`. */
function mosquittoJson(message: MQTTMessage, date: Date): string {
  return JSON.stringify({
    tst: isoTime(date, true),
    topic: message.topic,
    qos: message.qos,
    retain: message.retain ? 1 : 0,
    payloadlen: message.payload.length,
    payload: message.payload.length === 0 ? null : decoder.decode(message.payload),
  });
}

/** `--json`: topic, payload (UTF-8 text, or base64 with `"encoding": "base64"`), qos, retain, properties. */
export function jsonLine(message: MQTTMessage): string {
  let text: string | undefined;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(message.payload);
  } catch {
    text = undefined;
  }
  const properties = message.properties.toJSON();
  return JSON.stringify({
    topic: message.topic,
    payload: text ?? Buffer.from(message.payload).toString('base64'),
    ...(text === undefined ? { encoding: 'base64' } : {}),
    qos: message.qos,
    retain: message.retain,
    ...(Object.keys(properties).length > 0 ? { properties } : {}),
  });
}

function property(message: MQTTMessage, spec: string): string | Uint8Array {
  const p = message.properties;
  switch (spec) {
    case 'A':
      return p.topicAlias === undefined ? '' : String(p.topicAlias);
    case 'C':
      return p.contentType ?? '';
    case 'D':
      return p.correlationData ?? '';
    case 'E':
      return p.messageExpiryInterval === undefined ? '' : String(p.messageExpiryInterval);
    case 'F':
      return p.payloadFormatIndicator === undefined ? '' : String(p.payloadFormatIndicator);
    case 'P':
      return (p.userProperties ?? []).map(([k, v]) => `${k}:${v}`).join(' ');
    case 'R':
      return p.responseTopic ?? '';
    default:
      return (p.subscriptionIdentifiers ?? []).join(',');
  }
}

/** Splits a -F format into literal text and specifiers once, checking it. */
function compile(format: string): (string | { spec: string })[] {
  const parts: (string | { spec: string })[] = [];
  let literal = '';
  for (let i = 0; i < format.length; i++) {
    const char = format[i];
    const next = format[i + 1];
    if (char === '\\' && next !== undefined && ESCAPES[next] !== undefined) {
      literal += ESCAPES[next];
      i++;
    } else if (char === '%') {
      if (next === undefined || !SPECIFIERS.has(next)) {
        throw new UsageError(`-F: unknown format specifier '%${next ?? ''}' (see --help)`);
      }
      if (next === '%') literal += '%';
      else {
        if (literal !== '') parts.push(literal);
        literal = '';
        parts.push({ spec: next });
      }
      i++;
    } else {
      literal += char;
    }
  }
  if (literal !== '') parts.push(literal);
  return parts;
}

function concat(chunks: (string | Uint8Array)[]): Uint8Array {
  const bytes = chunks.map((chunk) => (typeof chunk === 'string' ? encoder.encode(chunk) : chunk));
  const out = new Uint8Array(bytes.reduce((sum, b) => sum + b.length, 0));
  let offset = 0;
  for (const b of bytes) {
    out.set(b, offset);
    offset += b.length;
  }
  return out;
}

/** Builds the formatter for the options (throws `UsageError` on a bad -F format). */
export function makeFormatter(options: FormatOptions): Formatter {
  const eol = options.noEol ? '' : '\n';
  const now = options.now ?? (() => new Date());
  if (options.json) return (message) => encoder.encode(jsonLine(message) + eol);
  if (options.format !== undefined) {
    const parts = compile(options.format);
    return (message) => {
      const date = now();
      const chunks = parts.map((part): string | Uint8Array => {
        if (typeof part === 'string') return part;
        switch (part.spec) {
          case 't':
            return message.topic;
          case 'p':
            return message.payload;
          case 'q':
            return String(message.qos);
          case 'r':
            return message.retain ? '1' : '0';
          case 'm':
            return String(message.mid);
          case 'l':
            return String(message.payload.length);
          case 'x':
            return hex(message.payload);
          case 'X':
            return hex(message.payload).toUpperCase();
          case 'j':
            return mosquittoJson(message, date);
          case 'I':
            return isoTime(date);
          case 'U':
            return `${Math.floor(date.getTime() / 1000)}.${pad((date.getTime() % 1000) * 1_000_000, 9)}`;
          default:
            return property(message, part.spec);
        }
      });
      return concat([...chunks, eol]);
    };
  }
  if (options.verbose) {
    return (message) =>
      message.payload.length === 0
        ? options.noEol
          ? undefined
          : encoder.encode(`${message.topic} (null)\n`)
        : concat([`${message.topic} `, message.payload, eol]);
  }
  return (message) => (message.payload.length === 0 ? undefined : concat([message.payload, eol]));
}
