/** The method text of docs/benchmarks.md, kept beside the code it describes and written with the figures. */
export const METHOD = `## End-to-end benchmarks (\`npm run bench\`)

steady-mqtt against [MQTT.js](https://github.com/mqttjs/MQTT.js) 5, Mosquitto's C clients
(\`mosquitto_pub\` / \`mosquitto_sub\`), **raw Node** (a minimal MQTT 3.1.1 client on \`node:net\` written for this
harness, \`bench/peers/raw.ts\`: what Node itself allows) and **Paho Python** (Debian's \`python3-paho-mqtt\` 1.6,
what users port from), through the same local Mosquitto, in the same run. Performance is never asserted in a
test; \`test/bench/harness.test.ts\` only proves the harness works.

\`\`\`sh
npm run bench                          # every scenario, 3 runs each (several minutes); rewrites this page
npm run bench -- --quick               # reduced counts, 1 run, under a minute on an idle machine
npm run bench -- --scenario qos1       # one scenario (repeatable): qos0 qos1 qos1-burst qos2 qos2-burst
                                       #   latency-qos0 latency-qos1 large many connect-seq fanin persistent persistent-batch import
npm run bench -- --scenario qos1-burst --peers steady,steady-base --baseline HEAD~1 --runs 9
                                       # A/B: this tree's steady-mqtt against commit HEAD~1's, interleaved
npm run bench -- --sweep               # the in-flight window sweep (QoS 1 and 2), instead of the scenarios
npm run -s bench -- --json             # machine-readable results on stdout (progress and table on stderr)
npm run bench -- --profile --scenario qos0   # steady-mqtt's and raw Node's processes under node --cpu-prof
node --import tsx bench/tools/profile-summary.ts .tmp/bench-profiles/*.cpuprofile   # self and inclusive time
\`\`\`

### How it measures

- **Broker**: a private Mosquitto per scenario on a free 127.0.0.1 port (\`test/support/mosquitto.ts\`), persistence
  off, no packet logging, \`max_queued_messages 10000000\`, \`max_queued_bytes 0\`, \`max_inflight_messages 1000\`
  (towards each subscriber) and \`set_tcp_nodelay true\`: without it the broker's small packets wait for the
  client's delayed ACK (Nagle) and every QoS 1 round trip takes 40-90 ms whatever the client.
- **Processes**: publisher and subscriber (requester and responder) are separate child processes, the same
  layout for every peer. Node peers run from bundles built with esbuild before any run (steady-mqtt's sources
  bundled as an application would; \`mqtt\` and \`better-sqlite3\` loaded from \`node_modules\` as published), so no
  TypeScript compilation happens during a run. Every client speaks MQTT 3.1.1 with a clean session (scenario 8:
  persistent session) and its library's defaults otherwise.
- **Same code for every Node peer**: \`bench/peers/roles/\` holds the workload once, written against a five-method
  interface; \`bench/peers/steady.ts\`, \`bench/peers/mqttjs.ts\` and \`bench/peers/raw.ts\` adapt it to each client
  the way its users write it (steady-mqtt: \`loopStart()\`, \`onMessage\`, \`onPublish\`; MQTT.js: \`connectAsync()\`,
  the \`message\` event, a callback per QoS 1/2 publish). Payloads are one \`Buffer\` reused for every publish.
- **raw Node**: packets encoded by hand into \`Buffer\`s, one \`Buffer.concat\`-free reader, packet ids in a
  \`Set\`, an in-flight window of 100 (publishes beyond it wait in an array), writes of one tick corked together;
  no store, no validation, no keep-alive timer, no reconnect. The floor, not a client to ship.
- **Paho Python**: \`bench/peers/paho_peer.py\` speaks the same child protocol and plays the same roles with
  \`loop_start()\`, \`on_message\` and \`on_publish\`; it takes part where a scenario fits (bursts, round trips,
  sequential connects, import). Its sequential connects close each client after its CONNACK: Paho 1.6's
  \`loop()\` uses \`select()\`, which cannot watch a descriptor above 1,023, and each client holds three, so it
  cannot keep 1,000 open in one process (a time per connect, no memory per idle client). It runs under
  \`/usr/bin/python3\` (where \`apt-get install python3-paho-mqtt\` puts the module); without it the peer is left
  out, and the run says so.
- **QoS 0 publishing**: 1,000 publishes per event-loop turn (\`setImmediate\` between chunks). No
  library-specific flow control.
- **Disconnect**: a Node publisher stays connected after its last publish (QoS 1/2: last acknowledgement) until
  the subscriber has reported, then disconnects gracefully; its disconnect is never part of a measurement.
  (\`mosquitto_pub\` exits by itself at the end of its input.)
- **QoS 1/2 publishing, "awaiting every acknowledgement"**: pipelined within a window of 100. At most 100
  publishes await their PUBACK (QoS 1) or PUBCOMP (QoS 2); each acknowledgement lets the next publish go. The
  application enforces the window the same way for every Node peer, and the client's own in-flight limit is set
  to the same value where it has one (steady-mqtt \`maxInflightMessagesSet(100)\`, \`mosquitto_pub -M 100\`;
  MQTT.js has none). Large payloads use a window of 2.
- **QoS 1/2 bursts from one loop** (2b, 3b): \`for (...) client.publish(t, p, qos)\`, every message in one
  synchronous loop, then waiting for the last acknowledgement; each client keeps its library's default
  in-flight limit (steady-mqtt 100 for QoS 1 and 20 for QoS 2 on MQTT 3.x, raw Node 100, MQTT.js none,
  \`mosquitto_pub\` 20, Paho 20).
- **Throughput**: messages received / (last receipt at the subscriber − first publish at the publisher), both
  read from the machine's epoch clock (\`performance.timeOrigin + performance.now()\`). "received" shows loss.
- **CPU per message**: \`process.cpuUsage()\` (user + system) of each process over its measured window only
  (publisher: first publish to disconnected, idle wait for the subscriber included; subscriber: subscribed to
  last receipt), divided by the messages.
  Broker CPU comes from \`/proc/<pid>/stat\` over the same trial.
- **Whole-process CPU**: \`process.cpuUsage()\` at the end of the publisher's life (Python: \`getrusage\`; C:
  \`/usr/bin/time\`), in seconds: module loading, connecting and disconnecting included.
- **Peak RSS**: \`process.resourceUsage().maxRSS\` of each client process over its whole life (Node's own baseline,
  about 40-60 MB, included). "Above an empty process" subtracts the peak RSS of a Node (for Paho: Python)
  process that loaded nothing, measured at the start of the run (median of 3; printed on the first lines).
- **C clients**: \`mosquitto_sub -C count\` (the harness counts the payload lines it prints) and
  \`mosquitto_pub -l -M window\` (one message per stdin line, written once it is connected), each under
  \`/usr/bin/time\` for CPU and peak RSS of the whole process (10 ms resolution). They take part where a
  scenario fits a command-line client (scenarios 1-3b).
- **Round trips**: sequential: the requester publishes 64 B, the responder republishes it on the reply topic,
  the requester waits for it before the next; after a warm-up; nearest-rank percentiles in microseconds. A
  trial stops after 30 s of measured round trips ("round trips done" says how many fitted).
- **Many clients**: one process opens 1,000 connections, at most 100 being opened at once (Mosquitto's listen
  backlog), each subscribing to its own topic; timed from the first connect to the last SUBACK. "RSS per idle
  connection" is the RSS after the last SUBACK minus the RSS before the first connect, over 1,000.
- **Sequential connects** (6b): one process connects 1,000 clients one after another, each waiting for its
  CONNACK before the next starts, no subscription; timed from the first connect to the last CONNACK.
- **Import cost** (9): a fresh Node process (\`bench/peers/import-probe.ts\`, its own bundle) imports the library
  and nothing else: steady-mqtt's main entry point bundled as an application would (\`src/index.ts\`, npm
  packages external), MQTT.js's \`mqtt\` from \`node_modules\`, raw Node's \`node:net\`, Paho's
  \`paho.mqtt.client\`; wall time of the \`import()\`, RSS it added, CPU and peak RSS of the whole process.
- **A/B** (\`--baseline REV\`): steady-mqtt is also built from commit REV's \`src/\` (read with \`git archive\`,
  beside this tree's \`bench/\`) and runs as \`steady-mqtt (baseline)\` interleaved with the current tree in the
  same run; \`--peers\` keeps only the two.
- **Runs and ratios**: each scenario runs every peer 3 times, the order alternating (A B C, C B A, A B C); a
  cell is the median of the runs; a ratio is the median of the per-run ratios subject / peer, which is what
  counts on a noisy machine. Every trial has a timeout; a failed or timed-out trial is reported and its processes
  killed, and the run goes on.
`;
