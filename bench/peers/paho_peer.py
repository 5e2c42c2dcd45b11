"""Paho Python (Debian's python3-paho-mqtt 1.6) as a benchmark peer: the same child protocol as the Node peers
(bench/protocol.ts): the task as JSON in argv[1], newline-delimited JSON events on stdout, 'finish' on stdin.
It plays the roles the way a Paho user writes them: loop_start(), on_message, on_publish, and for
sequential connects connect() then loop() until CONNACK, one client after another in one thread."""

import json
import os
import resource
import sys
import threading
import time


def rss_kb():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1024


RSS_BEFORE_IMPORT = rss_kb()
START_IMPORT = time.perf_counter()
import paho.mqtt.client as mqtt  # noqa: E402  (timed by the 'import' role)

IMPORT_MS = (time.perf_counter() - START_IMPORT) * 1000
IMPORT_RSS_KB = rss_kb() - RSS_BEFORE_IMPORT


def epoch_ms():
    return time.time() * 1000


def emit(event):
    sys.stdout.write(json.dumps(event) + "\n")
    sys.stdout.flush()


def cpu_us():
    r = resource.getrusage(resource.RUSAGE_SELF)
    return (r.ru_utime + r.ru_stime) * 1e6


def usage_since(start_us):
    whole = cpu_us()
    return {
        "cpuUs": whole - start_us,
        "processCpuUs": whole,
        "maxRssKb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
    }


FINISHED = threading.Event()


def watch_stdin():
    text = ""
    for line in sys.stdin:
        text += line
        if "finish" in text:
            break
    FINISHED.set()


def new_client(task, window=None):
    client = mqtt.Client(
        client_id=task["clientId"],
        clean_session=task.get("cleanSession", True),
        protocol=mqtt.MQTTv311,
    )
    if window is not None:
        client.max_inflight_messages_set(65535 if window == 0 else window)
    return client


def connect_started(client, task):
    """Connects, starts the network thread and waits for the CONNACK."""
    connected = threading.Event()
    client.on_connect = lambda c, u, flags, rc: connected.set() if rc == 0 else None
    client.connect(task["host"], task["port"], 60)
    client.loop_start()
    if not connected.wait(30):
        raise RuntimeError("no CONNACK")


def subscribe_waiting(client, topic, qos):
    done = threading.Event()
    client.on_subscribe = lambda c, u, mid, granted: done.set()
    client.subscribe(topic, qos)
    if not done.wait(30):
        raise RuntimeError("no SUBACK")


def end(client):
    client.disconnect()
    client.loop_stop()


def run_sub(task):
    client = new_client(task)
    state = {"received": 0, "bytes": 0, "firstAt": 0.0, "lastAt": 0.0}
    complete = threading.Event()

    def on_message(c, u, msg):
        state["lastAt"] = epoch_ms()
        if state["received"] == 0:
            state["firstAt"] = state["lastAt"]
        state["received"] += 1
        state["bytes"] += len(msg.payload)
        if state["received"] == task["count"]:
            complete.set()

    client.on_message = on_message
    connect_started(client, task)
    subscribe_waiting(client, task["topic"], task["qos"])
    start = cpu_us()
    emit({"type": "ready"})
    while not complete.wait(0.1):
        if FINISHED.is_set():
            settle(lambda: state["received"], task["count"], 2.0)
            break
    result = {"role": "sub", **state, **usage_since(start)}
    end(client)
    return result


def settle(progress, count, idle_s):
    last, idle_since = progress(), time.monotonic()
    while progress() < count and time.monotonic() - idle_since < idle_s:
        time.sleep(0.1)
        if progress() != last:
            last, idle_since = progress(), time.monotonic()


def run_pub(task):
    burst = task["burst"]
    client = new_client(task, None if burst else task["window"])
    payload = b"a" * task["payloadBytes"]
    count, qos, topic = task["count"], task["qos"], task["topic"]
    acked = {"n": 0}
    all_acked = threading.Event()
    window = threading.Semaphore(count if task["window"] == 0 or burst else task["window"])

    def on_publish(c, u, mid):
        if qos == 0:
            return
        acked["n"] += 1
        window.release()
        if acked["n"] == count:
            all_acked.set()

    client.on_publish = on_publish
    connect_started(client, task)
    start = cpu_us()
    first_at = epoch_ms()
    if qos == 0:
        for i in range(count):
            client.publish(topic, payload, 0)
            if (i + 1) % task["chunk"] == 0:
                time.sleep(0)
    else:
        for _ in range(count):
            if not burst:
                window.acquire()
            client.publish(topic, payload, qos)
        all_acked.wait(600)
    emit({"type": "published"})
    FINISHED.wait()
    end(client)
    return {"role": "pub", "sent": count, "firstAt": first_at, "doneAt": epoch_ms(), **usage_since(start)}


def run_responder(task):
    client = new_client(task)
    answered = {"n": 0}

    def on_message(c, u, msg):
        answered["n"] += 1
        c.publish(task["replyTopic"], msg.payload, task["qos"])

    client.on_message = on_message
    connect_started(client, task)
    subscribe_waiting(client, task["topic"], task["qos"])
    start = cpu_us()
    emit({"type": "ready"})
    FINISHED.wait()
    result = {"role": "responder", "answered": answered["n"], **usage_since(start)}
    end(client)
    return result


def run_requester(task):
    client = new_client(task)
    replied = threading.Event()
    client.on_message = lambda c, u, msg: replied.set()
    connect_started(client, task)
    subscribe_waiting(client, task["replyTopic"], task["qos"])
    payload = b"a" * task["payloadBytes"]
    samples = []
    start = cpu_us()
    deadline = float("inf")
    for i in range(task["warmup"] + task["count"]):
        if time.monotonic() >= deadline:
            break
        if i == task["warmup"]:
            start = cpu_us()
            deadline = time.monotonic() + task["maxMs"] / 1000
        replied.clear()
        t0 = time.perf_counter()
        client.publish(task["topic"], payload, task["qos"])
        if not replied.wait(30):
            raise RuntimeError("no reply")
        if i >= task["warmup"]:
            samples.append((time.perf_counter() - t0) * 1e6)
    usage = usage_since(start)
    end(client)
    samples.sort()
    return {"role": "requester", "samplesUs": samples, **usage}


def run_many(task):
    """Connects in one thread, driving each client's loop() until its CONNACK (and SUBACK), no network thread."""
    # loop() uses select(), which cannot watch a descriptor above 1,023, and each client holds three: more than
    # about 300 open clients cannot be served, so each is closed after its CONNACK (keptOpen false).
    connected = 0
    rss_before = rss_kb()
    start = cpu_us()
    t0 = time.perf_counter()
    for i in range(task["clients"]):
        client = new_client({**task, "clientId": "%s-%d" % (task["clientId"], i)})
        state = {"connected": False, "subscribed": False}
        client.on_connect = lambda c, u, flags, rc, s=state: s.update(connected=rc == 0)
        client.on_subscribe = lambda c, u, mid, granted, s=state: s.update(subscribed=True)
        client.connect(task["host"], task["port"], 60)
        deadline = time.monotonic() + 30
        while not state["connected"] and time.monotonic() < deadline:
            client.loop(1.0)
        if task["subscribe"]:
            client.subscribe("bench/many/%d" % i, 1)
            while not state["subscribed"] and time.monotonic() < deadline:
                client.loop(1.0)
        if not state["connected"]:
            raise RuntimeError("client %d: no CONNACK" % i)
        client.disconnect()
        client.loop(0.01)
        # Its socketpair lives as long as the object: dropping it (refcount) closes both descriptors.
        connected += 1
    elapsed_ms = (time.perf_counter() - t0) * 1000
    rss_after = rss_kb()
    usage = usage_since(start)
    return {
        "role": "many",
        "connected": connected,
        "elapsedMs": elapsed_ms,
        "rssBeforeKb": rss_before,
        "rssAfterKb": rss_after,
        "keptOpen": False,
        **usage,
    }


def run_import(task):
    return {"role": "import", "importMs": IMPORT_MS, "rssDeltaKb": IMPORT_RSS_KB, **usage_since(0)}


ROLES = {
    "sub": run_sub,
    "pub": run_pub,
    "responder": run_responder,
    "requester": run_requester,
    "many": run_many,
    "import": run_import,
}


def main():
    try:
        task = json.loads(sys.argv[1])
        threading.Thread(target=watch_stdin, daemon=True).start()
        result = ROLES[task["role"]](task)
        emit({"type": "result", "result": result})
        code = 0
    except Exception as error:  # reported to the harness, which fails the trial
        emit({"type": "error", "message": "%s: %s" % (type(error).__name__, error)})
        code = 1
    sys.stdout.flush()
    os._exit(code)


main()
