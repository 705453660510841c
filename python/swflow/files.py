"""Files: point sets, H5MD trajectories (Recorder, resume, frames, the SW2 observable), descriptions.

File errors raise FileError (SWF_ERR_IO: cannot open, create or write; also an OSError) or FormatError
(SWF_ERR_FORMAT: not HDF5, truncated, no such dataset, wrong shape; also a ValueError), with the
library's message naming the file, the dataset and the problem.
"""
import collections
import ctypes
import warnings

import numpy as np

from . import _arrays
from ._library import FlowHandle, JkoHandle, RecordParams, RecorderHandle, library, params_buffer
from .core import Context, Flow, _Handle
from .jko import Jko
from .errors import check, invalid, text_of

Frame = collections.namedtuple("Frame", "x step time")
Frame.__doc__ = "One trajectory frame: particles x (n, d) float32, its step and its flow time."
Frames = collections.namedtuple("Frames", "x steps times")
Frames.__doc__ = "All frames: x (K, n, d) float32, steps (K,) uint64, times (K,) float64."
Series = collections.namedtuple("Series", "steps times values")
Series.__doc__ = "The SW2 observable: steps (K,) uint64, times (K,) float64, values (K,) float64."


def read_points(spec):
    """The point set `spec` as an (n, d) float32 array. spec: "FILE.h5:/path" (a 2-D numeric dataset, or an
    H5MD particles group whose last frame is used) or "FILE.h5" (an H5MD file with one particles group)."""
    spec_bytes = _arrays.encode(spec, "spec")
    lib = library()
    n, d = ctypes.c_size_t(), ctypes.c_size_t()
    check(lib.swf_points_shape(spec_bytes, ctypes.byref(n), ctypes.byref(d)))
    out = _arrays.empty(n.value, d.value)
    check(lib.swf_points_read(spec_bytes, _arrays.pointer(out), n.value, d.value))
    return out


def write_points(path, group, x, image_shape=None):
    """Writes x, an (n, d) array-like, as an H5MD 1.1 file holding /particles/<group>/position [n, d] float32,
    atomically (temporary name, then rename over `path`). image_shape: (rows, cols) for image-shaped data,
    stored as the attribute image_shape of /parameters/swflow; rows * cols must equal d."""
    path_bytes = _arrays.encode(path, "path")
    group_bytes = _arrays.encode(group, "group")
    x = _arrays.points(x, "x")
    shape_pointer = None
    if image_shape is not None:
        try:
            rows, cols = (_arrays.count(v, "image_shape", 1, _arrays.UINT32_MAX) for v in image_shape)
        except (TypeError, ValueError) as error:
            raise invalid("image_shape must be (rows, cols) of positive integers: %s" % error) from None
        if rows * cols != x.shape[1]:
            raise invalid("image_shape %d x %d does not match d = %d" % (rows, cols, x.shape[1]))
        shape_pointer = (ctypes.c_uint32 * 2)(rows, cols)
    check(library().swf_points_write(path_bytes, group_bytes, _arrays.pointer(x), x.shape[0], x.shape[1],
                                     shape_pointer))


def _record_params(sw2_directions, compression, config, author):
    buffer, params = params_buffer(RecordParams, "swf_record_params_init")
    params.sw2_directions = _arrays.count(sw2_directions, "sw2_directions", 0, _arrays.UINT32_MAX)
    params.compression = _arrays.count(compression, "compression", 0, 2**31 - 1)
    # The library copies both strings; the bytes objects only need to outlive the call.
    keep = [None if config is None else _arrays.encode(config, "config"),
            None if author is None else _arrays.encode(author, "author")]
    params.config, params.author = keep
    return buffer, keep


class Recorder(_Handle):
    """Records a flow, or an SW-JKO scheme (swflow.Jko: F in /observables/energy), into an H5MD 1.1
    trajectory file (DESIGN.md section 4).

    Recorder(flow, path, sw2_directions=256, compression=0, config=None, author=None)

    The flow's current state becomes the first frame; append() adds one; checkpoint() stores the complete
    state and publishes a complete copy at `path` atomically; close() checkpoints, publishes and frees.
    Frames go to "<path>.part" until then, so `path` only ever holds a complete file.
    As a context manager: close() when the block ends normally, discard() when it raises (`path` keeps
    the last checkpoint). A recorder dropped without close() is discarded (with a ResourceWarning).
    sw2_directions: directions of the SW2 observable recorded with each frame (0: none); compression:
    deflate level 0-9; config: text stored as /parameters/swflow/config; author: /h5md/author name.
    The recorder keeps its flow alive; the flow cannot be closed while the recorder is open.
    """

    _kind = "recorder"

    def __init__(self, flow, path, *, sw2_directions=256, compression=0, config=None, author=None):
        if not isinstance(flow, (Flow, Jko)):
            raise invalid("flow must be a swflow.Flow or swflow.Jko, not %s" % type(flow).__name__)
        path_bytes = _arrays.encode(path, "path")
        buffer, keep = _record_params(sw2_directions, compression, config, author)
        handle = RecorderHandle()
        create = flow._lib.swf_jko_recorder_create if isinstance(flow, Jko) else flow._lib.swf_recorder_create
        with flow._lock:
            check(create(flow._live(), path_bytes, buffer, ctypes.byref(handle)))
        self._attach(flow, handle, path)

    def _attach(self, flow, handle, path):
        self.flow = flow
        self.path = path
        self._lib = flow._lib
        self._lock = flow._lock
        self._handle = handle
        flow._recorders.add(self)

    def append(self):
        """Appends the flow's current particles, step, time (and SW2 when enabled) as a frame."""
        with self._lock:
            check(self._lib.swf_recorder_append(self._live()))

    @property
    def last_sw2(self):
        """The SW2 value recorded with the last frame (NaN when sw2_directions is 0)."""
        out = ctypes.c_double()
        with self._lock:
            check(self._lib.swf_recorder_last_sw2(self._live(), ctypes.byref(out)))
        return out.value

    def checkpoint(self):
        """Stores the flow's complete state and publishes a complete copy at `path` atomically; a flow
        resumed from it continues bit-for-bit (CPU backend)."""
        with self._lock:
            check(self._lib.swf_recorder_checkpoint(self._live()))

    def close(self):
        """Checkpoints, publishes `path`, removes the temporary file and frees the recorder (freed even when
        this raises). Idempotent."""
        handle, self._handle = self._handle, None
        if handle is not None:
            with self._lock:
                check(self._lib.swf_recorder_close(handle))

    def discard(self):
        """Frees the recorder without publishing: the temporary file is removed, `path` is left as it was.
        Idempotent."""
        handle, self._handle = self._handle, None
        if handle is not None:
            with self._lock:
                self._lib.swf_recorder_discard(handle)

    def __exit__(self, exc_type, *exc):
        if exc_type is None:
            self.close()
        else:
            self.discard()
        return False

    def __del__(self):
        if self._handle is not None:
            try:
                warnings.warn("unclosed swflow.Recorder for %r: discarded" % (self.path,), ResourceWarning, 2)
                self.discard()
            except Exception:
                pass

    def __repr__(self):
        return "<swflow.Recorder %r%s>" % (self.path, " closed" if self.closed else "")


def resume(context, path, *, sw2_directions=256, compression=0, config=None, author=None):
    """Resumes the trajectory `path` written by a Recorder: returns (flow, recorder), the flow at the file's
    checkpoint (created in `context`, with the file's parameters and seed) and a Recorder continuing the
    same file, frames after the checkpoint trimmed. The keyword arguments are as for Recorder."""
    if not isinstance(context, Context):
        raise invalid("context must be a swflow.Context, not %s" % type(context).__name__)
    path_bytes = _arrays.encode(path, "path")
    buffer, keep = _record_params(sw2_directions, compression, config, author)
    flow_handle, recorder_handle = FlowHandle(), RecorderHandle()
    with context.lock:
        check(context._lib.swf_recorder_resume(context._live(), path_bytes, buffer, ctypes.byref(flow_handle),
                                               ctypes.byref(recorder_handle)))
    try:
        params = flow_parameters(path)  # no getter for a flow's parameters in the C API: read them back
    except BaseException:
        context._lib.swf_recorder_discard(recorder_handle)
        context._lib.swf_flow_destroy(flow_handle)
        raise
    flow = Flow._from_handle(context, flow_handle, params)  # from here the Flow owns flow_handle
    recorder = Recorder.__new__(Recorder)
    recorder._attach(flow, recorder_handle, path)
    return flow, recorder


def resume_jko(context, path, *, config=None):
    """Resumes the SW-JKO trajectory `path` written by a Recorder on a swflow.Jko: returns (jko, recorder), the
    scheme at the file's checkpoint (built from the file's parameters, seed and target in `context`) and a
    Recorder continuing the same file, frames after the checkpoint trimmed. It then takes the same steps, bit
    for bit, as a run never interrupted."""
    if not isinstance(context, Context):
        raise invalid("context must be a swflow.Context, not %s" % type(context).__name__)
    path_bytes = _arrays.encode(path, "path")
    buffer, keep = _record_params(256, 0, config, None)
    jko_handle, recorder_handle = JkoHandle(), RecorderHandle()
    with context.lock:
        check(context._lib.swf_jko_recorder_resume(context._live(), path_bytes, buffer, ctypes.byref(jko_handle),
                                                   ctypes.byref(recorder_handle)))
    jko = Jko._from_handle(context, jko_handle)  # from here the Jko owns jko_handle
    recorder = Recorder.__new__(Recorder)
    recorder._attach(jko, recorder_handle, path)
    return jko, recorder


def trajectory_shape(path):
    """(frames, n, d) of the trajectory file `path`."""
    path_bytes = _arrays.encode(path, "path")
    frames, n, d = ctypes.c_size_t(), ctypes.c_size_t(), ctypes.c_size_t()
    check(library().swf_trajectory_shape(path_bytes, ctypes.byref(frames), ctypes.byref(n), ctypes.byref(d)))
    return frames.value, n.value, d.value


def trajectory_frame(path, index):
    """Frame `index` (0-based; negative counts from the end) of the trajectory `path`, as Frame(x, step, time)
    with x an (n, d) float32 array."""
    frames, n, d = trajectory_shape(path)
    index = _arrays.count(index, "index", -frames if frames else 0)
    if index < 0:
        index += frames
    out = _arrays.empty(n, d)
    step, time = ctypes.c_uint64(), ctypes.c_double()
    check(library().swf_trajectory_frame(_arrays.encode(path, "path"), index, _arrays.pointer(out), n, d,
                                         ctypes.byref(step), ctypes.byref(time)))
    return Frame(out, step.value, time.value)


def trajectory_frames(path):
    """Every frame of the trajectory `path`, as Frames(x, steps, times): x (K, n, d) float32, steps (K,) uint64,
    times (K,) float64."""
    frames, n, d = trajectory_shape(path)
    path_bytes = _arrays.encode(path, "path")
    x = np.empty((frames, n, d), dtype=np.float32)
    steps = np.empty(frames, dtype=np.uint64)
    times = np.empty(frames, dtype=np.float64)
    step, time = ctypes.c_uint64(), ctypes.c_double()
    lib = library()
    for k in range(frames):
        check(lib.swf_trajectory_frame(path_bytes, k, _arrays.pointer(x[k]), n, d, ctypes.byref(step),
                                       ctypes.byref(time)))
        steps[k], times[k] = step.value, time.value
    return Frames(x, steps, times)


def _series(function, path):
    """Calls swf_trajectory_sw2 or _energy twice: the length, then the entries."""
    path_bytes = _arrays.encode(path, "path")
    count = ctypes.c_size_t()
    check(function(path_bytes, 0, None, None, None, ctypes.byref(count)))
    capacity = count.value
    steps = np.empty(capacity, dtype=np.uint64)
    times = np.empty(capacity, dtype=np.float64)
    values = np.empty(capacity, dtype=np.float64)
    check(function(path_bytes, capacity, steps.ctypes.data_as(ctypes.POINTER(ctypes.c_uint64)),
                   times.ctypes.data_as(ctypes.POINTER(ctypes.c_double)),
                   values.ctypes.data_as(ctypes.POINTER(ctypes.c_double)), ctypes.byref(count)))
    kept = min(capacity, count.value)  # the file may have changed between the two calls
    return Series(steps[:kept], times[:kept], values[:kept])


def trajectory_sw2(path):
    """The SW2 observable of the trajectory `path`, as Series(steps, times, values) (empty arrays when the
    file has none)."""
    return _series(library().swf_trajectory_sw2, path)


def trajectory_energy(path):
    """The energy observable of the trajectory `path` (an SW-JKO run's objective F), as Series(steps, times,
    values) (empty arrays when the file has none)."""
    return _series(library().swf_trajectory_energy, path)


def describe(path):
    """A human-readable description of the HDF5 file `path`: kind, dataset shapes, parameters, steps, times."""
    return text_of(library().swf_file_describe, _arrays.encode(path, "path"))


def file_parameter(path, name):
    """The attribute `name` of /parameters/swflow in the file `path`, as text (numbers in decimal, arrays
    comma-separated, e.g. "8,8" for image_shape). FormatError when there is no such attribute."""
    return text_of(library().swf_file_parameter, _arrays.encode(path, "path"), _arrays.encode(name, "name"))


def flow_parameters(path):
    """The flow parameters stored in a trajectory or checkpoint file, as the dict Flow.params holds."""
    text = {name: file_parameter(path, name)
            for name in ("num_directions", "step_size", "regularization", "directions", "velocity")}
    return {"num_directions": int(text["num_directions"]), "step_size": float(text["step_size"]),
            "regularization": float(text["regularization"]), "directions": text["directions"],
            "velocity": text["velocity"]}
