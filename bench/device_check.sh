#!/usr/bin/env bash
# The checks that need a GPU, in one command for a machine lent for a few minutes: unpacks the bundle of
# bench/pack_for_device.sh (a CUDA build made elsewhere) and runs these stages, in this order, each under a
# time limit cut to what is left of an overall deadline:
#   info       the GPU, its driver, the libraries found, and what libswflow sees (swf_context_describe)
#   cuda       the CUDA tests (gtest filter Cuda*: every kernel against the CPU, flows against the CPU backend)
#   bench      bench/run_gpu.sh: the step at the three sizes of the design next to torch on the same GPU,
#              with the floors of DESIGN.md section 6 and a cross-check of libswflow's CUDA step against torch
#   memcheck   compute-sanitizer --tool memcheck over the CUDA tests (those that exhaust the memory on
#              purpose left out)
#   racecheck  compute-sanitizer --tool racecheck over the tests of the shared-memory (on-chip) kernels
#   tests      (only when named) every test program of the bundle; with a GPU, SWF_BACKEND_AUTO runs on it
# A CUDA stage whose log shows a skipped test counts as failed: on a GPU machine no CUDA test may skip (in
# `tests`, ApiErrors.CudaWithoutADeviceIsNoDevice skips there, as it should). Logs and the
# benchmark report go to $OUT (default ./device-out): summary.txt, <stage>.log, gpu-bench.md.
#
# usage: bench/device_check.sh [BUNDLE.tar.xz] [STAGE...]   (default: .device/bundle.tar.xz, the first five)
# Environment: PYTHON (a python3 with torch; default python3), DEADLINE_SECONDS (540), and
# STAGE_SECONDS_<stage> for a stage's own limit (info 30, cuda 90, bench 240, memcheck 120, racecheck 60,
# tests 240).
set -uo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bundle_file="$root/.device/bundle.tar.xz"
if [[ $# -gt 0 && "$1" == *.tar.xz ]]; then
  bundle_file="$1"
  shift
fi
stages=("$@")
[[ ${#stages[@]} -gt 0 ]] || stages=(info cuda bench memcheck racecheck)
out="${OUT:-$root/device-out}"
mkdir -p "$out"
deadline=$((SECONDS + ${DEADLINE_SECONDS:-540}))

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
if ! tar -C "$work" -xJf "$bundle_file" 2>/dev/null; then
  # No xz program: Python's tarfile reads the format.
  "${PYTHON:-python3}" -c 'import sys, tarfile; tarfile.open(sys.argv[1], "r:xz").extractall(sys.argv[2])' \
    "$bundle_file" "$work" || { echo "device_check.sh: cannot unpack $bundle_file" | tee "$out/summary.txt"; exit 1; }
fi
bundle="$work/bundle"
bin="$bundle/bin"

# Library paths. The programs get all of the bundle's libraries (they were linked against them) and the C++
# runtime of g++ 12 only when the machine's is older (it lacks GLIBCXX_3.4.30); python (torch) gets only those
# the machine lacks, so that none of the bundle's older copies replaces one it loads. CUDA's own libraries are
# the machine's: /usr/local/cuda, else the nvidia-* wheels beside torch.
ldconfig_cache="$( (ldconfig -p || /sbin/ldconfig -p) 2>/dev/null)"
has_library() { grep -q "^[[:space:]]*$1 " <<<"$ldconfig_cache"; }
mkdir -p "$bundle/lib-missing"
for library in "$bundle"/lib/*.so*; do
  name="$(basename "$library")"
  has_library "$name" || ln -s "$library" "$bundle/lib-missing/$name"
done
cuda_paths=""
if ! has_library libcublas.so.13; then
  for candidate in /usr/local/cuda/lib64 /usr/local/cuda/lib \
    $("${PYTHON:-python3}" -c 'import glob, os, torch; print(" ".join(glob.glob(os.path.join(os.path.dirname(os.path.dirname(torch.__file__)), "nvidia", "*", "lib"))))' 2>/dev/null); do
    [[ -d "$candidate" ]] && cuda_paths="${cuda_paths:+$cuda_paths:}$candidate"
  done
fi
system_cxx="$(awk '/libstdc\+\+\.so\.6 / {print $NF; exit}' <<<"$ldconfig_cache")"
program_path="$bundle/lib"
if [[ -z "$system_cxx" ]] || ! grep -qa 'GLIBCXX_3\.4\.30' "$system_cxx"; then program_path="$program_path:$bundle/lib-cxx"; fi
program_path="$program_path${cuda_paths:+:$cuda_paths}"
export SWF_PROGRAM_LIBRARY_PATH="$program_path${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
export SWF_PYTHON_LIBRARY_PATH="$bundle/lib-missing${cuda_paths:+:$cuda_paths}${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
export OMP_NUM_THREADS="${OMP_NUM_THREADS:-8}"
sanitizer="$(command -v compute-sanitizer || ls /usr/local/cuda/bin/compute-sanitizer 2>/dev/null || true)"

declare -A verdict
# run_stage NAME DEFAULT_SECONDS COMMAND...: the command's output into $out/NAME.log, its verdict kept.
run_stage() {
  local name="$1" own="STAGE_SECONDS_$1"
  local seconds="${!own:-$2}" left=$((deadline - SECONDS))
  shift 2
  ((seconds > left)) && seconds=$left
  if ((seconds < 5)); then
    verdict[$name]="not run: the deadline has passed"
    return
  fi
  local start=$SECONDS
  echo "== $name (limit ${seconds} s): $*" | tee -a "$out/summary.txt"
  timeout --kill-after=5 "$seconds" "$@" >"$out/$name.log" 2>&1
  local status=$? took=$((SECONDS - start))
  case $status in
    0) verdict[$name]="ok (${took} s)" ;;
    124|137) verdict[$name]="TIMED OUT after ${took} s (limit ${seconds} s)" ;;
    *) verdict[$name]="FAILED with status $status (${took} s)" ;;
  esac
  if [[ $status -eq 0 && $name != tests ]] && grep -q '\[  SKIPPED \]' "$out/$name.log"; then
    verdict[$name]="FAILED: tests skipped ($(grep -c '\[  SKIPPED \]' "$out/$name.log") lines; ${took} s)"
  fi
  tail -n 15 "$out/$name.log"
  echo "== $name: ${verdict[$name]}" | tee -a "$out/summary.txt"
}

program() { env "LD_LIBRARY_PATH=$SWF_PROGRAM_LIBRARY_PATH" "$@"; }
with_libraries=(env "LD_LIBRARY_PATH=$SWF_PROGRAM_LIBRARY_PATH")  # the same, for commands run by timeout

info() {
  echo "commit: $(cat "$bundle/COMMIT")"
  nvidia-smi || true
  nvidia-smi --query-gpu=name,driver_version,clocks.sm,clocks.mem,temperature.gpu,power.draw --format=csv || true
  echo "programs' LD_LIBRARY_PATH=$SWF_PROGRAM_LIBRARY_PATH"
  echo "python's LD_LIBRARY_PATH=$SWF_PYTHON_LIBRARY_PATH"
  echo "libraries the machine lacks: $(ls "$bundle/lib-missing" | tr '\n' ' ')"
  echo "unresolved for libswflow and the tests:"
  program ldd "$bundle/lib/libswflow.so.0" "$bin/swflow_tests" | grep 'not found' || echo "  none"
  program "$bin/swf-bench" --backend cuda --ops sw --case 1000,1000,3,16 --repeats 1
}

gtest_all() {
  local status=0
  for name in swflow_tests swflow_jko_tests swflow_learned_flow_tests; do
    program "$bin/$name" --gtest_brief=1 || status=1
  done
  program "$bin/c_api_test" || status=1
  return $status
}

export -f info gtest_all program
export bin bundle
on_chip_tests='CudaBackendTest.*Sort*:CudaBackendTest.Transport*:CudaBackendTest.Wasserstein1d*'
sanitize=(--error-exitcode 9 --print-limit 100)

for stage in "${stages[@]}"; do
  case "$stage" in
    info) run_stage info 30 bash -c info ;;
    cuda) run_stage cuda 90 "${with_libraries[@]}" "$bin/swflow_tests" --gtest_filter='Cuda*' ;;
    bench) run_stage bench 240 bash "$root/bench/run_gpu.sh" "$bundle" --report "$out/gpu-bench.md" ;;
    memcheck)
      if [[ -n "$sanitizer" ]]; then
        run_stage memcheck 120 "${with_libraries[@]}" "$sanitizer" --tool memcheck "${sanitize[@]}" "$bin/swflow_tests" \
          --gtest_filter='Cuda*:-*OutOfMemory*'
      else verdict[memcheck]="not run: no compute-sanitizer"; fi ;;
    racecheck)
      if [[ -n "$sanitizer" ]]; then
        run_stage racecheck 60 "${with_libraries[@]}" "$sanitizer" --tool racecheck "${sanitize[@]}" "$bin/swflow_tests" \
          --gtest_filter="$on_chip_tests"
      else verdict[racecheck]="not run: no compute-sanitizer"; fi ;;
    tests) run_stage tests 240 bash -c gtest_all ;;
    *) echo "device_check.sh: unknown stage '$stage'" >&2; verdict[$stage]="unknown stage" ;;
  esac
done

echo
echo "device_check.sh verdicts ($(date '+%F %T %Z'), commit $(head -n1 "$bundle/COMMIT")):" | tee -a "$out/summary.txt"
for stage in "${stages[@]}"; do echo "  $stage: ${verdict[$stage]:-not run}" | tee -a "$out/summary.txt"; done
