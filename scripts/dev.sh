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
    # mosquitto_sub is the CLI tests' reference, openssl makes the test certificates, and Chromium runs the
    # browser test.
    command -v mosquitto_sub >/dev/null 2>&1 || missing+=(mosquitto-clients)
    command -v openssl >/dev/null 2>&1 || missing+=(openssl)
    [ -x /usr/bin/chromium ] || missing+=(chromium)
  fi
  if [ ${#missing[@]} -gt 0 ]; then
    if ! command -v apt-get >/dev/null 2>&1; then
      echo "steady-mqtt: please install ${missing[*]} (macOS: brew install mosquitto)" >&2
      exit 1
    fi
    echo "steady-mqtt: installing ${missing[*]} with apt-get"
    export DEBIAN_FRONTEND=noninteractive
    need_root apt-get update -qq
    need_root apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
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
