#!/usr/bin/env bash
# Runs the CPU benchmark: libswflow (swf-bench) next to PyTorch and POT (peers.py) on the same grid,
# and prints a markdown report (machine, commit, date, command, tables, correctness checks).
# Builds nothing: build first, e.g.  cmake -S . -B build && cmake --build build -j
#
# usage: bench/run_cpu.sh [BUILD_DIR] [--repeats R] [--warmup W] [--threads T] [--blas-threads B]
#                         [--ops step,sw,train,sample] [--case N,M,d,L]... [--model-case d,B]...
#                         [--train-particles n] [--train-frames K] [--epochs E]
#   BUILD_DIR       the CMake build directory with bench/swf-bench and libswflow.so (default: build)
#   --threads       OpenMP threads for all three (OMP_NUM_THREADS, torch.set_num_threads); default nproc
#   --blas-threads  OpenBLAS threads for all three (OPENBLAS_NUM_THREADS); default: --threads
#   --ops           default all: step, sw (flow step, SW2) and train, sample (the learned flow)
#   --case          repeatable; default the grid of swf-bench / peers.py (ops step, sw)
#   --model-case    repeatable; d,B for train / sample; default 2,512 2,1024 64,512 64,1024
#   --train-particles, --train-frames, --epochs: the training set and epochs per train call (4096, 5, 1)
#   --sliced-fraction  libswflow's share of sliced rows per minibatch (default the library's, 0.5); 0 trains
#                   on pairs only, the same work as the peers' MSE steps
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
command_line="$0${*:+ $*}"

build="build"
if [[ $# -gt 0 && "$1" != --* ]]; then
  build="$1"
  shift
fi
repeats=5
warmup=1
threads="$(nproc)"
blas_threads=""
cases=()
model_args=()
bench_only=()  # libswflow's own options, which the peers do not have
ops="step,sw,train,sample"
while [[ $# -gt 0 ]]; do
  case "$1" in
    --repeats) repeats="$2"; shift 2 ;;
    --warmup) warmup="$2"; shift 2 ;;
    --threads) threads="$2"; shift 2 ;;
    --blas-threads) blas_threads="$2"; shift 2 ;;
    --case) cases+=(--case "$2"); shift 2 ;;
    --ops) ops="$2"; shift 2 ;;
    --model-case|--train-particles|--train-frames|--epochs) model_args+=("$1" "$2"); shift 2 ;;
    --sliced-fraction) bench_only+=("$1" "$2"); shift 2 ;;
    -h|--help) sed -n '2,15p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "run_cpu.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done

blas_threads="${blas_threads:-$threads}"
[[ "$build" = /* ]] || build="$PWD/$build"
bench="$build/bench/swf-bench"
lib="$build/libswflow.so"
if [[ ! -x "$bench" ]]; then
  echo "run_cpu.sh: $bench not found: build the 'swf-bench' target first" >&2
  exit 1
fi
python="/usr/bin/python3"
[[ -x "$python" ]] || python="$(command -v python3 || true)"

cores="$(nproc --all)"  # before OMP_NUM_THREADS is exported: nproc honours it
load_before="$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown)"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

export OMP_NUM_THREADS="$threads" OPENBLAS_NUM_THREADS="$blas_threads"
common=(--repeats "$repeats" --warmup "$warmup" --ops "$ops" "${cases[@]}" "${model_args[@]}")
has_op() { [[ ",$ops," == *",$1,"* ]]; }

"$bench" "${common[@]}" "${bench_only[@]}" >"$tmp/lib.csv"
peers_status=0
crosscheck=()
if [[ -n "$python" ]]; then
  if [[ -f "$lib" ]] && { has_op step || has_op sw; }; then crosscheck=(--crosscheck "$lib"); fi
  "$python" "$here/peers.py" "${common[@]}" --threads "$threads" --blas-threads "$blas_threads" "${crosscheck[@]}" \
    >"$tmp/peers.csv" 2>"$tmp/peers.err" || peers_status=$?
else
  echo "# python3 not found" >"$tmp/peers.csv"
  : >"$tmp/peers.err"
fi

model="$(lscpu 2>/dev/null | sed -n 's/^Model name:[[:space:]]*//p' | head -n1)"
commit="$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)"
dirty=""
if [[ "$commit" != unknown && -n "$(git -C "$root" status --porcelain --untracked-files=no 2>/dev/null)" ]]; then
  dirty=" (working tree has uncommitted changes)"
fi

echo "# libswflow CPU benchmark"
echo
echo "- date: $(date '+%F %T %Z')"
echo "- machine: ${model:-unknown CPU}, nproc ${cores}, $(uname -sr)"
echo "- commit: ${commit}${dirty}"
echo "- load average (1, 5, 15 min) before the run: ${load_before}; after: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown)"
echo "- command: \`${command_line}\`"
echo "- threads: ${threads} (OMP_NUM_THREADS, torch.set_num_threads), OpenBLAS ${blas_threads} (OPENBLAS_NUM_THREADS); warm-up ${warmup}, median of ${repeats}"
sed -n 's/^# \(libswflow [0-9].*\)/- \1/p; s/^# \(peers: .*\)/- \1/p; s/^# \(torch not available.*\)/- \1/p; s/^# \(POT not available.*\)/- \1/p' \
  "$tmp/lib.csv" "$tmp/peers.csv"
echo
if has_op step || has_op sw; then
echo "Times are milliseconds per call (median). step = one flow step (L fresh Gaussian directions,"
echo "normalised velocity, h = 1, lambda = 0); sw = one SW2 with L given directions."
echo "Ratios > 1 mean libswflow is faster. POT has no flow step."
echo
awk -F, '
  /^#/ || $1 == "impl" || NF < 9 || ($2 != "step" && $2 != "sw") { next }
  {
    key = $3 "," $4 "," $5 "," $6 SUBSEP $2
    ms[$1, key] = $8
    if (!(key in seen)) { seen[key] = 1; order[++count] = key }
  }
  function cell(v) { return v == "" ? "n/a" : sprintf("%.2f", v) }
  function ratio(a, b) { return (a == "" || b == "" || b + 0 == 0) ? "n/a" : sprintf("%.2f", a / b) }
  END {
    print "| case (N, M, d, L) | op | libswflow ms | torch ms | POT ms | torch / libswflow | POT / libswflow |"
    print "| --- | --- | ---: | ---: | ---: | ---: | ---: |"
    for (i = 1; i <= count; i++) {
      split(order[i], parts, SUBSEP)
      c = parts[1]; op = parts[2]
      gsub(",", ", ", c)
      lib = ms["libswflow", order[i]]; tor = ms["torch", order[i]]; pot = ms["pot", order[i]]
      potcell = op == "step" ? "—" : cell(pot)
      potratio = op == "step" ? "—" : ratio(pot, lib)
      printf "| %s | %s | %s | %s | %s | %s | %s |\n", c, op, cell(lib), cell(tor), potcell, ratio(tor, lib), potratio
    }
  }' "$tmp/lib.csv" "$tmp/peers.csv"
echo
echo "SW2 values (same data in all three; for these Gaussians the population value is ~1.118):"
echo
awk -F, '
  /^#/ || $1 == "impl" || $2 != "sw" { next }
  { key = $3 ", " $4 ", " $5 ", " $6; v[$1, key] = $10; if (!(key in seen)) { seen[key] = 1; order[++n] = key } }
  function val(x) { return x == "" ? "n/a" : x }
  END {
    print "| case (N, M, d, L) | libswflow | torch | POT |"
    print "| --- | ---: | ---: | ---: |"
    for (i = 1; i <= n; i++)
      printf "| %s | %s | %s | %s |\n", order[i], val(v["libswflow", order[i]]), val(v["torch", order[i]]), val(v["pot", order[i]])
  }' "$tmp/lib.csv" "$tmp/peers.csv"
echo
fi
if has_op train || has_op sample; then
echo "The learned flow (width 128, depth 3, SiLU, 6 Fourier frequencies), samples per second from the"
echo "median time. train = one whole swf_model_train_trajectory call (reading the trajectory file and"
echo "assembling minibatches included, nothing subtracted) doing the Adam steps shown, samples/s ="
echo "steps x B / time; torch does the same number of steps (minibatch from an in-memory training set,"
echo "forward, MSE, backward, torch.optim.Adam). sample = one swf_model_sample of B points (torch: randn +"
echo "forward, inference mode), samples/s = B / time. Ratio > 1 means libswflow is faster."
echo
awk -F, '
  /^#/ || $1 == "impl" || NF < 10 || ($2 != "train" && $2 != "sample") { next }
  {
    key = $5 "," $3 "," $4 "," $6 SUBSEP $2
    ms[$1, key] = $8; rate[$1, key] = $10
    if (!(key in seen)) { seen[key] = 1; order[++count] = key }
  }
  function cell(v, f) { return v == "" ? "n/a" : sprintf(f, v) }
  function ratio(a, b) { return (a == "" || b == "" || b + 0 == 0) ? "n/a" : sprintf("%.2f", a / b) }
  END {
    if (count == 0) { print "(no train / sample results)"; exit }
    print "| op | d | batch B | n | Adam steps / call | libswflow ms / call | torch ms / call | libswflow samples/s | torch samples/s | libswflow / torch |"
    print "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
    for (i = 1; i <= count; i++) {
      split(order[i], parts, SUBSEP); split(parts[1], c, ",")
      op = parts[2]; k = order[i]
      lib = rate["libswflow", k]; tor = rate["torch", k]
      printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", op, c[1], c[2], op == "train" ? c[3] : "—",
        op == "train" ? c[4] : "—", cell(ms["libswflow", k], "%.2f"), cell(ms["torch", k], "%.2f"),
        cell(lib, "%.0f"), cell(tor, "%.0f"), ratio(lib, tor)
    }
  }' "$tmp/lib.csv" "$tmp/peers.csv"
echo
fi
echo "Correctness checks (peers.py; --crosscheck runs libswflow through ctypes on the same inputs):"
echo
echo '```'
if [[ ${#crosscheck[@]} -eq 0 && -f "$lib" ]]; then
  echo "(no cross-check: it covers the ops step and sw only)"
else
  grep -E '^# (check|step checks|cross-check|WARNING)' "$tmp/peers.csv" | sed 's/^# //' || echo "(none: torch unavailable or no libswflow.so in $build)"
fi
if [[ -s "$tmp/peers.err" ]]; then
  echo "peers.py stderr:"
  cat "$tmp/peers.err"
fi
[[ $peers_status -eq 0 ]] || echo "peers.py exited with status $peers_status"
echo '```'
