"""The learned flow: a time-conditioned MLP f(x0, t) trained on a flow's trajectory (swf_model_*).

f(x0, t) = x0 + (t/T) g([x0, gamma(t)]), gamma(t) = [t/T, sin(2^k pi t/T), cos(2^k pi t/T), k < F], g an MLP.
Trained by regression on (x0, t_k, x_{t_k}) from a recorded trajectory (train_trajectory) or from a running
flow (train_snapshot), it maps fresh draws of the flow's initial law to any time of the flow in one pass
(sample), without the training set.
"""
import collections
import ctypes

from . import _arrays
from ._library import ModelHandle, ModelParams, TrainParams, params_buffer
from .core import INITS, Context, Flow, _choice, _Handle, _name_of
from .errors import check, invalid

ACTIVATIONS = {"silu": 0, "relu": 1, "tanh": 2}

ModelInfo = collections.namedtuple("ModelInfo", "d time_scale steps")
ModelInfo.__doc__ = """Dimension d, time scale T (the end of the flow learned) and Adam steps taken."""


def _train_params(epochs, batch_size, learning_rate, steps_per_snapshot, sliced_fraction, sliced_directions):
    buffer, params = params_buffer(TrainParams, "swf_train_params_init")
    params.sliced_fraction = _arrays.real(sliced_fraction, "sliced_fraction")
    params.sliced_directions = _arrays.count(sliced_directions, "sliced_directions", 0, _arrays.UINT32_MAX)
    params.epochs = _arrays.count(epochs, "epochs", 0, _arrays.UINT32_MAX)
    params.batch_size = _arrays.count(batch_size, "batch_size", 0, _arrays.UINT32_MAX)
    params.learning_rate = _arrays.real(learning_rate, "learning_rate")
    params.steps_per_snapshot = _arrays.count(steps_per_snapshot, "steps_per_snapshot", 0, _arrays.UINT32_MAX)
    return buffer


class _Locks:
    """Holds two contexts' locks at once (one when they are the same), always taken in the same order."""

    def __init__(self, *locks):
        unique = {id(lock): lock for lock in locks}
        self._locks = [unique[key] for key in sorted(unique)]

    def __enter__(self):
        taken = []
        try:
            for lock in self._locks:
                lock.acquire()
                taken.append(lock)
        except BaseException:
            for lock in reversed(taken):
                lock.release()
            raise
        return self

    def __exit__(self, *exc):
        for lock in reversed(self._locks):
            lock.release()
        return False


class Model(_Handle):
    """A learned flow for dimension d: f(x0, t), the position at flow time t of the particle that started
    at x0, for fresh draws x0 of the flow's initial law.

    Model(context, d, width=128, depth=3, activation="silu", frequencies=2, time_scale=1.0,
          initial_law="gaussian", initial_scale=1.0)

    width: units per hidden layer, >= 1. depth: hidden layers, 1 to 64. activation: "silu", "relu" or
    "tanh". frequencies: F, the Fourier features of t, at most 24. time_scale: T > 0, the end of the flow
    to learn (its last time). initial_law, initial_scale: the law of x0 that sample() draws, as for
    Flow.init_particles ("gaussian" N(0, scale^2 I) or "uniform" U[-scale, scale]^d). The weights come
    from the context's seed; f(x0, t) = x0 until the model is trained.
    The model keeps its context object alive (and stays valid after it is closed). Close it with close()
    or a `with` block. Calls are serialised by the context's lock, like a flow's.
    """

    _kind = "model"

    def __init__(self, context, d, *, width=128, depth=3, activation="silu", frequencies=2, time_scale=1.0,
                 initial_law="gaussian", initial_scale=1.0):
        if not isinstance(context, Context):
            raise invalid("context must be a swflow.Context, not %s" % type(context).__name__)
        d = _arrays.count(d, "d", 0, _arrays.SIZE_MAX)
        buffer, params = params_buffer(ModelParams, "swf_model_params_init")
        params.width = _arrays.count(width, "width", 0, _arrays.UINT32_MAX)
        params.depth = _arrays.count(depth, "depth", 0, _arrays.UINT32_MAX)
        params.activation = _choice(activation, ACTIVATIONS, "activation")
        params.frequencies = _arrays.count(frequencies, "frequencies", 0, _arrays.UINT32_MAX)
        params.time_scale = _arrays.real(time_scale, "time_scale")
        params.initial_law = _choice(initial_law, INITS, "initial_law")
        params.initial_scale = _arrays.real(initial_scale, "initial_scale")
        handle = ModelHandle()
        with context.lock:
            check(context._lib.swf_model_create(context._live(), d, buffer, ctypes.byref(handle)))
        self._adopt(context, handle)
        self.params = {"width": params.width, "depth": params.depth,
                       "activation": _name_of(params.activation, ACTIVATIONS), "frequencies": params.frequencies,
                       "time_scale": params.time_scale, "initial_law": _name_of(params.initial_law, INITS),
                       "initial_scale": params.initial_scale}
        """The parameters the model was created with (None for a loaded model: the file holds them)."""

    def _adopt(self, context, handle):
        self.context = context  # the Python-side reference that keeps the context object alive
        self._lib = context._lib
        self._lock = context.lock
        self._handle = handle
        info = self._info()
        self._d, self._time_scale = info.d, info.time_scale

    @classmethod
    def load(cls, context, path):
        """A model loaded from a file written by save() (or `swf-run train`), created in context (any backend).

        FormatError for a file that is not a model (a point set, a trajectory ...), FileError when it cannot
        be read."""
        if not isinstance(context, Context):
            raise invalid("context must be a swflow.Context, not %s" % type(context).__name__)
        path_bytes = _arrays.encode(path, "path")
        handle = ModelHandle()
        with context.lock:
            check(context._lib.swf_model_load(context._live(), path_bytes, ctypes.byref(handle)))
        model = cls.__new__(cls)
        try:
            model._adopt(context, handle)
        except BaseException:
            model._handle = None
            context._lib.swf_model_destroy(handle)
            raise
        model.params = None
        return model

    def close(self):
        """Releases the model. Idempotent."""
        handle, self._handle = self._handle, None
        if handle is not None:
            with self._lock:
                self._lib.swf_model_destroy(handle)

    def save(self, path):
        """Saves the model (architecture, weights, Adam step count) to the HDF5 file `path`, atomically."""
        path = _arrays.encode(path, "path")
        with self._lock:
            check(self._lib.swf_model_save(self._live(), path))

    def train_trajectory(self, path, *, epochs=100, batch_size=512, learning_rate=3e-3, sliced_fraction=0.5,
                         sliced_directions=0):
        """Trains on every frame of the trajectory file `path` (written by a Recorder or `swf-run flow`; its
        first frame is x0, its dimension must be the model's): `epochs` passes over the n x K pairs, Adam
        with a cosine-decayed step from learning_rate. A share sliced_fraction of each minibatch is fresh
        draws of x0 regressed onto one flow step (sliced_directions directions; 0: max(64, 4 d)) of the model's output toward
        the particles (swf_train_params). Each call continues from the current weights.
        Returns the mean loss of the last epoch (a float)."""
        path_bytes = _arrays.encode(path, "path")
        buffer = _train_params(epochs, batch_size, learning_rate, 20, sliced_fraction, sliced_directions)
        loss = ctypes.c_double()
        with self._lock:
            check(self._lib.swf_model_train_trajectory(self._live(), path_bytes, buffer, ctypes.byref(loss)))
        return loss.value

    def train_snapshot(self, flow, *, steps_per_snapshot=20, batch_size=512, learning_rate=1e-3, sliced_fraction=0.5,
                       sliced_directions=0):
        """Online training while `flow` runs: call it with the flow at step 0 (its particles become x0, the
        only copy the model keeps), then after every few steps; each call takes steps_per_snapshot Adam
        steps on the flow's current particles (n, d) at its current time (replaying earlier times). The
        flow's dimension and particle count must stay those of the first call. Returns the mean loss of the
        call's steps (a float)."""
        if not isinstance(flow, Flow):
            raise invalid("flow must be a swflow.Flow, not %s" % type(flow).__name__)
        buffer = _train_params(1, batch_size, learning_rate, steps_per_snapshot, sliced_fraction, sliced_directions)
        loss = ctypes.c_double()
        with _Locks(self._lock, flow._lock):
            check(self._lib.swf_model_train_snapshot(self._live(), flow._live(), buffer, ctypes.byref(loss)))
        return loss.value

    def map(self, x0, t):
        """f(x0, t) for x0, an (n, d) array-like (n >= 1, finite), at flow time t (finite, >= 0): a new (n, d)
        float32 array."""
        x0 = _arrays.points(x0, "x0", self._d)
        t = _arrays.real(t, "t")
        out = _arrays.empty(x0.shape[0], self._d)
        with self._lock:
            check(self._lib.swf_model_map(self._live(), _arrays.pointer(x0), x0.shape[0], t, _arrays.pointer(out)))
        return out

    def sample(self, n, t=None):
        """f(x0, t) for n >= 1 fresh draws x0 of the initial law (the model's own random stream: each call
        draws new points), at flow time t (default: the model's time_scale, the end of the flow learned):
        a new (n, d) float32 array."""
        n = _arrays.count(n, "n", 0, _arrays.SIZE_MAX)
        t = self._time_scale if t is None else _arrays.real(t, "t")
        self._live()
        out = _arrays.empty(n, self._d)
        with self._lock:
            check(self._lib.swf_model_sample(self._live(), n, t, _arrays.pointer(out)))
        return out

    def _info(self):
        d, time_scale, steps = ctypes.c_size_t(), ctypes.c_double(), ctypes.c_uint64()
        with self._lock:
            check(self._lib.swf_model_info(self._live(), ctypes.byref(d), ctypes.byref(time_scale),
                                           ctypes.byref(steps)))
        return ModelInfo(d.value, time_scale.value, steps.value)

    def info(self):
        """ModelInfo(d, time_scale, steps): dimension, time scale T, Adam steps taken."""
        return self._info()

    dim = property(lambda self: self._d, doc="The dimension d.")
    time_scale = property(lambda self: self._time_scale, doc="T, the end of the flow learned (sample's default t).")
    steps = property(lambda self: self._info().steps,
                     doc="The Adam steps taken by this model (a loaded one counts from 0: Adam restarts).")

    def __repr__(self):
        if self.closed:
            return "<swflow.Model closed>"
        return "<swflow.Model d=%d time_scale=%g steps=%d>" % (self._d, self._time_scale, self._info().steps)
