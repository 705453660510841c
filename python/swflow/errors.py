"""Exceptions: one class per swf_status, each carrying the status and the swf_last_error() text.

Every class derives from SwflowError; each also derives from the built-in exception Python code would
expect for it (ValueError for a bad argument, OSError for a file that cannot be read, MemoryError ...),
so `except ValueError` works as well as `except swflow.InvalidArgumentError`.
"""
import ctypes

from ._library import library

OK = 0
ERR_INVALID_ARGUMENT = 1
ERR_OUT_OF_MEMORY = 2
ERR_NO_DEVICE = 3
ERR_DEVICE = 4
ERR_IO = 5
ERR_FORMAT = 6
ERR_UNSUPPORTED = 7
ERR_INTERNAL = 8


class SwflowError(Exception):
    """A libswflow call failed. `status` is the swf_status code, `message` the swf_last_error() text."""

    def __init__(self, status, message):
        super().__init__(message)
        self.status = status
        self.message = message

    def __str__(self):
        return self.message

    def __reduce__(self):
        return (type(self), (self.status, self.message))


class InvalidArgumentError(SwflowError, ValueError):
    """SWF_ERR_INVALID_ARGUMENT: None, zero or inconsistent sizes, NaN/Inf, out-of-range values."""


class OutOfMemoryError(SwflowError, MemoryError):
    """SWF_ERR_OUT_OF_MEMORY: a host or device allocation failed; nothing was changed."""


class NoDeviceError(SwflowError, RuntimeError):
    """SWF_ERR_NO_DEVICE: the CUDA backend was asked for, but no usable GPU (or no CUDA build)."""


class DeviceError(SwflowError, RuntimeError):
    """SWF_ERR_DEVICE: a CUDA, cuBLAS or cuRAND call failed."""


class FileError(SwflowError, OSError):
    """SWF_ERR_IO: a file could not be opened, read or written."""


class FormatError(SwflowError, ValueError):
    """SWF_ERR_FORMAT: a file is not what it should be (not HDF5, wrong shape, missing dataset ...)."""


class UnsupportedError(SwflowError, NotImplementedError):
    """SWF_ERR_UNSUPPORTED: a valid request this build or backend cannot serve."""


class InternalError(SwflowError, RuntimeError):
    """SWF_ERR_INTERNAL: a bug in libswflow; please report the message."""


_BY_STATUS = {
    ERR_INVALID_ARGUMENT: InvalidArgumentError,
    ERR_OUT_OF_MEMORY: OutOfMemoryError,
    ERR_NO_DEVICE: NoDeviceError,
    ERR_DEVICE: DeviceError,
    ERR_IO: FileError,
    ERR_FORMAT: FormatError,
    ERR_UNSUPPORTED: UnsupportedError,
    ERR_INTERNAL: InternalError,
}


def error_for(status, message):
    """The exception for `status` with `message` (SwflowError itself for a status this binding does not know)."""
    return _BY_STATUS.get(status, SwflowError)(status, message)


def invalid(message):
    """An InvalidArgumentError raised by the binding itself, before calling the library."""
    return InvalidArgumentError(ERR_INVALID_ARGUMENT, message)


def check(status):
    """Raises the exception for a failed call; reads swf_last_error() on the calling thread right away."""
    if status != OK:
        lib = library()
        text = lib.swf_last_error().decode("utf-8", "replace")
        if not text:
            text = lib.swf_status_string(status).decode("utf-8", "replace")
        raise error_for(status, text)


def text_of(function, *args):
    """Calls a (..., char *text, size_t capacity, size_t *length) function twice: length, then text."""
    length = ctypes.c_size_t()
    check(function(*args, None, 0, ctypes.byref(length)))
    while True:
        capacity = length.value + 1
        buffer = ctypes.create_string_buffer(capacity)
        check(function(*args, buffer, capacity, ctypes.byref(length)))
        if length.value < capacity:  # else the text grew between the calls: ask again
            return buffer.raw[:length.value].decode("utf-8", "replace")


def status_string(status):
    """The library's constant name for a status, e.g. "SWF_ERR_IO: input/output error"."""
    return library().swf_status_string(status).decode("utf-8", "replace")
