/** The metric definitions the scenarios share. */
import type { MetricDef } from './types.js';

const m = (key: string, label: string, unit: string, better: 'higher' | 'lower', digits = 0): MetricDef => ({
  key,
  label,
  unit,
  better,
  digits,
});

export const MSGS_PER_SEC = m('msgsPerSec', 'throughput', 'msg/s', 'higher');
export const MB_PER_SEC = m('mbPerSec', 'throughput', 'MB/s', 'higher', 1);
export const RECEIVED = m('received', 'received', 'msgs', 'higher');
export const PUB_CPU = m('pubCpuUs', 'publisher CPU', 'µs/msg', 'lower', 2);
export const SUB_CPU = m('subCpuUs', 'subscriber CPU', 'µs/msg', 'lower', 2);
export const PUB_RSS = m('pubRssMb', 'publisher peak RSS', 'MB', 'lower', 1);
export const SUB_RSS = m('subRssMb', 'subscriber peak RSS', 'MB', 'lower', 1);
export const BROKER_CPU = m('brokerCpuUs', 'broker CPU', 'µs/msg', 'lower', 2);
export const P50 = m('p50Us', 'round trip p50', 'µs', 'lower');
export const P99 = m('p99Us', 'round trip p99', 'µs', 'lower');
export const MAX = m('maxUs', 'round trip max', 'µs', 'lower');
export const ROUNDS = m('rounds', 'round trips done', 'rt', 'higher');
export const REQ_CPU = m('reqCpuUs', 'requester CPU', 'µs/rt', 'lower', 2);
export const RESP_CPU = m('respCpuUs', 'responder CPU', 'µs/rt', 'lower', 2);
export const REQ_RSS = m('reqRssMb', 'requester peak RSS', 'MB', 'lower', 1);
export const RESP_RSS = m('respRssMb', 'responder peak RSS', 'MB', 'lower', 1);
export const CONNECT_MS = m('connectMs', 'time to all subscribed', 'ms', 'lower');
export const CONNECTED_MS = m('connectMs', 'time to all connected', 'ms', 'lower');
export const PEAK_RSS = m('rssMb', 'peak RSS', 'MB', 'lower', 1);
export const KB_PER_CONN = m('kbPerConn', 'RSS per idle connection', 'KiB', 'lower', 1);
export const CPU_PER_CLIENT = m('cpuUsPerClient', 'CPU per client', 'µs', 'lower');

export const PUB_PROCESS_CPU = m('pubProcessCpuS', 'publisher CPU, whole process', 's', 'lower', 2);
export const PUB_RSS_ABOVE = m(
  'pubRssAboveMb',
  'publisher peak RSS above an empty process',
  'MB',
  'lower',
  1,
);
export const RSS_ABOVE = m('rssAboveMb', 'peak RSS above an empty process', 'MB', 'lower', 1);
export const IMPORT_MS = m('importMs', 'import time', 'ms', 'lower', 1);
export const IMPORT_RSS = m('importRssMb', 'RSS added by the import', 'MB', 'lower', 1);
export const PROCESS_CPU_MS = m('processCpuMs', 'CPU of the whole process', 'ms', 'lower');

export const THROUGHPUT_METRICS = [
  MSGS_PER_SEC,
  RECEIVED,
  PUB_CPU,
  PUB_PROCESS_CPU,
  SUB_CPU,
  PUB_RSS,
  PUB_RSS_ABOVE,
  SUB_RSS,
  BROKER_CPU,
];
