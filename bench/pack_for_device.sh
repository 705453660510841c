#!/usr/bin/env bash
# Packs a CUDA build for a machine with a GPU that has the CUDA runtime and a driver but not this project's
# build dependencies (HDF5, OpenBLAS, GoogleTest): the library, the test programs, swf-run and swf-bench,
# and the shared libraries they need that are neither glibc's nor CUDA's (the GPU machine has its own), in
# one xz-compressed tar that bench/device_check.sh unpacks.
#
# usage: bench/pack_for_device.sh [BUILD_DIR] [OUT_DIR]
#   BUILD_DIR  a build configured with -DSWF_ENABLE_CUDA=ON and built (default: build-cuda)
#   OUT_DIR    where bundle.tar.xz is written (default: .device, which .gitignore ignores)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${1:-$root/build-cuda}"
out="${2:-$root/.device}"
[[ -f "$build/libswflow.so" ]] || { echo "pack_for_device.sh: no libswflow.so in $build: build it first" >&2; exit 1; }
grep -q '^SWF_ENABLE_CUDA:STRING=ON' "$build/CMakeCache.txt" ||
  { echo "pack_for_device.sh: $build is not a -DSWF_ENABLE_CUDA=ON build" >&2; exit 1; }

stage="$(mktemp -d)"
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage/bundle/bin" "$stage/bundle/lib" "$stage/bundle/lib-cxx" "$out"
programs=(tests/swflow_tests tests/swflow_jko_tests tests/swflow_learned_flow_tests tests/c_api_test tools/swf-run
          bench/swf-bench)
for p in "${programs[@]}"; do cp "$build/$p" "$stage/bundle/bin/"; done
cp -P "$build"/libswflow.so* "$stage/bundle/lib/"

# Every library the programs load, except glibc's (the GPU machine's is newer and must be used), CUDA's and
# libswflow itself. The C++ runtime goes apart (lib-cxx): device_check.sh uses it only where the machine's is
# older than g++'s here, since a newer one serves these programs and is what torch there needs.
skip='/(libc|libm|libmvec|libdl|librt|libpthread|libresolv|ld-linux-x86-64|libswflow)\.so|/usr/local/cuda|libcuda\.so'
for p in "${programs[@]}" libswflow.so; do ldd "$build/$p"; done | awk '$2 == "=>" && $3 ~ /^\// {print $3}' |
  sort -u | grep -Ev "$skip" | while read -r library; do
    case "$(basename "$library")" in
      libstdc++.so.*|libgcc_s.so.*) cp -L "$library" "$stage/bundle/lib-cxx/" ;;
      *) cp -L "$library" "$stage/bundle/lib/" ;;
    esac
  done

git -C "$root" rev-parse HEAD >"$stage/bundle/COMMIT"
git -C "$root" status --porcelain --untracked-files=no | sed 's/^/dirty: /' >>"$stage/bundle/COMMIT"
tar -C "$stage" -cJf "$out/bundle.tar.xz" bundle
echo "pack_for_device.sh: $(du -h "$out/bundle.tar.xz" | cut -f1) in $out/bundle.tar.xz ($(ls "$stage/bundle/lib" | wc -l) libraries)"
