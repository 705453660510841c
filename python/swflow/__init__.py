"""swflow: Sliced-Wasserstein flows and distances (libswflow) from Python, through ctypes.

    import swflow
    with swflow.Context(seed=0) as ctx, swflow.Flow(ctx, swflow.dataset("moons", 2000), step_size=0.5) as flow:
        x = flow.init_particles(2000).step(100).particles      # (2000, 2) float32

Arrays go in as anything numpy reads (converted to C-contiguous float32 (n, d), shapes checked before the
call) and come out as new float32 arrays. Failures raise SwflowError subclasses carrying the status and
the library's message. Every handle (Context, Flow, Recorder, Model) has close() and is a context manager.
Model is the learned flow: trained on a flow's trajectory, model.sample(n) maps fresh draws of the initial
law to the flow's end in one pass.

The library is looked up, on first use, through the environment variable SWFLOW_LIBRARY (a path), then
a libswflow.so* next to this package, then the system's library path (libswflow.so.0).
"""
from ._library import library_path
from .core import (BACKENDS, DIRECTIONS, INITS, VELOCITIES, Context, Flow, FlowInfo, dataset, dataset_names,
                   sliced_wasserstein, version)
from .errors import (DeviceError, FileError, FormatError, InternalError, InvalidArgumentError, NoDeviceError,
                     OutOfMemoryError, SwflowError, UnsupportedError, status_string)
from .files import (Frame, Frames, Recorder, Series, describe, file_parameter, read_points, resume, resume_jko,
                    trajectory_energy, trajectory_frame, trajectory_frames, trajectory_shape, trajectory_sw2,
                    write_points)
from .jko import Jko, Objective
from .model import ACTIVATIONS, Model, ModelInfo

__version__ = "0.1.0"  # of the binding; version() gives the loaded library's

__all__ = [
    "Context", "Flow", "FlowInfo", "Jko", "Objective", "Recorder", "Model", "ModelInfo", "resume", "resume_jko", "sliced_wasserstein", "dataset",
    "dataset_names", "read_points", "write_points", "trajectory_shape", "trajectory_frame", "trajectory_frames",
    "trajectory_sw2", "trajectory_energy",
    "Frame", "Frames", "Series", "describe", "file_parameter", "version", "library_path", "status_string",
    "SwflowError", "InvalidArgumentError", "OutOfMemoryError", "NoDeviceError", "DeviceError", "FileError",
    "FormatError", "UnsupportedError", "InternalError", "BACKENDS", "DIRECTIONS", "VELOCITIES", "INITS",
    "ACTIVATIONS",
]
