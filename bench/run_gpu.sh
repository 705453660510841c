#!/usr/bin/env bash
# Runs the GPU benchmark: the flow step of libswflow's CUDA backend (swf-bench --backend cuda, float32 and TF32
# GEMMs) next to the same step in torch on the same GPU (peers.py --device cuda, torch.sort), with the GPU's
# ceilings measured in the same run (gpu_ceilings.py) and the floors of DESIGN.md section 6 (report_gpu.py),
# and cross-checks libswflow's CUDA step and SW2 against torch on the GPU. Prints a markdown report.
# Builds nothing.
#
# usage: bench/run_gpu.sh [DIR] [--case N,M,d,L]... [--repeats R] [--warmup W] [--no-tf32] [--no-crosscheck]
#                         [--report FILE]
#   DIR       a CUDA build directory (bench/swf-bench, libswflow.so) or an unpacked bundle of
#             bench/pack_for_device.sh (bin/swf-bench, lib/libswflow.so.0); default build-cuda
#   --case    repeatable; default the three sizes of the design: 65536,65536,784,1000
#             1000000,1000000,3,256 16384,16384,64,4096
#   --report  also write the report to FILE
# Environment: PYTHON, a python3 with torch and numpy (default python3); SWF_PROGRAM_LIBRARY_PATH and
# SWF_PYTHON_LIBRARY_PATH, when set, the LD_LIBRARY_PATH of swf-bench and of the python processes (device_check.sh
# sets them for a bundle: all its libraries for the programs, for python only those the machine lacks).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
command_line="$0${*:+ $*}"
dir="$root/build-cuda"
if [[ $# -gt 0 && "$1" != --* ]]; then
  dir="$1"
  shift
fi
repeats=5
warmup=1
tf32=1
crosscheck=1
report=""
cases=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --case) cases+=(--case "$2"); shift 2 ;;
    --repeats) repeats="$2"; shift 2 ;;
    --warmup) warmup="$2"; shift 2 ;;
    --no-tf32) tf32=0; shift ;;
    --no-crosscheck) crosscheck=0; shift ;;
    --report) report="$2"; shift 2 ;;
    -h|--help) sed -n '2,16p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "run_gpu.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done
[[ ${#cases[@]} -gt 0 ]] ||
  cases=(--case 65536,65536,784,1000 --case 1000000,1000000,3,256 --case 16384,16384,64,4096)

if [[ -x "$dir/bin/swf-bench" ]]; then
  bench="$dir/bin/swf-bench" lib="$dir/lib/libswflow.so.0" commit="$(head -n1 "$dir/COMMIT" 2>/dev/null || echo unknown)"
else
  bench="$dir/bench/swf-bench" lib="$dir/libswflow.so" commit="$(git -C "$root" rev-parse HEAD 2>/dev/null || echo unknown)"
fi
[[ -x "$bench" ]] || { echo "run_gpu.sh: no swf-bench in $dir" >&2; exit 1; }
python="${PYTHON:-python3}"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
common=(--repeats "$repeats" --warmup "$warmup" --ops step "${cases[@]}")

program_env=(env "LD_LIBRARY_PATH=${SWF_PROGRAM_LIBRARY_PATH-${LD_LIBRARY_PATH:-}}")
python_env=(env "LD_LIBRARY_PATH=${SWF_PYTHON_LIBRARY_PATH-${LD_LIBRARY_PATH:-}}" PYTHONUNBUFFERED=1)
# Each part's output also goes to stderr as it ends: a run stopped by a time limit keeps what it measured.
show() { echo "--- $1" >&2; cat "$tmp/$1" >&2; }

status=0
"${python_env[@]}" "$python" "$here/gpu_ceilings.py" >"$tmp/ceilings.csv" 2>"$tmp/ceilings.err" || status=1
show ceilings.csv
"${program_env[@]}" "$bench" --backend cuda "${common[@]}" >"$tmp/lib.csv" 2>"$tmp/lib.err" || status=1
show lib.csv
if [[ $tf32 -eq 1 ]]; then
  "${program_env[@]}" "$bench" --backend cuda --tf32 "${common[@]}" --no-header >"$tmp/lib-tf32.csv" \
    2>>"$tmp/lib.err" || status=1
  show lib-tf32.csv
else
  : >"$tmp/lib-tf32.csv"
fi
check=()
[[ $crosscheck -eq 1 ]] && check=(--crosscheck "$lib" --crosscheck-backend cuda)
"${python_env[@]}" "$python" "$here/peers.py" --device cuda --impl torch "${common[@]}" "${check[@]}" \
  >"$tmp/peers.csv" 2>"$tmp/peers.err" || status=1
show peers.csv

{
  echo "# libswflow GPU benchmark"
  echo
  echo "- date: $(date '+%F %T %Z')"
  echo "- GPU: $(nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader 2>/dev/null || echo unknown)"
  echo "- host: $(lscpu 2>/dev/null | sed -n 's/^Model name:[[:space:]]*//p' | head -n1), nproc $(nproc)"
  echo "- commit: ${commit}"
  echo "- command: \`${command_line}\`; warm-up ${warmup}, median of ${repeats}"
  echo
  "$python" "$here/report_gpu.py" "$tmp/ceilings.csv" "$tmp/lib.csv" "$tmp/lib-tf32.csv" "$tmp/peers.csv" ||
    echo "(report_gpu.py failed)"
  for f in ceilings.err lib.err peers.err; do
    if [[ -s "$tmp/$f" ]]; then
      echo
      echo "stderr of ${f%.err}:"
      echo '```'
      cat "$tmp/$f"
      echo '```'
    fi
  done
  [[ $status -eq 0 ]] || echo "(a step of the run failed: see above)"
} | if [[ -n "$report" ]]; then tee "$report"; else cat; fi
if grep -q 'MISMATCH' "$tmp/peers.csv"; then status=1; fi
exit $status
