"""SW-JKO (DESIGN.md section 1.4): gradient flows of functionals in the sliced-Wasserstein space, on particles."""
import collections
import ctypes
import weakref

import numpy as np

from . import _arrays
from ._library import JkoHandle, JkoParams, params_buffer
from .core import INITS, Context, FlowInfo, _choice, _Handle
from .model import ACTIVATIONS
from .errors import check, invalid

# swf_entropy_estimator
ENTROPY_ESTIMATORS = {"kernel": 0, "neighbours": 1}

Objective = collections.namedtuple("Objective", "total target potential interaction entropy")


class Jko(_Handle):
    """x_{k+1} = argmin_x F(x) + SW_2^2(x, x_k) / (2 tau), minimised by Adam over the particle positions.

    Jko(context, d, tau=0.1, inner_steps=50, learning_rate=1e-2, num_directions=64, objective_directions=256,
        target=None, target_weight=1.0, potential=None, potential_center=None, potential_weight=0.0,
        interaction=None, interaction_weight=1.0, entropy_weight=0.0, entropy="neighbours", bandwidth=0.1,
        neighbours=8, generator=False, width=64, depth=3, activation="silu", time_conditioned=False,
        time_scale=1.0)

    F = target_weight 1/2 SW_2^2(rho, target) (when target, an (m, d) array, is given)
      + potential_weight E[1/2 (x - b)^T A (x - b)] (A = potential, a (d, d) SPD array or None for I;
        b = potential_center, d values or None for 0)
      + interaction_weight 1/2 E[|X - X'|^a / a - |X - X'|^b / b] (interaction = (a, b), b = 0: -log)
      + entropy_weight int rho log rho, estimated by a Gaussian kernel density estimate with this bandwidth
        (entropy="kernel") or from the distances to the K = neighbours nearest particles (entropy="neighbours",
        Kozachenko-Leonenko: the one that keeps its strength beyond d of about 4).
    With generator=True the scheme trains a generator g (the learned flow's MLP, width x depth) pushing the
    initial law forward instead of moving particles; particles are then n samples of g, sample(n) draws fresh
    ones and save_generator(path) writes g as a model file (swflow.Model.load). With time_conditioned=True one
    network f(z, t) holds every step (its gate t / time_scale: the last step's time works well) and
    sample(n, time=k * tau) draws step k.
    Runs on the context's backend (CPU or CUDA). It keeps its context object alive.
    """

    _kind = "JKO scheme"

    def __init__(self, context, d, *, tau=0.1, inner_steps=50, learning_rate=1e-2, num_directions=64,
                 objective_directions=256, target=None, target_weight=1.0, potential=None, potential_center=None,
                 potential_weight=0.0, interaction=None, interaction_weight=1.0, entropy_weight=0.0, entropy="neighbours",
                 bandwidth=0.1, neighbours=8, generator=False, width=64, depth=3, activation="silu",
                 time_conditioned=False, time_scale=1.0):
        if not isinstance(context, Context):
            raise invalid("context must be a swflow.Context, not %s" % type(context).__name__)
        d = _arrays.count(d, "d", 0, _arrays.SIZE_MAX)
        buffer, params = params_buffer(JkoParams, "swf_jko_params_init")
        params.tau = _arrays.real(tau, "tau")
        params.inner_steps = _arrays.count(inner_steps, "inner_steps", 0, _arrays.UINT32_MAX)
        params.learning_rate = _arrays.real(learning_rate, "learning_rate")
        params.num_directions = _arrays.count(num_directions, "num_directions", 0, _arrays.UINT32_MAX)
        params.objective_directions = _arrays.count(objective_directions, "objective_directions", 0,
                                                    _arrays.UINT32_MAX)
        keep = []  # the arrays the struct points to, alive until swf_jko_create has copied them
        if target is not None:
            target = _arrays.points(target, "target", d)
            keep.append(target)
            params.target, params.target_count = _arrays.pointer(target), target.shape[0]
            params.target_weight = _arrays.real(target_weight, "target_weight")
        if potential is not None:
            matrix = _arrays.points(potential, "potential", d)
            if matrix.shape[0] != d:
                raise invalid("potential has shape %s: expected (%d, %d)" % (matrix.shape, d, d))
            keep.append(matrix)
            params.potential_matrix = _arrays.pointer(matrix)
        if potential_center is not None:
            center = _arrays.points(np.reshape(np.asarray(potential_center, dtype=np.float32), (1, -1)),
                                    "potential_center", d)
            keep.append(center)
            params.potential_center = _arrays.pointer(center)
        params.potential_weight = _arrays.real(potential_weight, "potential_weight")
        if interaction is not None:
            a, b = interaction
            params.interaction_a, params.interaction_b = _arrays.real(a, "a"), _arrays.real(b, "b")
            params.interaction_weight = _arrays.real(interaction_weight, "interaction_weight")
        params.entropy_weight = _arrays.real(entropy_weight, "entropy_weight")
        params.entropy_estimator = _choice(entropy, ENTROPY_ESTIMATORS, "entropy")
        params.bandwidth = _arrays.real(bandwidth, "bandwidth")
        params.entropy_neighbours = _arrays.count(neighbours, "neighbours", 0, _arrays.UINT32_MAX)
        if generator:
            params.variant = 1  # SWF_JKO_GENERATOR
            params.generator_width = _arrays.count(width, "width", 1, _arrays.UINT32_MAX)
            params.generator_depth = _arrays.count(depth, "depth", 1, _arrays.UINT32_MAX)
            params.generator_activation = _choice(activation, ACTIVATIONS, "activation")
            params.generator_time_conditioned = 1 if time_conditioned else 0
            params.generator_time_scale = _arrays.real(time_scale, "time_scale")
        handle = JkoHandle()
        with context.lock:
            check(context._lib.swf_jko_create(context._live(), buffer, d, ctypes.byref(handle)))
        del keep
        self._adopt(context, handle, d)

    @classmethod
    def _from_handle(cls, context, handle):
        jko = cls.__new__(cls)
        jko._adopt(context, handle, 0)
        jko._d = jko.info().d
        return jko

    def _adopt(self, context, handle, d):
        self.context = context
        self._lib = context._lib
        self._lock = context.lock
        self._handle = handle
        self._d = d
        self._recorders = weakref.WeakSet()  # weak: a recorder holds its scheme, not the reverse

    def close(self):
        """Releases the scheme. Idempotent. Refused while a Recorder on it is open."""
        if self._handle is None:
            return
        if any(not r.closed for r in self._recorders):
            raise invalid("a Recorder on this JKO scheme is still open: close or discard it first")
        handle, self._handle = self._handle, None
        with self._lock:
            self._lib.swf_jko_destroy(handle)

    def init_particles(self, n, init="gaussian", scale=1.0):
        """n fresh draws from N(0, scale^2 I) or U[-scale, scale]^d; the step count restarts at 0. Returns self."""
        n = _arrays.count(n, "n", 0, _arrays.SIZE_MAX)
        code = _choice(init, INITS, "init")
        with self._lock:
            check(self._lib.swf_jko_init_particles(self._live(), n, code, _arrays.real(scale, "scale")))
        return self

    def set_particles(self, x):
        """A copy of x, an (n, d) array-like, as the particles; the step count restarts at 0. Returns self."""
        x = _arrays.points(x, "x", self._d)
        with self._lock:
            check(self._lib.swf_jko_set_particles(self._live(), _arrays.pointer(x), x.shape[0]))
        return self

    def step(self, steps=1):
        """Runs `steps` JKO steps. Returns self."""
        steps = _arrays.count(steps, "steps", 0, _arrays.UINT32_MAX)
        with self._lock:
            check(self._lib.swf_jko_step(self._live(), steps))
        return self

    def get_particles(self):
        """The particles as a new (n, d) float32 array."""
        n = self.info().n
        out = _arrays.empty(n, self._d)
        with self._lock:
            check(self._lib.swf_jko_get_particles(self._live(), _arrays.pointer(out), n))
        return out

    particles = property(get_particles, set_particles, doc="get_particles() / set_particles(x): (n, d) float32.")

    def sample(self, n, time=None):
        """n fresh samples of the generator (generator=True only) as a new (n, d) float32 array: of the last step,
        or with time_conditioned=True of rho at any time from 0 to info().time (step k at time k tau)."""
        n = _arrays.count(n, "n", 1, _arrays.SIZE_MAX)
        out = _arrays.empty(n, self._d)
        with self._lock:
            if time is None:
                check(self._lib.swf_jko_sample(self._live(), n, _arrays.pointer(out)))
            else:
                check(self._lib.swf_jko_sample_at(self._live(), _arrays.real(time, "time"), n,
                                                  _arrays.pointer(out)))
        return out

    def save_generator(self, path):
        """Writes the generator (generator=True only) as a model file that swflow.Model.load reads."""
        path_bytes = _arrays.encode(path, "path")
        with self._lock:
            check(self._lib.swf_jko_save_generator(self._live(), path_bytes))

    def objective(self):
        """Objective(total, target, potential, interaction, entropy): F and its unweighted terms."""
        total, terms = ctypes.c_double(), (ctypes.c_double * 4)()
        with self._lock:
            check(self._lib.swf_jko_objective(self._live(), ctypes.byref(total), terms))
        return Objective(total.value, *terms)

    def info(self):
        """FlowInfo(n, d, step, time): particle count, dimension, JKO steps taken, time (steps x tau)."""
        n, d, step, time = ctypes.c_size_t(), ctypes.c_size_t(), ctypes.c_uint64(), ctypes.c_double()
        with self._lock:
            check(self._lib.swf_jko_info(self._live(), ctypes.byref(n), ctypes.byref(d), ctypes.byref(step),
                                         ctypes.byref(time)))
        return FlowInfo(n.value, d.value, step.value, time.value)
