"""swf_sliced_wasserstein against POT's ot.sliced_wasserstein_distance for the same projections.

Run by ctest with /usr/bin/python3 (Debian's numpy and python3-pot); SWFLOW_LIBRARY names the library.
"""
import ctypes
import os
import sys

import numpy as np

try:
    import ot
except ImportError:
    print("POT is not installed (apt-get install python3-pot): skipped")
    sys.exit(77)

lib = ctypes.CDLL(os.environ["SWFLOW_LIBRARY"])
lib.swf_context_create.argtypes = [ctypes.c_int, ctypes.c_uint64, ctypes.POINTER(ctypes.c_void_p)]
lib.swf_sliced_wasserstein.argtypes = [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_size_t, ctypes.c_void_p,
                                       ctypes.c_size_t, ctypes.c_size_t, ctypes.c_void_p, ctypes.c_uint32,
                                       ctypes.c_double, ctypes.POINTER(ctypes.c_double)]
lib.swf_last_error.restype = ctypes.c_char_p
lib.swf_context_destroy.argtypes = [ctypes.c_void_p]

ctx = ctypes.c_void_p()
assert lib.swf_context_create(1, 0, ctypes.byref(ctx)) == 0


def swflow_sw(x, y, theta, p):
    x, y, theta = (np.ascontiguousarray(a, dtype=np.float32) for a in (x, y, theta))
    out = ctypes.c_double()
    status = lib.swf_sliced_wasserstein(ctx, x.ctypes.data, x.shape[0], y.ctypes.data, y.shape[0], x.shape[1],
                                        theta.ctypes.data, theta.shape[0], p, ctypes.byref(out))
    assert status == 0, lib.swf_last_error()
    return out.value


rng = np.random.default_rng(0)
failures = 0
for n, m, d, L in [(1, 1, 1, 1), (50, 73, 2, 10), (1000, 999, 5, 64), (300, 1200, 64, 32), (64, 64, 784, 8)]:
    x = rng.normal(size=(n, d)).astype(np.float32)
    y = (1.5 * rng.normal(size=(m, d)) + 0.3).astype(np.float32)
    theta = rng.normal(size=(L, d))
    theta = (theta / np.linalg.norm(theta, axis=1, keepdims=True)).astype(np.float32)
    for p in (1, 2):
        # POT 0.8.2 takes projections as d x L and needs n_projections next to them.
        expected = ot.sliced_wasserstein_distance(x.astype(np.float64), y.astype(np.float64),
                                                  n_projections=L, projections=theta.T.astype(np.float64), p=p)
        got = swflow_sw(x, y, theta, p)
        ok = abs(got - expected) <= 1e-5 * abs(expected) + 1e-7
        failures += not ok
        print(f"n={n:5d} m={m:5d} d={d:3d} L={L:3d} p={p}: swflow {got:.9f}  POT {expected:.9f}  {'ok' if ok else 'MISMATCH'}")

lib.swf_context_destroy(ctx)
sys.exit(1 if failures else 0)
