#!/usr/bin/env bash
# The checks that need a GPU, in one command for a machine lent for a few minutes: unpacks the bundle of
# bench/pack_for_device.sh (a CUDA build made elsewhere) and runs, each stage under its own time limit,
#   info       the GPU, its driver and what libswflow sees (swf_context_describe through swf-bench)
#   cuda       the CUDA tests (gtest filter Cuda*: every kernel against the CPU, flows against the CPU backend)
#   bench      bench/run_gpu.sh: the step at the three sizes of the design next to torch on the same GPU,
#              with the floors of DESIGN.md section 6 and a cross-check of libswflow's CUDA step against torch
#   tests      every test program of the bundle (with a GPU there, SWF_BACKEND_AUTO runs on it)
#   memcheck   compute-sanitizer --tool memcheck over the CUDA tests
#   racecheck  compute-sanitizer --tool racecheck over the tests of the shared-memory (on-chip) kernels
# Logs and the benchmark report go to $OUT (default ./device-out); a one-line verdict per stage is printed last.
#
# usage: bench/device_check.sh [BUNDLE] [STAGE...]   (default: .device/bundle.tar.xz, all stages in this order)
# Environment: PYTHON (python3 with torch; default python3), and STAGE_SECONDS_<stage> to change a stage's
# limit (defaults: info 60, cuda 120, bench 240, tests 240, memcheck 240, racecheck 180).
set -uo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bundle_file="$root/.device/bundle.tar.xz"
if [[ $# -gt 0 && "$1" == *.tar.xz ]]; then
  bundle_file="$1"
  shift
fi
stages=("$@")
[[ ${#stages[@]} -gt 0 ]] || stages=(info cuda bench tests memcheck racecheck)
out="${OUT:-$root/device-out}"
mkdir -p "$out"
python="${PYTHON:-python3}"

work="$(mktemp -d)"
tar -C "$work" -xJf "$bundle_file" || { echo "device_check.sh: cannot unpack $bundle_file" >&2; exit 1; }
bundle="$work/bundle"
bin="$bundle/bin"
# The machine's C++ runtime when it is at least g++ 12's (GLIBCXX_3.4.30), else the bundle's.
libraries="$bundle/lib"
system_cxx="$(ldconfig -p 2>/dev/null | awk '/libstdc\+\+\.so\.6 / {print $NF; exit}')"
if [[ -z "$system_cxx" ]] || ! grep -qa 'GLIBCXX_3\.4\.30' "$system_cxx"; then libraries="$libraries:$bundle/lib-cxx"; fi
export LD_LIBRARY_PATH="$libraries${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
export OMP_NUM_THREADS="${OMP_NUM_THREADS:-8}"
sanitizer="$(command -v compute-sanitizer || ls /usr/local/cuda/bin/compute-sanitizer 2>/dev/null || true)"

declare -A verdict
limit() { local name="STAGE_SECONDS_$1"; echo "${!name:-$2}"; }

# run_stage NAME DEFAULT_SECONDS COMMAND...: the command's output into $out/NAME.log, its status kept.
run_stage() {
  local name="$1" seconds
  seconds="$(limit "$1" "$2")"
  shift 2
  local start=$SECONDS
  echo "== $name (limit ${seconds} s): $*" | tee -a "$out/summary.txt"
  timeout --kill-after=10 "$seconds" "$@" >"$out/$name.log" 2>&1
  local status=$?
  local took=$((SECONDS - start))
  case $status in
    0) verdict[$name]="ok (${took} s)" ;;
    124|137) verdict[$name]="TIMED OUT after ${took} s (limit ${seconds} s)" ;;
    *) verdict[$name]="FAILED with status $status (${took} s)" ;;
  esac
  tail -n 25 "$out/$name.log"
  echo "== $name: ${verdict[$name]}" | tee -a "$out/summary.txt"
}

info() {
  echo "commit: $(cat "$bundle/COMMIT")"
  nvidia-smi || true
  nvidia-smi --query-gpu=name,driver_version,clocks.sm,clocks.mem,temperature.gpu,power.draw --format=csv || true
  echo "LD_LIBRARY_PATH=$LD_LIBRARY_PATH"
  "$bin/swf-bench" --backend cuda --ops sw --case 1000,1000,3,16 --repeats 1
}

gtest_all() {
  local status=0
  for program in swflow_tests swflow_jko_tests swflow_learned_flow_tests; do
    "$bin/$program" --gtest_brief=1 "$@" || status=1
  done
  "$bin/c_api_test" || status=1
  return $status
}

export -f info gtest_all
export bin bundle

on_chip_tests='CudaBackendTest.*Sort*:CudaBackendTest.Transport*:CudaBackendTest.Wasserstein1d*'

for stage in "${stages[@]}"; do
  case "$stage" in
    info) run_stage info 60 bash -c info ;;
    cuda) run_stage cuda 120 "$bin/swflow_tests" --gtest_filter='Cuda*' ;;
    bench) run_stage bench 240 bash "$root/bench/run_gpu.sh" "$bundle" --report "$out/gpu-bench.md" ;;
    tests) run_stage tests 240 bash -c gtest_all ;;
    memcheck)
      if [[ -n "$sanitizer" ]]; then
        run_stage memcheck 240 "$sanitizer" --tool memcheck --error-exitcode 9 "$bin/swflow_tests" --gtest_filter='Cuda*'
      else verdict[memcheck]="skipped: no compute-sanitizer"; fi ;;
    racecheck)
      if [[ -n "$sanitizer" ]]; then
        run_stage racecheck 180 "$sanitizer" --tool racecheck --error-exitcode 9 "$bin/swflow_tests" \
          --gtest_filter="$on_chip_tests"
      else verdict[racecheck]="skipped: no compute-sanitizer"; fi ;;
    *) echo "device_check.sh: unknown stage '$stage'" >&2; verdict[$stage]="unknown stage" ;;
  esac
done

echo
echo "device_check.sh verdicts ($(date '+%F %T %Z'), commit $(head -n1 "$bundle/COMMIT")):" | tee -a "$out/summary.txt"
for stage in "${stages[@]}"; do echo "  $stage: ${verdict[$stage]:-not run}" | tee -a "$out/summary.txt"; done
rm -rf "$work"
