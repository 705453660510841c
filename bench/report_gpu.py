#!/usr/bin/env python3
"""Markdown report of a GPU benchmark run (bench/run_gpu.sh): reads the CSV of swf-bench (impls libswflow and
libswflow-tf32), of peers.py --device cuda (impl torch) and the ceiling lines of gpu_ceilings.py, all given as
files, and prints the step table with each time's ratio to the floors and to torch.

The floor of one flow step (DESIGN.md section 6: two GEMMs and L sorts of N and M floats; the sort dominates):
  floor = 2 ((N + M) d L + N L d) / R  +  64 (N + M) L / B
R the GEMM rate, B the memory bandwidth, 64 bytes per projected value the traffic of a radix sort that carries
32-bit indices (4 passes of 8-bit digits, each reading and writing a key and an index). With DESIGN's H100
figures (B = 3.0 TB/s, TF32 R = 495 TFLOP/s) it gives 3.42 ms at (65536, 65536, 784, 1000) and 10.9 ms at
(10^6, 10^6, 3, 256), where DESIGN states about 3.6 and 11 ms. Rows short enough for the fused on-chip kernel
move fewer bytes than 64 per value (about 12: the projections written and read once, the displacement written
once), so there the floor is lower than this model says; the report prints that bound too.
"""
import sys

DESIGN_H100 = {"copy": 3.0e12, "fp32": 67e12, "tf32": 495e12}
# The floors DESIGN.md section 6 states, in ms, keyed by (N, M, d, L).
DESIGN_FLOORS_MS = {(65536, 65536, 784, 1000): 3.6, (1000000, 1000000, 3, 256): 11.0}
SORT_BYTES_PER_VALUE = 64
ON_CHIP_BYTES_PER_VALUE = 12


def floor_ms(case, rate, bandwidth, bytes_per_value=SORT_BYTES_PER_VALUE):
    n, m, d, L = case
    macs = (n + m) * d * L + n * L * d
    return (2.0 * macs / rate + bytes_per_value * (n + m) * L / bandwidth) * 1e3


def read(paths):
    times, ceilings, comments = {}, {}, []
    for path in paths:
        with open(path) as f:
            for raw in f:
                line = raw.strip()
                if line.startswith("# ceiling,"):
                    _, key, value = line.split(",", 2)
                    ceilings[key] = value
                elif line.startswith("#"):
                    comments.append(line[1:].strip())
                elif line and not line.startswith("impl,"):
                    cells = line.split(",")
                    if len(cells) >= 9 and cells[1] == "step":
                        case = tuple(int(v) for v in cells[2:6])
                        times[cells[0], case] = float(cells[7])
    return times, ceilings, comments


def ratio(a, b):
    return "n/a" if a is None or b is None or b == 0 else f"{a / b:.2f}"


def cell(v):
    return "n/a" if v is None else f"{v:.3f}"


def main(paths):
    times, ceilings, comments = read(paths)
    here = {}
    for key, name in (("copy", "copy_bytes_per_s"), ("fp32", "fp32_flops_per_s"), ("tf32", "tf32_flops_per_s")):
        try:
            here[key] = float(ceilings[name])
        except (KeyError, ValueError):
            here[key] = None
    if "error" in ceilings:
        print(f"Ceilings not measured: {ceilings['error']}.")
        print()
    print(f"Ceilings measured here (gpu_ceilings.py, device {ceilings.get('device', 'unknown')}): copy "
          f"{cell(here['copy'] and here['copy'] / 1e12)} TB/s (read + write), float32 GEMM "
          f"{cell(here['fp32'] and here['fp32'] / 1e12)} TFLOP/s, TF32 GEMM "
          f"{cell(here['tf32'] and here['tf32'] / 1e12)} TFLOP/s ({ceilings.get('fp32_setting', '?')}; "
          f"{ceilings.get('tf32_setting', '?')}). DESIGN.md section 6 (H100): 3.0 TB/s, 67, 495.")
    print()
    print("Times: ms per flow step, median (L fresh Gaussian directions, normalised velocity, h = 1, lambda = 0). "
          "Floor here = the model of report_gpu.py with the ceilings above (float32 rate for libswflow, TF32 "
          "rate for libswflow-tf32); DESIGN floor = the figure DESIGN.md section 6 states, else the model with "
          "its H100 figures (TF32). torch / x > 1: x is faster.")
    print()
    print("| case (N, M, d, L) | libswflow ms | / floor here | / DESIGN floor | libswflow TF32 ms | / floor here | "
          "torch ms | torch / libswflow | torch / libswflow TF32 | floor here ms (FP32 / TF32 / on chip) | "
          "DESIGN floor ms |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: |")
    cases = sorted({case for _, case in times}, key=lambda c: (c[3] * (c[0] + c[1]), c))
    for case in cases:
        lib, tf32, torch = (times.get((impl, case)) for impl in ("libswflow", "libswflow-tf32", "torch"))
        design = DESIGN_FLOORS_MS.get(case, floor_ms(case, DESIGN_H100["tf32"], DESIGN_H100["copy"]))
        fp32_floor = tf32_floor = chip_floor = None
        if here["copy"] and here["fp32"] and here["tf32"]:
            fp32_floor = floor_ms(case, here["fp32"], here["copy"])
            tf32_floor = floor_ms(case, here["tf32"], here["copy"])
            chip_floor = floor_ms(case, here["tf32"], here["copy"], ON_CHIP_BYTES_PER_VALUE)
        print(f"| {', '.join(str(v) for v in case)} | {cell(lib)} | {ratio(lib, fp32_floor)} | {ratio(lib, design)} | "
              f"{cell(tf32)} | {ratio(tf32, tf32_floor)} | {cell(torch)} | {ratio(torch, lib)} | {ratio(torch, tf32)} | "
              f"{cell(fp32_floor)} / {cell(tf32_floor)} / {cell(chip_floor)} | {design:.2f} |")
    print()
    print("Run details and checks:")
    print()
    print("```")
    for line in comments:
        print(line)
    print("```")
    return 0


if __name__ == "__main__":
    if len(sys.argv) < 2:
        print("usage: report_gpu.py CSV...", file=sys.stderr)
        sys.exit(2)
    sys.exit(main(sys.argv[1:]))
