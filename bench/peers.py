#!/usr/bin/python3
"""The computations of swf-bench in PyTorch (CPU) and POT, timed the same way, same CSV output.

For each case (N particles, M target samples, dimension d, L directions):
  torch step: one Sliced-Wasserstein flow step (design section 1.1) — L fresh normalised Gaussian
              directions, projections by matmul, per-direction sort of the target projections and
              stable argsort of the particle projections, exact 1-D transport (for N = M the target
              value of the same rank; for N != M the mean of the target quantile function over the
              particle's mass interval, from cumulative sums), velocity (d/L) * D^T theta, x += v
              (h = 1, lambda = 0). The particles are reset to the same X before every measured step.
  torch sw:   SW2 with the given directions theta (L x d), exact 1-D W2 between the sorted
              projections (for N != M over the merged quantile grid).
  pot sw:     ot.sliced_wasserstein_distance(X, Y, projections=theta.T, n_projections=L, p=2).
Data: X ~ N(0, I_d), Y ~ N(1, 0.25 I_d), theta normalised Gaussians, all float32, from the same
generator as swf-bench (splitmix64 + Box-Muller): the same arrays, so the SW2 values must match.
The learned flow (ops train, sample), for each model case (d, batch B): the MLP of libswflow's
swf_model_* (design: f(x0, t) = x0 + (t/T) g([x0, t/T, sin(2^k pi t/T), cos(2^k pi t/T), k < 6]), g =
Linear(d + 13, 128), SiLU, 2 x (Linear(128, 128), SiLU), Linear(128, d) with the last layer zero), in
torch.nn, float32:
  torch train:  one "call" = S = E * floor(n (K-1) / B) Adam steps (E = --epochs, n = --train-particles,
                K = --train-frames: the step count of one swf_model_train_trajectory call), each: a
                minibatch of B (x0_i, t_k, x_{t_k, i}) pairs drawn uniformly (torch.randint) from an
                in-memory n x (K-1) training set, the cosine-decayed learning rate of libswflow's
                trainer, forward, F.mse_loss, backward, torch.optim.Adam(lr 1e-3).step(). The training
                set is synthetic (x_t = (1 - t/T) x0 + (t/T) y): its values do not change the cost.
  torch sample: x0 = torch.randn(B, d) and one forward pass at t = T, under torch.inference_mode().
For these ops the CSV columns mean: N = B, M = n (train) or 0 (sample), L = Adam steps per call (train)
or 0, value = samples per second from the median time (train: S B / median; sample: B / median).
Each measurement: W warm-up runs, then the median (and minimum) of R repeats.
Output: CSV impl,op,N,M,d,L,repeats,median_ms,min_ms,value (value = SW2 for op sw); '#' lines are
comments. Once per case the torch and POT SW2 are compared (relative 1e-4): '# WARNING' if not.

--crosscheck LIBSWFLOW_SO additionally loads libswflow through ctypes and checks, on small cases with
ties and on every case of the grid, that one libswflow step (backend --crosscheck-backend, cpu or cuda)
with the same fixed directions gives the same particles as the torch step, and that its SW2 equals
torch's and POT's (POT on cases of at most POT_CHECK_MAX_VALUES projected values).
--device cuda runs torch's step and sw on the GPU (torch.sort there; float32 matmuls, TF32 off), every
timing bracketed by torch.cuda.synchronize().
"""
import argparse
import math
import os
import statistics
import sys
import time

DEFAULT_GRID = [(4096, 4096, 2, 64), (10000, 10000, 64, 256), (20000, 10000, 3, 128), (2048, 2048, 784, 128)]
DEFAULT_MODEL_GRID = [(2, 512), (2, 1024), (64, 512), (64, 1024)]
SW_RTOL = 1e-4
POT_CHECK_MAX_VALUES = 30_000_000  # POT (numpy, CPU) checks only cases with L (N + M) projected values at most this
MLP_WIDTH, MLP_DEPTH, MLP_FREQUENCIES = 128, 3, 6  # swf_model_params_init's defaults


def parse_case(text):
    try:
        n, m, d, L = (int(v) for v in text.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError(f"bad case '{text}' (want N,M,d,L)")
    if min(n, m, d, L) < 1:
        raise argparse.ArgumentTypeError(f"bad case '{text}' (all sizes >= 1)")
    return (n, m, d, L)


def parse_model_case(text):
    try:
        d, b = (int(v) for v in text.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError(f"bad model case '{text}' (want d,B)")
    if min(d, b) < 1:
        raise argparse.ArgumentTypeError(f"bad model case '{text}' (both >= 1)")
    return (d, b)


def parse_args():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--case", type=parse_case, action="append", help="N,M,d,L (repeatable; default grid)")
    ap.add_argument("--repeats", type=int, default=5, help="measured repeats; the median is printed (5)")
    ap.add_argument("--warmup", type=int, default=1, help="untimed warm-up runs (1)")
    ap.add_argument("--threads", type=int, default=os.cpu_count(), help="torch / OpenMP threads (all cores)")
    ap.add_argument("--blas-threads", type=int, help="OpenBLAS threads (default: --threads)")
    ap.add_argument("--model-case", type=parse_model_case, action="append",
                    help="d,B for train / sample (repeatable; default 2,512 2,1024 64,512 64,1024)")
    ap.add_argument("--train-particles", type=int, default=4096, help="n of the training set (4096)")
    ap.add_argument("--train-frames", type=int, default=5, help="K frames of the training set, t = 0 included (5)")
    ap.add_argument("--epochs", type=int, default=1, help="epochs per train call (1)")
    ap.add_argument("--ops", default="step,sw,train,sample", help="comma-separated subset of step,sw,train,sample")
    ap.add_argument("--impl", default="torch,pot", help="torch, pot or torch,pot")
    ap.add_argument("--seed", type=int, default=12345)
    ap.add_argument("--no-header", action="store_true")
    ap.add_argument("--crosscheck", metavar="LIBSWFLOW_SO", help="check libswflow against torch via ctypes")
    ap.add_argument("--device", default="cpu", choices=("cpu", "cuda"),
                    help="torch's device for step and sw (cpu); on cuda every timing waits for the device")
    ap.add_argument("--crosscheck-backend", default="cpu", choices=("cpu", "cuda"),
                    help="libswflow's backend in the cross-check (cpu)")
    a = ap.parse_args()
    if a.blas_threads is None:
        a.blas_threads = a.threads
    if a.repeats < 1 or a.warmup < 0 or a.threads < 1 or a.blas_threads < 1:
        ap.error("--repeats >= 1, --warmup >= 0, --threads >= 1, --blas-threads >= 1")
    if a.train_particles < 1 or a.train_frames < 2 or a.epochs < 1:
        ap.error("--train-particles >= 1, --train-frames >= 2, --epochs >= 1")
    a.case = a.case or DEFAULT_GRID
    a.model_case = a.model_case or DEFAULT_MODEL_GRID
    return a


args = parse_args()
# Before numpy / torch start their thread pools.
os.environ["OMP_NUM_THREADS"] = str(args.threads)
os.environ["OPENBLAS_NUM_THREADS"] = os.environ["MKL_NUM_THREADS"] = str(args.blas_threads)

import numpy as np  # noqa: E402

try:
    import torch
    torch.set_num_threads(args.threads)
    TORCH_ERROR = None
    if args.device == "cuda" and not torch.cuda.is_available():
        torch, TORCH_ERROR = None, "torch sees no CUDA device (--device cuda)"
    elif args.device == "cuda":
        import torch_precision
        torch_precision.set_tf32(torch, False)  # float32 GEMMs, as libswflow's default
except Exception as e:  # noqa: BLE001 — any import failure means "n/a"
    torch, TORCH_ERROR = None, f"{type(e).__name__}: {e}"
try:
    import ot
    POT_ERROR = None
except Exception as e:  # noqa: BLE001
    ot, POT_ERROR = None, f"{type(e).__name__}: {e}"


def comment(text):
    print(f"# {text}", flush=True)


# ---- data ---------------------------------------------------------------------------------------

U64 = np.uint64


def splitmix64(z):
    """splitmix64 on a uint64 array (wrapping arithmetic), as in swf_bench.cpp."""
    with np.errstate(over="ignore"):
        z = z + U64(0x9E3779B97F4A7C15)
        z = (z ^ (z >> U64(30))) * U64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> U64(27))) * U64(0x94D049BB133111EB)
        return z ^ (z >> U64(31))


def stream_key(seed, tag):
    return splitmix64(np.array([seed * 8 + tag], dtype=U64))[0]


def normals(key, count):
    """Box-Muller normals from uniforms splitmix64(key + i): the same numbers as swf-bench."""
    with np.errstate(over="ignore"):
        bits = splitmix64(U64(key) + np.arange(2 * count, dtype=U64))
    u = ((bits >> U64(11)).astype(np.float64) + 0.5) * 2.0 ** -53
    return np.sqrt(-2.0 * np.log(u[0::2])) * np.cos(6.283185307179586 * u[1::2])


def make_data(n, m, d, L, seed):
    """X ~ N(0, I), Y ~ N(1, 0.25 I), theta normalised Gaussians: the same arrays as swf-bench's."""
    x = normals(stream_key(seed, 0), n * d).astype(np.float32).reshape(n, d)
    y = (1.0 + 0.5 * normals(stream_key(seed, 1), m * d)).astype(np.float32).reshape(m, d)
    z = normals(stream_key(seed, 2), L * d).reshape(L, d)
    theta = (z / np.sqrt(np.sum(z * z, axis=1, keepdims=True))).astype(np.float32)
    return x, y, theta


# ---- torch --------------------------------------------------------------------------------------

def torch_transport_sorted(qs, n, m):
    """Ts[l, r] = n * integral over [r/n, (r+1)/n] of the quantile function of the sorted row qs[l]
    (L x m): the exact barycentric 1-D transport of the particle of rank r, in float64."""
    L = qs.shape[0]
    dev = qs.device
    a = torch.arange(n + 1, dtype=torch.int64, device=dev) * m  # r * m: boundaries r/n in units of 1/(n m)
    k = torch.div(a, n, rounding_mode="floor")  # target atom holding the boundary
    frac = (a - k * n).to(torch.float64) / n  # position inside that atom, in atoms
    qd = qs.to(torch.float64)
    prefix = torch.zeros(L, m + 1, dtype=torch.float64, device=dev)
    torch.cumsum(qd, dim=1, out=prefix[:, 1:])
    qext = torch.cat([qd, torch.zeros(L, 1, dtype=torch.float64, device=dev)], dim=1)
    g = prefix[:, k] + frac * qext[:, k]  # m * integral of the quantile function from 0 to r/n
    return (g[:, 1:] - g[:, :-1]) * (n / m)


def torch_step(x, y, theta, c=None, h=1.0):
    """One flow step in place on x (n x d) towards y (m x d) with the directions theta (L x d)."""
    n, d = x.shape
    m = y.shape[0]
    L = theta.shape[0]
    c = d if c is None else c
    p = theta @ x.T  # L x n
    qs = torch.sort(theta @ y.T, dim=1).values  # L x m
    order = torch.sort(p, dim=1, stable=True).indices  # ranks, ties by index
    ts = qs if n == m else torch_transport_sorted(qs, n, m).to(torch.float32)
    t = torch.empty_like(p).scatter_(1, order, ts)  # target value of each particle
    v = (t - p).T @ theta  # n x d
    x.add_(v, alpha=h * c / L)
    return x


def torch_gaussian_directions(L, d, device="cpu"):
    theta = torch.randn(L, d, device=device)
    return theta / torch.linalg.vector_norm(theta, dim=1, keepdim=True)


def torch_sw2(x, y, theta):
    n, m = x.shape[0], y.shape[0]
    ps = torch.sort(theta @ x.T, dim=1).values
    qs = torch.sort(theta @ y.T, dim=1).values
    if n == m:
        wpp = torch.sum((ps - qs) ** 2, dim=1, dtype=torch.float64) / n
    else:
        # Merged quantile grid, positions in units of 1/(n m): x's atom i ends at (i+1) m, y's j at (j+1) n.
        dev = x.device
        ends = torch.unique(torch.cat([torch.arange(1, n + 1, dtype=torch.int64, device=dev) * m,
                                       torch.arange(1, m + 1, dtype=torch.int64, device=dev) * n]))
        starts = torch.cat([torch.zeros(1, dtype=torch.int64, device=dev), ends[:-1]])
        width = (ends - starts).to(torch.float64) / (n * m)
        diff = (ps[:, torch.div(starts, m, rounding_mode="floor")] -
                qs[:, torch.div(starts, n, rounding_mode="floor")]).to(torch.float64)
        wpp = (diff * diff) @ width
    return float(torch.sqrt(wpp.mean()))


# ---- the learned flow in torch -------------------------------------------------------------------

def torch_flow_mlp(d, time_scale):
    """f(x0, t) = x0 + (t/T) g([x0, t/T, sin(2^k pi t/T), cos(2^k pi t/T)]), as libswflow's swf_model."""

    class FlowMlp(torch.nn.Module):
        def __init__(self):
            super().__init__()
            layers, inputs = [], d + 1 + 2 * MLP_FREQUENCIES
            for _ in range(MLP_DEPTH):
                layers += [torch.nn.Linear(inputs, MLP_WIDTH), torch.nn.SiLU()]
                inputs = MLP_WIDTH
            layers.append(torch.nn.Linear(inputs, d))
            torch.nn.init.zeros_(layers[-1].weight)  # g = 0 at the start, as libswflow's
            torch.nn.init.zeros_(layers[-1].bias)
            self.g = torch.nn.Sequential(*layers)
            self.register_buffer("omega", math.pi * 2.0 ** torch.arange(MLP_FREQUENCIES, dtype=torch.float32))

        def forward(self, x0, t):  # x0: B x d, t: B x 1
            s = t / time_scale
            a = s * self.omega
            return x0 + s * self.g(torch.cat([x0, s, torch.sin(a), torch.cos(a)], dim=1))

    return FlowMlp()


def torch_train_call(model, opt, x0, frames, times, batch, steps, lr=1e-3):
    """`steps` Adam steps on minibatches of (x0_i, t_k, frames[k, i]); libswflow's cosine decay to lr / 10."""
    k_count, n = frames.shape[0], frames.shape[1]
    loss = None
    for s in range(steps):
        k = torch.randint(k_count, (batch,))
        i = torch.randint(n, (batch,))
        for group in opt.param_groups:
            group["lr"] = lr * (0.1 + 0.9 * 0.5 * (1.0 + math.cos(math.pi * s / steps)))
        opt.zero_grad(set_to_none=True)
        loss = torch.nn.functional.mse_loss(model(x0[i], times[k].unsqueeze(1)), frames[k, i])
        loss.backward()
        opt.step()
    return float(loss)


def run_model_case(case, a, ops):
    d, batch = case
    n, frames_count = a.train_particles, a.train_frames
    time_scale = float(frames_count - 1)  # swf-bench: one flow step of h = 1 per frame
    x, y, _ = make_data(n, n, d, 1, a.seed)
    torch.manual_seed(a.seed)
    model = torch_flow_mlp(d, time_scale)
    x0 = torch.from_numpy(x)
    if "train" in ops:
        times = torch.arange(1, frames_count, dtype=torch.float32)  # the frames after t = 0
        w = (times / time_scale).view(-1, 1, 1)
        frames = ((1 - w) * x0 + w * torch.from_numpy(y)).contiguous()  # (K-1) x n x d
        steps = a.epochs * max(1, n * (frames_count - 1) // batch)
        opt = torch.optim.Adam(model.parameters(), lr=1e-3)
        med, mn, _ = measure(lambda: torch_train_call(model, opt, x0, frames, times, batch, steps),
                             a.warmup, a.repeats)
        print(f"torch,train,{batch},{n},{d},{steps},{a.repeats},{med:.4f},{mn:.4f},{steps * batch / (med * 1e-3):.6g}",
              flush=True)
    if "sample" in ops:
        def sample():
            with torch.inference_mode():
                return model(torch.randn(batch, d), torch.full((batch, 1), time_scale))
        med, mn, _ = measure(sample, a.warmup, a.repeats)
        print(f"torch,sample,{batch},0,{d},0,{a.repeats},{med:.4f},{mn:.4f},{batch / (med * 1e-3):.6g}", flush=True)


# ---- POT ----------------------------------------------------------------------------------------

def pot_sw2(x, y, theta):
    # POT 0.8.2 divides by n_projections even when projections are given.
    return float(ot.sliced_wasserstein_distance(x, y, projections=theta.T, n_projections=theta.shape[0], p=2))


# ---- timing -------------------------------------------------------------------------------------

def wait_for_device():
    """On the GPU, torch's calls return before their kernels are done: timings wait for them."""
    if torch is not None and args.device == "cuda":
        torch.cuda.synchronize()


def measure(fn, warmup, repeats, before=None):
    ms, value = [], None
    for r in range(warmup + repeats):
        if before is not None:
            before()
        wait_for_device()
        start = time.perf_counter()
        value = fn()
        wait_for_device()
        t = (time.perf_counter() - start) * 1e3
        if r >= warmup:
            ms.append(t)
    return statistics.median(ms), min(ms), value


def line(impl, op, case, repeats, median_ms, min_ms, value=None):
    n, m, d, L = case
    v = "" if value is None else f"{value:.9g}"
    print(f"{impl},{op},{n},{m},{d},{L},{repeats},{median_ms:.4f},{min_ms:.4f},{v}", flush=True)


def run_case(case, a, impls, ops):
    n, m, d, L = case
    x, y, theta = make_data(n, m, d, L, a.seed)
    sw = {}
    if "torch" in impls:
        with torch.inference_mode():
            tx, ty, ttheta = (torch.from_numpy(v).to(a.device) for v in (x, y, theta))
            if "step" in ops:
                xw = tx.clone()
                med, mn, _ = measure(lambda: torch_step(xw, ty, torch_gaussian_directions(L, d, a.device)),
                                     a.warmup, a.repeats, before=lambda: xw.copy_(tx))
                line("torch", "step", case, a.repeats, med, mn)
            if "sw" in ops:
                med, mn, sw["torch"] = measure(lambda: torch_sw2(tx, ty, ttheta), a.warmup, a.repeats)
                line("torch", "sw", case, a.repeats, med, mn, sw["torch"])
    if "pot" in impls and "sw" in ops:
        med, mn, sw["pot"] = measure(lambda: pot_sw2(x, y, theta), a.warmup, a.repeats)
        line("pot", "sw", case, a.repeats, med, mn, sw["pot"])
    if "torch" in sw and "pot" in sw:
        rel = abs(sw["torch"] - sw["pot"]) / max(abs(sw["pot"]), 1e-30)
        if rel > SW_RTOL:
            comment(f"WARNING sw {n},{m},{d},{L}: torch {sw['torch']:.9g} vs POT {sw['pot']:.9g}, "
                    f"relative {rel:.2e} > {SW_RTOL:g}")
            print(f"warning: SW2 torch and POT disagree on case {case} (relative {rel:.2e})", file=sys.stderr)


# ---- cross-check against libswflow (ctypes) -----------------------------------------------------

def load_libswflow(path, backend="cpu"):
    import ctypes as C

    class Params(C.Structure):
        _fields_ = [("struct_size", C.c_size_t), ("num_directions", C.c_uint32), ("step_size", C.c_float),
                    ("regularization", C.c_float), ("directions", C.c_int), ("velocity", C.c_int)]

    lib = C.CDLL(path)
    fp = C.POINTER(C.c_float)
    vp = C.c_void_p
    sigs = {
        "swf_context_create": ([C.c_int, C.c_uint64, C.POINTER(vp)], C.c_int),
        "swf_context_destroy": ([vp], None),
        "swf_flow_params_init": ([C.POINTER(Params)], None),
        "swf_flow_create": ([vp, C.POINTER(Params), fp, C.c_size_t, C.c_size_t, C.POINTER(vp)], C.c_int),
        "swf_flow_set_particles": ([vp, fp, C.c_size_t], C.c_int),
        "swf_flow_set_directions": ([vp, fp, C.c_uint32], C.c_int),
        "swf_flow_step": ([vp, C.c_uint32], C.c_int),
        "swf_flow_get_particles": ([vp, fp, C.c_size_t], C.c_int),
        "swf_flow_destroy": ([vp], None),
        "swf_sliced_wasserstein": ([vp, fp, C.c_size_t, fp, C.c_size_t, C.c_size_t, fp, C.c_uint32, C.c_double,
                                    C.POINTER(C.c_double)], C.c_int),
        "swf_last_error": ([], C.c_char_p),
        "swf_version_string": ([], C.c_char_p),
    }
    for name, (argtypes, restype) in sigs.items():
        fn = getattr(lib, name)
        fn.argtypes, fn.restype = argtypes, restype

    def ok(status, what):
        if status != 0:
            raise RuntimeError(f"{what} failed ({status}): {lib.swf_last_error().decode()}")

    def ptr(a):
        return a.ctypes.data_as(fp)

    class Lib:
        version = lib.swf_version_string().decode()

        def __init__(self, backend):
            self.ctx = vp()
            code = {"cpu": 1, "cuda": 2}[backend]
            ok(lib.swf_context_create(code, 7, C.byref(self.ctx)), f"swf_context_create({backend})")

        def step(self, x, y, theta, velocity=0, h=1.0):
            x, y, theta = (np.ascontiguousarray(a, dtype=np.float32) for a in (x, y, theta))
            p = Params()
            lib.swf_flow_params_init(C.byref(p))
            p.num_directions, p.step_size, p.regularization, p.velocity = theta.shape[0], h, 0.0, velocity
            f = vp()
            ok(lib.swf_flow_create(self.ctx, C.byref(p), ptr(y), y.shape[0], y.shape[1], C.byref(f)),
               "swf_flow_create")
            try:
                ok(lib.swf_flow_set_directions(f, ptr(theta), theta.shape[0]), "swf_flow_set_directions")
                ok(lib.swf_flow_set_particles(f, ptr(x), x.shape[0]), "swf_flow_set_particles")
                ok(lib.swf_flow_step(f, 1), "swf_flow_step")
                out = np.empty_like(x)
                ok(lib.swf_flow_get_particles(f, ptr(out), x.shape[0]), "swf_flow_get_particles")
            finally:
                lib.swf_flow_destroy(f)
            return out

        def sw(self, x, y, theta, p=2.0):
            x, y, theta = (np.ascontiguousarray(a, dtype=np.float32) for a in (x, y, theta))
            out = C.c_double()
            ok(lib.swf_sliced_wasserstein(self.ctx, ptr(x), x.shape[0], ptr(y), y.shape[0], x.shape[1], ptr(theta),
                                          theta.shape[0], p, C.byref(out)), "swf_sliced_wasserstein")
            return out.value

        def close(self):
            lib.swf_context_destroy(self.ctx)

    return Lib(backend)


def crosscheck(path, a):
    """Returns the number of failed checks, or None when there is nothing to compare against."""
    if torch is None and ot is None:
        comment(f"check skipped: neither torch ({TORCH_ERROR}) nor POT ({POT_ERROR}) available")
        return None
    lib = load_libswflow(path, a.crosscheck_backend)
    comment(f"cross-check of libswflow {lib.version} ({path}, backend {a.crosscheck_backend}) against torch "
            f"({a.device}) and POT")
    if torch is None:
        comment(f"step checks skipped: torch not available ({TORCH_ERROR})")
    failures = 0
    rng = np.random.default_rng(2024)

    def tie_data(n, m, d, L):
        x = rng.standard_normal((n, d)).astype(np.float32)
        x[1::3] = x[0]  # repeated particles: equal projections on every direction, ranks by index
        y = (1.0 + 0.5 * rng.standard_normal((m, d))).astype(np.float32)
        theta = rng.standard_normal((L, d))
        return x, y, (theta / np.linalg.norm(theta, axis=1, keepdims=True)).astype(np.float32)

    small = [(7, 7, 3, 5), (9, 4, 2, 3), (5, 12, 3, 4), (10, 6, 1, 1), (1000, 700, 5, 16), (600, 1000, 4, 8)]
    cases = [("ties", c, tie_data(*c)) for c in small] + [("grid", c, make_data(*c, a.seed)) for c in a.case]
    for kind, (n, m, d, L), (x, y, theta) in cases:
        tag = f"{kind} {n},{m},{d},{L}"
        values = {}
        if torch is not None:
            with torch.inference_mode():
                for velocity, name in ((0, "normalized"), (1, "gradient")):
                    c = d if velocity == 0 else 1
                    want = torch_step(*(torch.from_numpy(v).to(a.device) for v in (x.copy(), y, theta)),
                                      c=c, h=1.0).cpu().numpy()
                    got = lib.step(x, y, theta, velocity=velocity)
                    # Differences come from float32 GEMMs summing in another order; scale by the step length.
                    move = float(np.max(np.abs(want - x))) + 1e-30
                    err = float(np.max(np.abs(got - want)))
                    good = err <= 1e-4 * move + 1e-6
                    failures += not good
                    comment(f"check step {name:10s} {tag}: max|lib - torch| = {err:.2e} "
                            f"(max move {move:.3g}) {'ok' if good else 'MISMATCH'}")
                    if kind == "grid":
                        break  # the normalised step is enough at benchmark sizes
                values["torch"] = torch_sw2(*(torch.from_numpy(v).to(a.device) for v in (x, y, theta)))
        if ot is not None and L * (n + m) <= POT_CHECK_MAX_VALUES:
            values["pot"] = pot_sw2(x, y, theta)
            values["pot64"] = pot_sw2(x.astype(np.float64), y.astype(np.float64), theta.astype(np.float64))
        s_lib = lib.sw(x, y, theta)
        worst = max(abs(s_lib - v) / max(abs(v), 1e-30) for v in values.values())
        good = worst <= SW_RTOL
        failures += not good
        comment(f"check sw   {tag}: lib {s_lib:.9g}, " + ", ".join(f"{k} {v:.9g}" for k, v in values.items()) +
                f", worst relative {worst:.1e} {'ok' if good else 'MISMATCH'}")
    lib.close()
    return failures


def torch_device_name(device):
    if torch is None or device == "cpu":
        return device
    import torch_precision
    return f"cuda ({torch.cuda.get_device_name(0)}, {torch_precision.describe(torch)})"


def main():
    a = args
    impls = [i for i in a.impl.split(",") if i]
    ops = [o for o in a.ops.split(",") if o]
    if not a.no_header:
        comment(f"peers: python {sys.version.split()[0]}, numpy {np.__version__}, "
                f"torch {torch.__version__ if torch else 'n/a'}, POT {ot.__version__ if ot else 'n/a'}, "
                f"threads {a.threads}, BLAS threads {a.blas_threads}, warm-up {a.warmup}, repeats {a.repeats}, "
                f"device {torch_device_name(a.device)}")
        print("impl,op,N,M,d,L,repeats,median_ms,min_ms,value", flush=True)
    if torch is None and "torch" in impls:
        comment(f"torch not available: {TORCH_ERROR}")
        impls.remove("torch")
    if ot is None and "pot" in impls:
        comment(f"POT not available: {POT_ERROR}")
        impls.remove("pot")
    if "step" in ops or "sw" in ops:
        for case in a.case:
            run_case(case, a, impls, ops)
    if "torch" in impls and ("train" in ops or "sample" in ops):
        for case in a.model_case:
            run_model_case(case, a, ops)
    if a.crosscheck:
        failures = crosscheck(a.crosscheck, a)
        if failures is not None:
            comment(f"cross-check: {'all ok' if failures == 0 else f'{failures} MISMATCH(ES)'}")
        return 1 if failures else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
