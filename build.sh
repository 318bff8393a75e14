#!/usr/bin/env bash
# ThreadLab's one script: installs what is missing, builds the threaded wasm, serves the page, runs the tests.
#
#   ./build.sh serve [--port N]   install what is missing, build, serve www/ on 127.0.0.1 (default port 8000)
#   ./build.sh test               install what is missing (also Chromium, Firefox, WebKit), then every check and test
#   ./build.sh build              install what is missing and build www/pkg only
#   ./build.sh bench [--reps N]   build, then print benchmark figures (also in bench-results/latest.json)
#   ./build.sh -h                 this help
#
# Every step prints one line. Installing is idempotent: a second run says "present" and installs nothing.
set -euo pipefail
cd "$(dirname "$0")"

usage() { sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'; }
step() { printf '==> %s\n' "$*"; }
die() { printf 'build.sh: %s\n' "$*" >&2; exit 1; }

# The nightly the threaded build needs lives in rust-toolchain.toml; the wasm-bindgen version lives in
# Cargo.toml (an exact `=` pin). Both are read from there, so each is pinned in exactly one place.
TOOLCHAIN=$(sed -n 's/^channel *= *"\(.*\)"/\1/p' rust-toolchain.toml)
BINDGEN_VERSION=$(sed -n 's/^wasm-bindgen *= *"=\([0-9.]*\)"/\1/p' Cargo.toml)
[ -n "$TOOLCHAIN" ] || die "no channel found in rust-toolchain.toml"
[ -n "$BINDGEN_VERSION" ] || die "no exact wasm-bindgen pin (\"=x.y.z\") found in Cargo.toml"
WASM_TARGET=wasm32-unknown-unknown
# build-std rebuilds std with atomics; it is passed here, not in .cargo/config.toml, so native builds of the
# pure modules don't rebuild std too.
WASM_CARGO=(cargo "+$TOOLCHAIN" -Z build-std=panic_abort,std)
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PWD/node_modules/.bin:$PATH"
export CHROMEDRIVER=${CHROMEDRIVER:-/usr/bin/chromedriver}

apt_install() {
  if [ -z "${APT_UPDATED:-}" ]; then apt-get update -qq >/dev/null; APT_UPDATED=1; fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

ensure_toolchain() {
  command -v rustup >/dev/null || die "rustup is not installed; it comes with the machine's Rust (see README.md)"
  if rustup toolchain list | grep -q "^$TOOLCHAIN"; then
    step "rust $TOOLCHAIN present"
  else
    step "installing rust $TOOLCHAIN with rust-src, rustfmt, clippy and the $WASM_TARGET target"
    rustup toolchain install "$TOOLCHAIN" --profile minimal \
      --component rust-src,rustfmt,clippy --target "$WASM_TARGET" >/dev/null
  fi
  # A toolchain installed by hand may lack a part; add only what is missing.
  local have_target have_src
  have_target=$(rustup "+$TOOLCHAIN" target list --installed)
  have_src=$(rustup "+$TOOLCHAIN" component list --installed)
  grep -q "^$WASM_TARGET" <<<"$have_target" || { step "adding target $WASM_TARGET"; rustup "+$TOOLCHAIN" target add "$WASM_TARGET" >/dev/null; }
  for c in rust-src rustfmt clippy; do
    grep -q "^$c" <<<"$have_src" || { step "adding component $c"; rustup "+$TOOLCHAIN" component add "$c" >/dev/null; }
  done
}

ensure_bindgen() {
  if [ "$(wasm-bindgen --version 2>/dev/null)" = "wasm-bindgen $BINDGEN_VERSION" ]; then
    step "wasm-bindgen-cli $BINDGEN_VERSION present"
  else
    step "installing wasm-bindgen-cli $BINDGEN_VERSION (about 3 minutes on 2 cores)"
    # Built with the machine's default toolchain, outside this folder so rust-toolchain.toml doesn't apply.
    # No --locked: its lock file pins a webpki-roots that no longer builds.
    (cd / && cargo install -q wasm-bindgen-cli --version "$BINDGEN_VERSION" --force)
  fi
}

ensure_node() {
  if command -v node >/dev/null && command -v npm >/dev/null; then
    step "node $(node --version) and npm present"
  else
    step "installing node and npm from Debian"
    apt_install nodejs npm
  fi
  # npm ci only when package-lock.json changed since the last install.
  local want have
  want=$(sha256sum package-lock.json | cut -d' ' -f1)
  have=$(cat node_modules/.threadlab-lock 2>/dev/null || true)
  if [ "$want" = "$have" ]; then
    step "npm packages (binaryen, @playwright/test, esbuild, CodeMirror, puppeteer-core, selenium-webdriver) present"
  else
    step "installing npm packages (binaryen, @playwright/test, esbuild, CodeMirror, puppeteer-core, selenium-webdriver; no browser download)"
    PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 PUPPETEER_SKIP_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error >/dev/null
    echo "$want" >node_modules/.threadlab-lock
  fi
}

ensure_chromium() {
  if command -v chromium >/dev/null && command -v chromedriver >/dev/null; then
    step "chromium and chromedriver present"
  else
    step "installing Debian's chromium and chromium-driver (about 1 minute)"
    apt_install chromium chromium-driver
  fi
}

# Firefox and WebKit for the representative suite (tests/browsers/): stock browsers from Debian, driven
# over WebDriver BiDi (Firefox) and classic WebDriver (WebKitWebDriver, MiniBrowser in Xvfb).
ensure_other_browsers() {
  if command -v firefox-esr >/dev/null; then
    step "firefox-esr present"
  else
    step "installing Debian's firefox-esr (about 1 minute)"
    apt_install firefox-esr
  fi
  if command -v WebKitWebDriver >/dev/null && command -v Xvfb >/dev/null; then
    step "webkit2gtk-driver and xvfb present"
  else
    step "installing Debian's webkit2gtk-driver and xvfb (about 1 minute)"
    apt_install webkit2gtk-driver xvfb
  fi
}

ensure_all() {
  ensure_toolchain
  ensure_bindgen
  ensure_node
}

build() {
  step "building the threaded wasm (release)"
  "${WASM_CARGO[@]}" build --quiet --release --target "$WASM_TARGET"
  step "generating JS bindings into www/pkg"
  rm -rf www/pkg
  wasm-bindgen --target web --out-dir www/pkg --no-typescript \
    "target/$WASM_TARGET/release/threadlab.wasm"
  # Cheap check of a good build: without a shared memory the pool fails at run time, so stop here instead.
  grep -q 'shared: *true' www/pkg/threadlab.js ||
    die "the module's memory is not shared: a linker flag from .cargo/config.toml did not apply"
  step "optimising with wasm-opt -O3 (npm binaryen; Debian's breaks the module)"
  wasm-opt -O3 --enable-threads --enable-bulk-memory --enable-mutable-globals \
    --enable-nontrapping-float-to-int --enable-sign-ext --enable-reference-types --enable-multivalue \
    www/pkg/threadlab_bg.wasm -o www/pkg/threadlab_bg.wasm
  # The file real-network downloads fetch by default: 100 MB, the most any download may ask for.
  if [ "$(stat -c %s www/files/data.bin 2>/dev/null || echo 0)" != 100000000 ]; then
    step "writing www/files/data.bin (100 MB) for real-network downloads"
    mkdir -p www/files
    head -c 100000000 /dev/zero >www/files/data.bin
  fi
  local raw gz editor
  raw=$(stat -c %s www/pkg/threadlab_bg.wasm)
  gz=$(gzip -9c www/pkg/threadlab_bg.wasm | wc -c)
  step "built www/pkg: wasm $((raw / 1024)) KiB raw, $((gz / 1024)) KiB gzipped"
  # The editor's CodeMirror, bundled by esbuild (the page loads it after it is ready). Assigned first, so a
  # failed bundle stops the build (set -e doesn't see a failure inside an argument).
  editor=$(node tools/build-editor.mjs)
  step "bundled the editor: $editor"
}

run_tests() {
  ensure_chromium
  ensure_other_browsers
  step "cargo fmt --check"
  cargo "+$TOOLCHAIN" fmt --all -- --check
  step "clippy, native, -D warnings"
  cargo "+$TOOLCHAIN" clippy --quiet --all-targets -- -D warnings
  step "clippy, wasm, -D warnings"
  "${WASM_CARGO[@]}" clippy --quiet --all-targets --target "$WASM_TARGET" -- -D warnings
  step "native tests of the pure modules"
  cargo "+$TOOLCHAIN" test --quiet
  step "wasm-bindgen tests in headless Chromium"
  "${WASM_CARGO[@]}" test --target "$WASM_TARGET"
  build
  step "end-to-end tests of the served page in headless Chromium (Playwright)"
  npx playwright test --config tests/e2e/playwright.config.mjs
  step "the representative suite in Firefox ESR and WebKitGTK, with and without shared memory (tests/browsers)"
  # Bounded: a browser that stops answering fails the step instead of holding CI (about 45 s when well).
  timeout 900 node --test-reporter=spec tests/browsers/run.mjs
}

cmd=${1:-}
[ $# -gt 0 ] && shift
case "$cmd" in
  -h | --help | help) usage ;;
  build) ensure_all; build ;;
  serve)
    port=8000
    while [ $# -gt 0 ]; do
      case "$1" in
        --port) [ $# -ge 2 ] || die "--port needs a number"; port=$2; shift 2 ;;
        *) die "unknown option for serve: $1 (try -h)" ;;
      esac
    done
    ensure_all; build
    step "serving www/ with COOP/COEP"
    exec node tools/serve.mjs --port "$port" --root www
    ;;
  test) ensure_all; run_tests ;;
  bench)
    ensure_all; ensure_chromium; ensure_other_browsers; build
    step "benchmark in headless Chromium (and the representative runs in Firefox and WebKit)"
    node tests/bench/bench.mjs "$@"
    ;;
  "") usage; exit 2 ;;
  *) usage; die "unknown command: $cmd" ;;
esac
