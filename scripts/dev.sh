#!/usr/bin/env bash
# The two quick-start commands, on a fresh Debian/Ubuntu machine with Node.js 20+:
#   bash scripts/dev.sh demo   installs what is missing, then runs the demo against a local Mosquitto
#   bash scripts/dev.sh test   installs what is missing, then typechecks, lints, builds and runs every test,
#                              then a 60-second fuzz run and a 60-second soak
# `.ci/run` runs `bash scripts/dev.sh test`.
set -euo pipefail
cd "$(dirname "$0")/.."

need_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

install_system_packages() {
  local missing=()
  { command -v mosquitto >/dev/null 2>&1 || [ -x /usr/sbin/mosquitto ]; } || missing+=(mosquitto)
  if [ "${1:-}" = test ]; then
    # mosquitto_sub is the CLI tests' reference (mosquitto_passwd, from the mosquitto package, makes the
    # broker catalogue's password file), openssl makes the test certificates, and Chromium runs the browser test.
    command -v mosquitto_sub >/dev/null 2>&1 || missing+=(mosquitto-clients)
    command -v openssl >/dev/null 2>&1 || missing+=(openssl)
    [ -x /usr/bin/chromium ] || missing+=(chromium)
    # The broker catalogue (test/brokers) starts its own ejabberd, RabbitMQ and Redis (for Aedes) on loopback.
    [ -x /usr/sbin/ejabberdctl ] || missing+=(ejabberd)
    [ -x /usr/lib/rabbitmq/bin/rabbitmq-server ] || missing+=(rabbitmq-server)
    [ -x /usr/bin/redis-server ] || missing+=(redis-server)
  fi
  if [ ${#missing[@]} -gt 0 ]; then
    if ! command -v apt-get >/dev/null 2>&1; then
      echo "steady-mqtt: please install ${missing[*]} (macOS: brew install mosquitto)" >&2
      exit 1
    fi
    echo "steady-mqtt: installing ${missing[*]} with apt-get"
    export DEBIAN_FRONTEND=noninteractive
    # The brokers' packages would start system services listening beyond loopback; the tests start their own.
    # A policy-rc.d that denies every start keeps them stopped during the install (only one the script made is
    # removed afterwards).
    local made_policy=
    if [ ! -e /usr/sbin/policy-rc.d ]; then
      need_root sh -c 'printf "#!/bin/sh\nexit 101\n" > /usr/sbin/policy-rc.d && chmod 755 /usr/sbin/policy-rc.d'
      made_policy=1
    fi
    need_root apt-get update -qq
    need_root apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    if [ -n "$made_policy" ]; then need_root rm -f /usr/sbin/policy-rc.d; fi
  fi
  # Debian installs the broker in /usr/sbin, which a non-login shell may not have on PATH.
  export PATH="$PATH:/usr/sbin"
}

install_node_modules() {
  if [ ! -d node_modules ] || [ -n "${CI:-}" ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    # The registry sometimes stalls a download (EIDLETIMEOUT): try again a few times before giving up.
    local attempt
    for attempt in 1 2 3; do
      if npm ci --no-audit --no-fund --fetch-retries=5 --fetch-timeout=120000; then return 0; fi
      echo "steady-mqtt: npm ci failed (attempt $attempt of 3)" >&2
      sleep $((attempt * 10))
    done
    return 1
  fi
}

case "${1:-}" in
  demo)
    install_system_packages demo
    install_node_modules
    npm run demo
    ;;
  test)
    install_system_packages test
    install_node_modules
    node --version
    npm run typecheck
    npm run lint
    npm run build
    npm test
    # The same test files under Bun and Deno (devDependencies; about 80 s).
    npm run test:runtimes
    # Issue 15: a 60-second run of both fuzz targets (side by side) and a 60-second soak with connection cuts.
    npm run fuzz -- --minutes 1
    npm run soak -- --minutes 1
    ;;
  *)
    echo "usage: bash scripts/dev.sh demo|test" >&2
    exit 2
    ;;
esac
