/**
 * The flags of `steady-mqtt pub` and `steady-mqtt sub`, named as mosquitto_pub's and mosquitto_sub's, and the
 * `--help` texts built from them.
 */
import { describeFlags, type FlagSpec } from './args.js';
import { EXIT_CODES_HELP } from './exit-codes.js';

/** Flags both commands take. */
export const COMMON_FLAGS: readonly FlagSpec[] = [
  {
    key: 'host',
    short: '-h',
    long: '--host',
    kind: 'value',
    arg: 'HOST',
    help: 'broker host (default localhost)',
  },
  {
    key: 'port',
    short: '-p',
    long: '--port',
    kind: 'value',
    arg: 'PORT',
    help: 'broker port (default 1883, 8883 with TLS)',
  },
  {
    key: 'url',
    short: '-L',
    long: '--url',
    kind: 'value',
    arg: 'URL',
    help: 'mqtt(s)://[user[:password]@]host[:port]/topic (also ws:// and wss://)',
  },
  {
    key: 'topic',
    short: '-t',
    long: '--topic',
    kind: 'repeat',
    arg: 'TOPIC',
    help: 'topic (sub: a filter; repeatable)',
  },
  {
    key: 'qos',
    short: '-q',
    long: '--qos',
    kind: 'value',
    arg: 'QOS',
    help: 'quality of service, 0, 1 or 2 (default 0)',
  },
  {
    key: 'id',
    short: '-i',
    long: '--id',
    kind: 'value',
    arg: 'ID',
    help: 'client id (default: assigned by the broker)',
  },
  {
    key: 'idPrefix',
    short: '-I',
    long: '--id-prefix',
    kind: 'value',
    arg: 'PREFIX',
    help: 'client id = PREFIX + process id',
  },
  {
    key: 'keepalive',
    short: '-k',
    long: '--keepalive',
    kind: 'value',
    arg: 'SECONDS',
    help: 'keepalive (default 60)',
  },
  { key: 'username', short: '-u', long: '--username', kind: 'value', arg: 'USER', help: 'user name' },
  {
    key: 'password',
    short: '-P',
    long: '--pw',
    kind: 'value',
    arg: 'PASSWORD',
    help: 'password; `-P -` reads it from the first line of stdin; without -P, MQTT_PASSWORD is used',
  },
  {
    key: 'version',
    short: '-V',
    long: '--protocol-version',
    kind: 'value',
    arg: 'VERSION',
    help: 'mqttv5, mqttv311 (default) or mqttv31 (also 5, 311, 31)',
  },
  {
    key: 'noClean',
    short: '-c',
    long: '--disable-clean-session',
    kind: 'switch',
    help: 'keep the session (needs -i)',
  },
  {
    key: 'sessionExpiry',
    short: '-x',
    long: '--session-expiry-interval',
    kind: 'value',
    arg: 'SECONDS',
    help: 'MQTT 5 session expiry; -1 or "∞" = never (default -1 with -c, else 0)',
  },
  {
    key: 'property',
    short: '-D',
    long: '--property',
    kind: 'property',
    help: 'MQTT 5 property, e.g. -D publish content-type text/plain',
  },
  { key: 'willTopic', long: '--will-topic', kind: 'value', arg: 'TOPIC', help: 'will topic' },
  {
    key: 'willPayload',
    long: '--will-payload',
    kind: 'value',
    arg: 'PAYLOAD',
    help: 'will payload (default empty)',
  },
  { key: 'willQos', long: '--will-qos', kind: 'value', arg: 'QOS', help: 'will QoS' },
  { key: 'willRetain', long: '--will-retain', kind: 'switch', help: 'retain the will' },
  {
    key: 'cafile',
    long: '--cafile',
    kind: 'value',
    arg: 'FILE',
    help: 'trusted CA certificates (turns TLS on)',
  },
  { key: 'cert', long: '--cert', kind: 'value', arg: 'FILE', help: 'client certificate' },
  { key: 'key', long: '--key', kind: 'value', arg: 'FILE', help: 'client private key' },
  {
    key: 'insecure',
    long: '--insecure',
    kind: 'switch',
    help: "do not check the broker certificate's host name",
  },
  {
    key: 'tlsVersion',
    long: '--tls-version',
    kind: 'value',
    arg: 'VERSION',
    help: 'tlsv1.3, tlsv1.2 or tlsv1.1',
  },
  {
    key: 'persist',
    long: '--persist',
    kind: 'value',
    arg: 'FILE',
    help: 'keep the session in an SQLite file (needs -i; better-sqlite3)',
  },
  {
    key: 'timeout',
    short: '-W',
    long: '--timeout',
    kind: 'value',
    arg: 'SECONDS',
    help: 'give up after SECONDS',
  },
  { key: 'debug', short: '-d', long: '--debug', kind: 'switch', help: 'print the client log on stderr' },
  { key: 'quiet', long: '--quiet', kind: 'switch', help: 'do not print error messages' },
  { key: 'help', long: '--help', kind: 'switch', help: 'show this help' },
];

/** Flags of `pub` only. */
export const PUB_FLAGS: readonly FlagSpec[] = [
  { key: 'message', short: '-m', long: '--message', kind: 'value', arg: 'MESSAGE', help: 'the payload' },
  {
    key: 'file',
    short: '-f',
    long: '--file',
    kind: 'value',
    arg: 'FILE',
    help: "the file's content as the payload",
  },
  {
    key: 'stdinFile',
    short: '-s',
    long: '--stdin-file',
    kind: 'switch',
    help: 'all of stdin as one message',
  },
  {
    key: 'stdinLine',
    short: '-l',
    long: '--stdin-line',
    kind: 'switch',
    help: 'one message per line of stdin',
  },
  {
    key: 'nullMessage',
    short: '-n',
    long: '--null-message',
    kind: 'switch',
    help: 'an empty (zero-length) message',
  },
  { key: 'retain', short: '-r', long: '--retain', kind: 'switch', help: 'retain the message' },
  { key: 'repeat', long: '--repeat', kind: 'value', arg: 'N', help: 'publish the message N times' },
  {
    key: 'maxInflight',
    short: '-M',
    long: '--max-inflight',
    kind: 'value',
    arg: 'N',
    help: 'QoS 1/2 messages in flight (default 20)',
  },
];

/** Flags of `sub` only. */
export const SUB_FLAGS: readonly FlagSpec[] = [
  { key: 'count', short: '-C', long: '--count', kind: 'value', arg: 'N', help: 'exit after N messages' },
  { key: 'verbose', short: '-v', long: '--verbose', kind: 'switch', help: 'print "topic payload"' },
  { key: 'noEol', short: '-N', long: '--no-eol', kind: 'switch', help: 'no newline after each message' },
  {
    key: 'noRetained',
    short: '-R',
    long: '--no-retained',
    kind: 'switch',
    help: 'skip retained (stale) messages',
  },
  {
    key: 'filterOut',
    short: '-T',
    long: '--filter-out',
    kind: 'repeat',
    arg: 'FILTER',
    help: 'skip topics matching FILTER',
  },
  {
    key: 'unsubscribe',
    short: '-U',
    long: '--unsubscribe',
    kind: 'repeat',
    arg: 'FILTER',
    help: 'unsubscribe from FILTER',
  },
  {
    key: 'format',
    short: '-F',
    long: '--format',
    kind: 'value',
    arg: 'FORMAT',
    help: 'output format (%t %p %q ..., see below)',
  },
  {
    key: 'retainedOnly',
    long: '--retained-only',
    kind: 'switch',
    help: 'print retained messages only; exit at the first live one',
  },
  {
    key: 'exitOnSubscribed',
    short: '-E',
    long: '--exit-on-subscribed',
    kind: 'switch',
    help: 'exit once subscribed',
  },
  { key: 'json', long: '--json', kind: 'switch', help: 'one JSON object per message' },
];

const FORMAT_HELP = `Format specifiers for -F (a newline follows each message unless -N):
  %t topic   %p payload   %q QoS   %r retain flag (0/1)   %m message id   %l payload length
  %x payload as hex   %X as upper-case hex   %j JSON object   %J JSON with the payload in base64
  %I ISO-8601 time   %U Unix time with nanoseconds   %%  a literal %
  MQTT 5 properties: %A topic alias  %C content type  %D correlation data  %E message expiry
  %F payload format  %P user properties (key:value)  %R response topic  %S subscription ids
  Escapes: \\n \\t \\r \\\\ \\0 \\e \\a \\v`;

const PROPERTY_HELP = `MQTT 5 properties (-D command identifier value), as mosquitto's:
  commands: connect, publish, subscribe, unsubscribe, disconnect, will
  identifiers: content-type correlation-data maximum-packet-size message-expiry-interval
    payload-format-indicator receive-maximum request-problem-information request-response-information
    response-topic session-expiry-interval subscription-identifier topic-alias topic-alias-maximum
    user-property (two words: name value) will-delay-interval`;

/** `steady-mqtt pub --help`. */
export function pubHelp(): string {
  return `Usage: steady-mqtt pub {-t TOPIC | -L URL} {-m MESSAGE | -f FILE | -s | -l | -n} [options]

Publishes one message (or one per line of stdin with -l) and exits once the broker acknowledged it.

${describeFlags([...PUB_FLAGS, ...COMMON_FLAGS])}

${PROPERTY_HELP}

${EXIT_CODES_HELP}`;
}

/** `steady-mqtt sub --help`. */
export function subHelp(): string {
  return `Usage: steady-mqtt sub {-t FILTER... | -L URL} [options]

Subscribes and prints each message's payload (with -v: "topic payload"), until -C messages, -W seconds,
or Ctrl-C.

${describeFlags([...SUB_FLAGS, ...COMMON_FLAGS])}

${FORMAT_HELP}

${PROPERTY_HELP}

${EXIT_CODES_HELP}`;
}

/** `steady-mqtt --help`. */
export function mainHelp(): string {
  return `Usage: steady-mqtt <command> [options]

Commands:
  pub   publish messages (flags as mosquitto_pub)
  sub   subscribe and print messages (flags as mosquitto_sub)

Run 'steady-mqtt <command> --help' for a command's flags.`;
}
