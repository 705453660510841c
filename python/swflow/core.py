"""Contexts, flows, the sliced Wasserstein distance and the built-in datasets."""
import collections
import ctypes
import threading
import weakref

import numpy as np

from . import _arrays
from ._library import (ContextHandle, FlowHandle, FlowParams, library, params_buffer)
from .errors import check, invalid, text_of

BACKENDS = {"auto": 0, "cpu": 1, "cuda": 2}
DIRECTIONS = {"gaussian": 0, "orthogonal": 1, "fixed": 2}
VELOCITIES = {"normalized": 0, "gradient": 1}
INITS = {"gaussian": 0, "uniform": 1}

FlowInfo = collections.namedtuple("FlowInfo", "n d step time")
FlowInfo.__doc__ = """Particle count n (0 before any particles), dimension d, steps taken, flow time (sum of h)."""


def _choice(value, table, name):
    if isinstance(value, str) and value.lower() in table:
        return table[value.lower()]
    if isinstance(value, (int, np.integer)) and not isinstance(value, bool) and int(value) in table.values():
        return int(value)
    raise invalid("%s is %r: one of %s" % (name, value, ", ".join(repr(k) for k in table)))


def _name_of(code, table):
    return next((k for k, v in table.items() if v == code), str(code))


class _Handle:
    """An owned C handle: closed once, by close(), the context manager, or the garbage collector."""

    _handle = None
    _kind = "handle"

    def _live(self):
        if self._handle is None:
            raise invalid("this %s is closed" % self._kind)
        return self._handle

    @property
    def closed(self):
        """True once close() has run."""
        return self._handle is None

    def __enter__(self):
        self._live()
        return self

    def __exit__(self, *exc):
        self.close()
        return False

    def __del__(self):
        try:
            self.close()
        except Exception:  # never raise from the garbage collector (or during interpreter shutdown)
            pass


class Context(_Handle):
    """A backend and a random seed: every random draw of the context and of its flows is a function of the
    seed and of the calls made.

    Context(seed=0, backend="auto", tf32=False): backend "auto" (the GPU when one answers, else the CPU),
    "cpu" or "cuda" (NoDeviceError without a usable GPU). tf32=True lets the CUDA backend's GEMMs use TF32
    tensor cores (projections off by about 2^-11 |theta| |x|; see swf_context_set_tf32); the CPU backend
    ignores it. Close it with close() or a `with` block; flows created from it keep it alive and stay valid
    after it is closed.

    Threads: calls on a context and on its flows are serialised by a lock the flows share, so a context may
    be used from several threads, one call at a time; use one context per thread for parallel work.
    """

    _kind = "context"

    def __init__(self, seed=0, backend="auto", tf32=False):
        lib = library()
        code = _choice(backend, BACKENDS, "backend")
        seed = _arrays.count(seed, "seed", 0, _arrays.UINT64_MAX)
        handle = ContextHandle()
        check(lib.swf_context_create(code, seed, ctypes.byref(handle)))
        self._lib = lib
        self._handle = handle
        self.seed = seed
        self.lock = threading.RLock()
        used = ctypes.c_int()
        check(lib.swf_context_backend(handle, ctypes.byref(used)))
        self.backend = _name_of(used.value, BACKENDS)
        """The backend in use: "cpu" or "cuda" (never "auto")."""
        if tf32:
            check(lib.swf_context_set_tf32(handle, 1))
        self.tf32 = bool(tf32)

    def describe(self):
        """One line naming what computes, e.g. "cuda: device 0, NVIDIA H200, compute capability 9.0, ..."."""
        with self.lock:
            return text_of(self._lib.swf_context_describe, self._live())

    def close(self):
        """Releases the context. Idempotent; flows created from it stay valid."""
        handle, self._handle = self._handle, None
        if handle is not None:
            with self.lock:
                self._lib.swf_context_destroy(handle)

    def __repr__(self):
        state = "closed" if self.closed else "backend=%r" % self.backend
        return "<swflow.Context seed=%d %s>" % (self.seed, state)


class Flow(_Handle):
    """A Sliced-Wasserstein flow of particles towards target samples (DESIGN.md section 1.1).

    Flow(context, target, num_directions=128, step_size=1.0, regularization=0.0, directions="gaussian",
         velocity="normalized")

    target: (m, d) array-like, copied (converted to C-contiguous float32). num_directions: L >= 1.
    step_size: h > 0. regularization: lambda >= 0 (noise sqrt(2 lambda h) per step). directions:
    "gaussian" (fresh at every step), "orthogonal" (fresh orthonormal blocks) or "fixed" (drawn once).
    velocity: "normalized" (factor d/L) or "gradient" (1/L).
    The flow has no particles until init_particles() or set_particles(). It keeps its context object
    alive. Close it with close() or a `with` block (a Recorder on it must be closed first).
    """

    _kind = "flow"

    def __init__(self, context, target, *, num_directions=128, step_size=1.0, regularization=0.0,
                 directions="gaussian", velocity="normalized"):
        if not isinstance(context, Context):
            raise invalid("context must be a swflow.Context, not %s" % type(context).__name__)
        target = _arrays.points(target, "target")
        buffer, params = params_buffer(FlowParams, "swf_flow_params_init")
        params.num_directions = _arrays.count(num_directions, "num_directions", 0, _arrays.UINT32_MAX)
        params.step_size = _arrays.real(step_size, "step_size")
        params.regularization = _arrays.real(regularization, "regularization")
        params.directions = _choice(directions, DIRECTIONS, "directions")
        params.velocity = _choice(velocity, VELOCITIES, "velocity")
        handle = FlowHandle()
        with context.lock:
            check(context._lib.swf_flow_create(context._live(), buffer, _arrays.pointer(target), target.shape[0],
                                               target.shape[1], ctypes.byref(handle)))
        self._adopt(context, handle, params.num_directions)
        self.params = {"num_directions": params.num_directions, "step_size": params.step_size,
                       "regularization": params.regularization,
                       "directions": _name_of(params.directions, DIRECTIONS),
                       "velocity": _name_of(params.velocity, VELOCITIES)}
        """The parameters the flow was created with (num_directions follows set_directions)."""

    @classmethod
    def _from_handle(cls, context, handle, params):
        flow = cls.__new__(cls)
        flow._adopt(context, handle, params["num_directions"])
        flow.params = params
        return flow

    def _adopt(self, context, handle, num_directions):
        self.context = context  # the Python-side reference that keeps the context object alive
        self._lib = context._lib
        self._lock = context.lock
        self._handle = handle
        self._recorders = weakref.WeakSet()  # weak: a recorder holds its flow, not the reverse
        self._num_directions = num_directions
        self._d = self._info().d

    @classmethod
    def load(cls, context, path):
        """A flow loaded from a file written by save() or by a Recorder (its checkpoint), created in context.

        It continues bit-for-bit where the saved flow stopped (CPU backend).
        """
        from .files import flow_parameters
        path_bytes = _arrays.encode(path, "path")
        handle = FlowHandle()
        with context.lock:
            check(context._lib.swf_flow_load(context._live(), path_bytes, ctypes.byref(handle)))
        try:
            # The C API has no getter for a flow's parameters: L (needed to size get_directions) is read
            # back from the file's /parameters/swflow.
            params = flow_parameters(path)
        except BaseException:
            context._lib.swf_flow_destroy(handle)
            raise
        return cls._from_handle(context, handle, params)

    def close(self):
        """Releases the flow. Idempotent. Raises InvalidArgumentError while a Recorder on it is open."""
        if self._handle is None:
            return
        if any(not r.closed for r in self._recorders):
            raise invalid("a Recorder on this flow is still open: close or discard it first")
        handle, self._handle = self._handle, None
        with self._lock:
            self._lib.swf_flow_destroy(handle)

    def init_particles(self, n, init="gaussian", scale=1.0):
        """Replaces the particles by n fresh draws from N(0, scale^2 I) ("gaussian") or U[-scale, scale]^d
        ("uniform"), from the context's seed. The step count and time restart at 0. Returns self."""
        n = _arrays.count(n, "n", 0, _arrays.SIZE_MAX)
        code = _choice(init, INITS, "init")
        with self._lock:
            check(self._lib.swf_flow_init_particles(self._live(), n, code, _arrays.real(scale, "scale")))
        return self

    def set_particles(self, x):
        """Replaces the particles by a copy of x, an (n, d) array-like. The step count and time restart at 0.
        Returns self."""
        x = _arrays.points(x, "x", self._d)
        with self._lock:
            check(self._lib.swf_flow_set_particles(self._live(), _arrays.pointer(x), x.shape[0]))
        return self

    def set_directions(self, theta):
        """Uses the rows of theta, an (L, d) array-like (used as given, not normalised), at every later step:
        the direction mode becomes "fixed" and L becomes theta's row count. Returns self."""
        theta = _arrays.points(theta, "theta", self._d)
        rows = _arrays.count(theta.shape[0], "the number of directions", 0, _arrays.UINT32_MAX)
        with self._lock:
            check(self._lib.swf_flow_set_directions(self._live(), _arrays.pointer(theta), rows))
        self._num_directions = rows
        self.params = dict(self.params, num_directions=rows, directions="fixed")
        return self

    def get_directions(self):
        """The directions of the last step, an (L, d) float32 array (in "fixed" mode, also before any step)."""
        out = _arrays.empty(self._num_directions, self._d)
        with self._lock:
            check(self._lib.swf_flow_get_directions(self._live(), _arrays.pointer(out), self._num_directions))
        return out

    directions = property(get_directions, set_directions, doc="get_directions() / set_directions(theta).")

    def step(self, steps=1):
        """Runs `steps` steps of the flow (0 does nothing). After a failure the particles are those of the last
        completed step. Returns self."""
        steps = _arrays.count(steps, "steps", 0, _arrays.UINT32_MAX)
        with self._lock:
            check(self._lib.swf_flow_step(self._live(), steps))
        return self

    def get_particles(self, out=None):
        """The particles as an (n, d) float32 array: a new one, or `out` (C-contiguous float32 (n, d)) filled."""
        n = self._info().n
        if out is None:
            out = _arrays.empty(n, self._d)
        elif not (isinstance(out, np.ndarray) and out.dtype == np.float32 and out.flags.c_contiguous
                  and out.flags.writeable and out.shape == (n, self._d)):
            raise invalid("out must be a writeable C-contiguous float32 array of shape (%d, %d)" % (n, self._d))
        with self._lock:
            check(self._lib.swf_flow_get_particles(self._live(), _arrays.pointer(out), n))
        return out

    particles = property(get_particles, set_particles, doc="get_particles() / set_particles(x): (n, d) float32.")

    def _info(self):
        n, d, step, time = ctypes.c_size_t(), ctypes.c_size_t(), ctypes.c_uint64(), ctypes.c_double()
        with self._lock:
            check(self._lib.swf_flow_info(self._live(), ctypes.byref(n), ctypes.byref(d), ctypes.byref(step),
                                          ctypes.byref(time)))
        return FlowInfo(n.value, d.value, step.value, time.value)

    def info(self):
        """FlowInfo(n, d, step, time): particle count (0 before any), dimension, steps taken, flow time."""
        return self._info()

    n = property(lambda self: self._info().n, doc="The particle count (0 before any particles).")
    d = property(lambda self: self._d, doc="The dimension.")
    steps_taken = property(lambda self: self._info().step, doc="Steps taken since the particles were set.")
    time = property(lambda self: self._info().time, doc="The flow time: the sum of the step sizes.")
    num_directions = property(lambda self: self._num_directions, doc="L, the directions per step.")

    def distance(self, L=256):
        """SW_2(particles, target) with L fresh Gaussian directions from a stream of their own (measuring never
        changes the trajectory). Returns a float."""
        L = _arrays.count(L, "L", 0, _arrays.UINT32_MAX)
        out = ctypes.c_double()
        with self._lock:
            check(self._lib.swf_flow_distance(self._live(), L, ctypes.byref(out)))
        return out.value

    def save(self, path):
        """Saves the flow's complete state to `path` (a one-frame trajectory file), atomically."""
        path = _arrays.encode(path, "path")
        with self._lock:
            check(self._lib.swf_flow_save(self._live(), path))

    def __repr__(self):
        if self.closed:
            return "<swflow.Flow closed>"
        info = self._info()
        return "<swflow.Flow n=%d d=%d step=%d time=%g L=%d>" % (info.n, info.d, info.step, info.time,
                                                                 self._num_directions)


def sliced_wasserstein(x, y, directions=None, L=None, p=2, seed=0, context=None):
    """SW_p(x, y) = ((1/L) sum_l W_p^p(theta_l # x, theta_l # y))^(1/p), exact 1-D W_p between the uniform
    empirical measures on x (n, d) and y (m, d); n != m allowed.

    directions: an (L, d) array of directions used as given (not normalised), or None for L fresh
    normalised Gaussian directions (L defaults to 128). Those are drawn from `context` when given (each
    call advances its stream), else from a fresh Context(seed) on the CPU, so equal arguments give equal
    results. Equals POT's ot.sliced_wasserstein_distance(x, y, projections=directions.T, p=p).
    Returns a float.
    """
    x = _arrays.points(x, "x")
    y = _arrays.points(y, "y", x.shape[1])
    if directions is not None:
        theta = _arrays.points(directions, "directions", x.shape[1])
        if L is not None and L != theta.shape[0]:
            raise invalid("L is %r but directions has %d rows" % (L, theta.shape[0]))
        L, theta_pointer = theta.shape[0], _arrays.pointer(theta)
    else:
        L, theta_pointer = (128 if L is None else L), None
    L = _arrays.count(L, "L", 0, _arrays.UINT32_MAX)
    p = _arrays.real(p, "p")
    owned = context is None
    if owned:
        context = Context(seed=seed, backend="cpu")
    elif not isinstance(context, Context):
        raise invalid("context must be a swflow.Context, not %s" % type(context).__name__)
    try:
        out = ctypes.c_double()
        with context.lock:
            check(context._lib.swf_sliced_wasserstein(context._live(), _arrays.pointer(x), x.shape[0],
                                                      _arrays.pointer(y), y.shape[0], x.shape[1], theta_pointer,
                                                      L, p, ctypes.byref(out)))
        return out.value
    finally:
        if owned:
            context.close()


def dataset_names():
    """The built-in datasets' names: moons, swiss-roll, 8-gaussians, checkerboard, rings (2-D), gaussian (any d)."""
    return library().swf_dataset_names().decode().split(",")


def dataset(name, n, d=2, seed=0):
    """n samples of the built-in dataset `name` in dimension d (2 for the 2-D sets) from `seed`, as an (n, d)
    float32 array. See dataset_names(); "gaussian" is N(m, S) with m_k = k/d and a fixed anisotropic S."""
    name_bytes = _arrays.encode(name, "name")
    n = _arrays.count(n, "n", 0, _arrays.SIZE_MAX)
    d = _arrays.count(d, "d", 0, _arrays.SIZE_MAX)
    seed = _arrays.count(seed, "seed", 0, _arrays.UINT64_MAX)
    out = _arrays.empty(n, d)
    check(library().swf_dataset_generate(name_bytes, n, d, seed, _arrays.pointer(out)))
    return out


def version():
    """The loaded library's version, "MAJOR.MINOR.PATCH"."""
    return library().swf_version_string().decode()
