#!/usr/bin/env python3
"""The GPU's two ceilings, measured with torch on the device the benchmark runs on: memory bandwidth (a
device-to-device copy of a 4 GiB float32 buffer of random values, bytes read plus bytes written) and the
float32 and TF32 GEMM rates (an 8192 x 8192 x 8192 torch.matmul of random values, 2 n^3 flops). Each is
the median of --repeats timed runs after --warmup untimed ones, timed with CUDA events.

Prints CSV comment lines that bench/report_gpu.py reads:
  # ceiling,device,NAME
  # ceiling,copy_bytes_per_s,VALUE
  # ceiling,fp32_flops_per_s,VALUE
  # ceiling,tf32_flops_per_s,VALUE
"""
import argparse
import statistics
import sys

import torch_precision


def timed_ms(torch, fn, warmup, repeats):
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeats):
        start, stop = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
        start.record()
        fn()
        stop.record()
        stop.synchronize()
        times.append(start.elapsed_time(stop))
    return statistics.median(times)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--copy-gib", type=float, default=4.0, help="size of the copied buffer in GiB (4)")
    ap.add_argument("--gemm", type=int, default=8192, help="n of the n x n x n GEMM (8192)")
    ap.add_argument("--warmup", type=int, default=3)
    ap.add_argument("--repeats", type=int, default=10)
    a = ap.parse_args()
    try:
        import torch
    except ImportError as e:
        print(f"# ceiling,error,torch unavailable: {e}")
        return 1
    if not torch.cuda.is_available():
        print("# ceiling,error,torch sees no CUDA device")
        return 1
    print(f"# ceiling,device,{torch.cuda.get_device_name(0)}")
    count = int(a.copy_gib * (1 << 30)) // 4
    source = torch.rand(count, device="cuda")
    target = torch.empty_like(source)
    ms = timed_ms(torch, lambda: target.copy_(source), a.warmup, a.repeats)
    print(f"# ceiling,copy_bytes_per_s,{2 * 4 * count / (ms * 1e-3):.6g}")
    del source, target
    n = a.gemm
    x, y = torch.randn(n, n, device="cuda"), torch.randn(n, n, device="cuda")
    for name, tf32 in (("fp32", False), ("tf32", True)):
        torch_precision.set_tf32(torch, tf32)
        ms = timed_ms(torch, lambda: torch.matmul(x, y), a.warmup, a.repeats)
        print(f"# ceiling,{name}_flops_per_s,{2.0 * n ** 3 / (ms * 1e-3):.6g}")
        print(f"# ceiling,{name}_setting,{torch_precision.describe(torch)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
