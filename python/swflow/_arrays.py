"""numpy <-> C: every array handed to the library is a C-contiguous float32 `count x d` matrix, checked here
before the call so that a shape mistake names the Python argument rather than a C parameter."""
import ctypes

import numpy as np

from .errors import invalid


def points(array, name, d=None):
    """`array` as a C-contiguous float32 (n, d) array (converted, copying only when needed).

    Raises InvalidArgumentError for None, a complex or non-numeric array, or a shape other than (n, d)
    (with d the given dimension when not None). Values are not checked here: the library rejects NaN/Inf
    and says where.
    """
    if array is None:
        raise invalid("%s is None: pass an (n, d) array" % name)
    if np.iscomplexobj(array):
        raise invalid("%s is complex: pass real values" % name)
    try:
        result = np.ascontiguousarray(array, dtype=np.float32)
    except (TypeError, ValueError) as error:
        raise invalid("%s cannot be read as float32 values: %s" % (name, error)) from None
    if result.ndim != 2:
        hint = " (use x.reshape(-1, 1) for 1-D points)" if result.ndim == 1 else ""
        raise invalid("%s has shape %s: expected a 2-D (n, d) array%s" % (name, result.shape, hint))
    if d is not None and result.shape[1] != d:
        raise invalid("%s has shape %s: expected (n, %d)" % (name, result.shape, d))
    return result


def pointer(array):
    """A float * to the data of a C-contiguous float32 array (the array must stay alive during the call)."""
    return array.ctypes.data_as(ctypes.POINTER(ctypes.c_float))


def empty(n, d):
    """A fresh C-contiguous float32 (n, d) array for the library to fill."""
    return np.empty((n, d), dtype=np.float32)


def encode(text, name):
    """A str or path-like as the NUL-terminated UTF-8 bytes a `const char *` expects."""
    if text is None:
        raise invalid("%s is None" % name)
    if isinstance(text, bytes):
        result = text
    else:
        try:
            import os
            result = os.fsencode(text)
        except TypeError:
            raise invalid("%s must be a str or a path, not %s" % (name, type(text).__name__)) from None
    if b"\0" in result:
        raise invalid("%s contains a NUL character" % name)
    return result


def count(value, name, minimum=0, maximum=None):
    """An integer argument checked for range before it is truncated to a C unsigned type."""
    try:
        result = int(value)
    except (TypeError, ValueError):
        raise invalid("%s must be an integer, not %r" % (name, value)) from None
    if result != value and not isinstance(value, (np.integer, int)):
        raise invalid("%s must be an integer, not %r" % (name, value))
    if result < minimum or (maximum is not None and result > maximum):
        bound = "" if maximum is None else " and at most %d" % maximum
        raise invalid("%s is %d: it must be at least %d%s" % (name, result, minimum, bound))
    return result


UINT32_MAX = 2**32 - 1
UINT64_MAX = 2**64 - 1
SIZE_MAX = 2**(8 * ctypes.sizeof(ctypes.c_size_t)) - 1


def real(value, name):
    """A float argument (range and finiteness are checked by the library, which names the argument)."""
    try:
        return float(value)
    except (TypeError, ValueError):
        raise invalid("%s must be a real number, not %r" % (name, value)) from None
