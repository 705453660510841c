"""Finding libswflow and declaring the C ABI of swflow.h to ctypes.

Lookup order: the SWFLOW_LIBRARY environment variable (a path), a libswflow.so* next to this package,
then the system's library path (ctypes.util.find_library("swflow"), then "libswflow.so.0").
The library is loaded on first use, so `import swflow` works (and help() reads) without it.
"""
import ctypes
import ctypes.util
import glob
import os
import threading

# The ABI major this binding was written against (SWF_VERSION_MAJOR); 0.x also pins the minor.
ABI_MAJOR, ABI_MINOR = 0, 1

c_size_t = ctypes.c_size_t
c_uint32 = ctypes.c_uint32
c_uint64 = ctypes.c_uint64
c_double = ctypes.c_double
c_float_p = ctypes.POINTER(ctypes.c_float)
c_status = ctypes.c_int  # swf_status: a 32-bit enum (SWF_STATUS_FORCE_32BIT)


# Typed opaque handles, as in the header: a flow cannot be passed where a context is expected.
class _ContextS(ctypes.Structure):
    pass


class _FlowS(ctypes.Structure):
    pass


class _RecorderS(ctypes.Structure):
    pass


class _ModelS(ctypes.Structure):
    pass


class _JkoS(ctypes.Structure):
    pass


ContextHandle = ctypes.POINTER(_ContextS)
FlowHandle = ctypes.POINTER(_FlowS)
RecorderHandle = ctypes.POINTER(_RecorderS)
ModelHandle = ctypes.POINTER(_ModelS)
JkoHandle = ctypes.POINTER(_JkoS)


class FlowParams(ctypes.Structure):
    """swf_flow_params, field for field; new fields are only ever appended by the library."""

    _fields_ = [("struct_size", c_size_t), ("num_directions", c_uint32), ("step_size", ctypes.c_float),
                ("regularization", ctypes.c_float), ("directions", ctypes.c_int), ("velocity", ctypes.c_int)]


class RecordParams(ctypes.Structure):
    """swf_record_params, field for field."""

    _fields_ = [("struct_size", c_size_t), ("sw2_directions", c_uint32), ("compression", ctypes.c_int),
                ("config", ctypes.c_char_p), ("author", ctypes.c_char_p), ("image_shape", c_uint32 * 2)]


class ModelParams(ctypes.Structure):
    """swf_model_params, field for field (activation is swf_activation, initial_law swf_init: 32-bit enums)."""

    _fields_ = [("struct_size", c_size_t), ("width", c_uint32), ("depth", c_uint32), ("activation", ctypes.c_int),
                ("frequencies", c_uint32), ("time_scale", ctypes.c_float), ("initial_law", ctypes.c_int),
                ("initial_scale", ctypes.c_float)]


class TrainParams(ctypes.Structure):
    """swf_train_params, field for field."""

    _fields_ = [("struct_size", c_size_t), ("epochs", c_uint32), ("batch_size", c_uint32),
                ("learning_rate", ctypes.c_float), ("steps_per_snapshot", c_uint32),
                ("sliced_fraction", ctypes.c_float), ("sliced_directions", c_uint32)]


class JkoParams(ctypes.Structure):
    """swf_jko_params, field for field (the arrays are const float *, copied by swf_jko_create)."""

    _fields_ = [("struct_size", c_size_t), ("tau", ctypes.c_float), ("inner_steps", c_uint32),
                ("learning_rate", ctypes.c_float), ("num_directions", c_uint32), ("objective_directions", c_uint32),
                ("target_weight", ctypes.c_float), ("target", c_float_p), ("target_count", c_size_t),
                ("potential_weight", ctypes.c_float), ("potential_matrix", c_float_p),
                ("potential_center", c_float_p), ("interaction_weight", ctypes.c_float),
                ("interaction_a", ctypes.c_float), ("interaction_b", ctypes.c_float),
                ("entropy_weight", ctypes.c_float), ("bandwidth", ctypes.c_float),
                ("variant", ctypes.c_int32), ("generator_width", c_uint32), ("generator_depth", c_uint32),
                ("generator_activation", ctypes.c_int32), ("entropy_estimator", ctypes.c_int32),
                ("entropy_neighbours", c_uint32), ("generator_time_conditioned", c_uint32),
                ("generator_time_scale", ctypes.c_float)]


_P = ctypes.POINTER
_PROTOTYPES = {
    # name: (restype, argtypes)
    "swf_version": (c_uint32, []),
    "swf_version_string": (ctypes.c_char_p, []),
    "swf_status_string": (ctypes.c_char_p, [c_status]),
    "swf_last_error": (ctypes.c_char_p, []),
    "swf_context_create": (c_status, [ctypes.c_int, c_uint64, _P(ContextHandle)]),
    "swf_context_backend": (c_status, [ContextHandle, _P(ctypes.c_int)]),
    "swf_context_describe": (c_status, [ContextHandle, ctypes.c_char_p, c_size_t, _P(c_size_t)]),
    "swf_context_set_tf32": (c_status, [ContextHandle, ctypes.c_int]),
    "swf_context_destroy": (None, [ContextHandle]),
    # The params structs are passed as void *: the binding hands over a buffer at least as large as the
    # library's struct (see params_buffer).
    "swf_flow_params_init": (None, [ctypes.c_void_p]),
    "swf_flow_create": (c_status, [ContextHandle, ctypes.c_void_p, c_float_p, c_size_t, c_size_t, _P(FlowHandle)]),
    "swf_flow_init_particles": (c_status, [FlowHandle, c_size_t, ctypes.c_int, ctypes.c_float]),
    "swf_flow_set_particles": (c_status, [FlowHandle, c_float_p, c_size_t]),
    "swf_flow_set_directions": (c_status, [FlowHandle, c_float_p, c_uint32]),
    "swf_flow_step": (c_status, [FlowHandle, c_uint32]),
    "swf_flow_get_particles": (c_status, [FlowHandle, c_float_p, c_size_t]),
    "swf_flow_info": (c_status, [FlowHandle, _P(c_size_t), _P(c_size_t), _P(c_uint64), _P(c_double)]),
    "swf_flow_distance": (c_status, [FlowHandle, c_uint32, _P(c_double)]),
    "swf_flow_get_directions": (c_status, [FlowHandle, c_float_p, c_uint32]),
    "swf_flow_destroy": (None, [FlowHandle]),
    "swf_sliced_wasserstein": (c_status, [ContextHandle, c_float_p, c_size_t, c_float_p, c_size_t, c_size_t,
                                          c_float_p, c_uint32, c_double, _P(c_double)]),
    "swf_dataset_names": (ctypes.c_char_p, []),
    "swf_dataset_generate": (c_status, [ctypes.c_char_p, c_size_t, c_size_t, c_uint64, c_float_p]),
    "swf_points_shape": (c_status, [ctypes.c_char_p, _P(c_size_t), _P(c_size_t)]),
    "swf_points_read": (c_status, [ctypes.c_char_p, c_float_p, c_size_t, c_size_t]),
    "swf_points_write": (c_status, [ctypes.c_char_p, ctypes.c_char_p, c_float_p, c_size_t, c_size_t, _P(c_uint32)]),
    "swf_record_params_init": (None, [ctypes.c_void_p]),
    "swf_recorder_create": (c_status, [FlowHandle, ctypes.c_char_p, ctypes.c_void_p, _P(RecorderHandle)]),
    "swf_recorder_append": (c_status, [RecorderHandle]),
    "swf_recorder_last_sw2": (c_status, [RecorderHandle, _P(c_double)]),
    "swf_recorder_checkpoint": (c_status, [RecorderHandle]),
    "swf_recorder_close": (c_status, [RecorderHandle]),
    "swf_recorder_discard": (None, [RecorderHandle]),
    "swf_recorder_resume": (c_status, [ContextHandle, ctypes.c_char_p, ctypes.c_void_p, _P(FlowHandle),
                                       _P(RecorderHandle)]),
    "swf_flow_save": (c_status, [FlowHandle, ctypes.c_char_p]),
    "swf_flow_load": (c_status, [ContextHandle, ctypes.c_char_p, _P(FlowHandle)]),
    "swf_trajectory_shape": (c_status, [ctypes.c_char_p, _P(c_size_t), _P(c_size_t), _P(c_size_t)]),
    "swf_trajectory_frame": (c_status, [ctypes.c_char_p, c_size_t, c_float_p, c_size_t, c_size_t, _P(c_uint64),
                                        _P(c_double)]),
    "swf_trajectory_sw2": (c_status, [ctypes.c_char_p, c_size_t, _P(c_uint64), _P(c_double), _P(c_double),
                                      _P(c_size_t)]),
    "swf_trajectory_energy": (c_status, [ctypes.c_char_p, c_size_t, _P(c_uint64), _P(c_double), _P(c_double),
                                         _P(c_size_t)]),
    "swf_file_parameter": (c_status, [ctypes.c_char_p, ctypes.c_char_p, ctypes.c_char_p, c_size_t, _P(c_size_t)]),
    "swf_file_describe": (c_status, [ctypes.c_char_p, ctypes.c_char_p, c_size_t, _P(c_size_t)]),
    "swf_model_params_init": (None, [ctypes.c_void_p]),
    "swf_train_params_init": (None, [ctypes.c_void_p]),
    "swf_model_create": (c_status, [ContextHandle, c_size_t, ctypes.c_void_p, _P(ModelHandle)]),
    "swf_model_train_trajectory": (c_status, [ModelHandle, ctypes.c_char_p, ctypes.c_void_p, _P(c_double)]),
    "swf_model_train_snapshot": (c_status, [ModelHandle, FlowHandle, ctypes.c_void_p, _P(c_double)]),
    "swf_model_map": (c_status, [ModelHandle, c_float_p, c_size_t, c_double, c_float_p]),
    "swf_model_sample": (c_status, [ModelHandle, c_size_t, c_double, c_float_p]),
    "swf_model_info": (c_status, [ModelHandle, _P(c_size_t), _P(c_double), _P(c_uint64)]),
    "swf_model_save": (c_status, [ModelHandle, ctypes.c_char_p]),
    "swf_model_load": (c_status, [ContextHandle, ctypes.c_char_p, _P(ModelHandle)]),
    "swf_model_destroy": (None, [ModelHandle]),
    "swf_jko_params_init": (None, [ctypes.c_void_p]),
    "swf_jko_create": (c_status, [ContextHandle, ctypes.c_void_p, c_size_t, _P(JkoHandle)]),
    "swf_jko_init_particles": (c_status, [JkoHandle, c_size_t, ctypes.c_int, ctypes.c_float]),
    "swf_jko_set_particles": (c_status, [JkoHandle, c_float_p, c_size_t]),
    "swf_jko_step": (c_status, [JkoHandle, c_uint32]),
    "swf_jko_get_particles": (c_status, [JkoHandle, c_float_p, c_size_t]),
    "swf_jko_objective": (c_status, [JkoHandle, _P(c_double), _P(c_double)]),
    "swf_jko_info": (c_status, [JkoHandle, _P(c_size_t), _P(c_size_t), _P(c_uint64), _P(c_double)]),
    "swf_jko_sample": (c_status, [JkoHandle, c_size_t, c_float_p]),
    "swf_jko_sample_at": (c_status, [JkoHandle, ctypes.c_double, c_size_t, c_float_p]),
    "swf_jko_save_generator": (c_status, [JkoHandle, ctypes.c_char_p]),
    "swf_jko_destroy": (None, [JkoHandle]),
    "swf_jko_recorder_create": (c_status, [JkoHandle, ctypes.c_char_p, ctypes.c_void_p, _P(RecorderHandle)]),
    "swf_jko_recorder_resume": (c_status, [ContextHandle, ctypes.c_char_p, ctypes.c_void_p, _P(JkoHandle),
                                           _P(RecorderHandle)]),
}

_lock = threading.Lock()
_loaded = None
_loaded_path = None


def candidates():
    """The paths and names tried, in order."""
    found = []
    env = os.environ.get("SWFLOW_LIBRARY")
    if env:
        return [env]  # an explicit choice is never silently replaced by another library
    here = os.path.dirname(os.path.abspath(__file__))
    # The unversioned name first (a developer's symlink), then the soname, then any full version.
    for pattern in ("libswflow.so", "libswflow.so.%d" % ABI_MAJOR, "libswflow.so.*"):
        found += sorted(p for p in glob.glob(os.path.join(here, pattern)) if p not in found)
    system = ctypes.util.find_library("swflow")
    if system:
        found.append(system)
    found.append("libswflow.so.%d" % ABI_MAJOR)
    return found


def library():
    """The loaded libswflow (a ctypes.CDLL with every prototype declared); loads it on first use."""
    global _loaded, _loaded_path
    if _loaded is not None:
        return _loaded
    with _lock:
        if _loaded is not None:
            return _loaded
        errors = []
        for path in candidates():
            try:
                lib = ctypes.CDLL(path)
            except OSError as error:
                errors.append("%s: %s" % (path, error))
                continue
            _declare(lib, path)
            _loaded_path = path
            _loaded = lib
            return lib
        raise OSError("libswflow not found; set SWFLOW_LIBRARY to its path. Tried:\n  " + "\n  ".join(errors))


def library_path():
    """The path or name libswflow was loaded from (loads it if needed)."""
    library()
    return _loaded_path


def _declare(lib, path):
    for name, (restype, argtypes) in _PROTOTYPES.items():
        try:
            function = getattr(lib, name)
        except AttributeError:
            raise OSError("%s is not a usable libswflow: it lacks %s" % (path, name)) from None
        function.restype = restype
        function.argtypes = argtypes
    version = lib.swf_version()
    major, minor = version // 10000, version // 100 % 100
    if major != ABI_MAJOR or (ABI_MAJOR == 0 and minor < ABI_MINOR):
        raise OSError("%s is libswflow %s; this binding needs %d.%d or a later %d.x" %
                      (path, lib.swf_version_string().decode(), ABI_MAJOR, ABI_MINOR, ABI_MAJOR))


def params_buffer(struct_type, init_name):
    """A params struct filled by the library's *_init function, as (buffer, struct view).

    The init function writes sizeof(the library's struct) bytes and takes no size: a library newer than
    this binding may have appended fields. The buffer is therefore oversized, and the fields the binding
    does not know keep the library's defaults when the buffer is passed back.
    """
    size = max(ctypes.sizeof(struct_type), 1024)
    buffer = ctypes.create_string_buffer(size)
    getattr(library(), init_name)(buffer)
    view = struct_type.from_buffer(buffer)
    if not ctypes.sizeof(struct_type) <= view.struct_size <= size:
        raise OSError("%s reports struct_size %d; this binding knows %d bytes" %
                      (init_name, view.struct_size, ctypes.sizeof(struct_type)))
    return buffer, view
