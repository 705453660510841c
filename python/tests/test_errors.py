"""Failures reach Python as SwflowError subclasses carrying the status and the library's swf_last_error()
text; shape and type mistakes are caught by the binding before any C call.

Run by ctest with /usr/bin/python3; SWFLOW_LIBRARY names the library.
"""
import os
import tempfile
import unittest

import numpy as np

import swflow
from swflow import errors


class Translation(unittest.TestCase):
    def setUp(self):
        self.ctx = swflow.Context(seed=0, backend="cpu")
        self.target = swflow.dataset("moons", 100)
        self.flow = swflow.Flow(self.ctx, self.target, num_directions=8)

    def tearDown(self):
        self.flow.close()
        self.ctx.close()

    def assertRaisesWith(self, cls, status, *fragments):
        """A context manager asserting the exception class, its status and fragments of its message."""
        test = self

        class Check:
            def __enter__(self):
                return self

            def __exit__(self, exc_type, exc, tb):
                test.assertIsNotNone(exc, "nothing was raised")
                test.assertIsInstance(exc, cls)
                test.assertIsInstance(exc, swflow.SwflowError)
                test.assertEqual(exc.status, status)
                test.assertEqual(str(exc), exc.message)
                for fragment in fragments:
                    test.assertIn(fragment, exc.message)
                return True

        return Check()

    def test_library_messages_are_carried(self):
        with self.assertRaisesWith(swflow.InvalidArgumentError, errors.ERR_INVALID_ARGUMENT,
                                   "swf_sliced_wasserstein", "non-finite", "row 1"):
            x = np.zeros((3, 2))
            x[1, 0] = np.nan
            swflow.sliced_wasserstein(x, self.target)
        with self.assertRaisesWith(swflow.InvalidArgumentError, errors.ERR_INVALID_ARGUMENT, "swf_flow_create"):
            swflow.Flow(self.ctx, self.target, step_size=-1.0)
        with self.assertRaisesWith(swflow.InvalidArgumentError, errors.ERR_INVALID_ARGUMENT, "swf_flow_create"):
            swflow.Flow(self.ctx, self.target, regularization=float("inf"))
        with self.assertRaisesWith(swflow.InvalidArgumentError, errors.ERR_INVALID_ARGUMENT, "swf_flow_create"):
            swflow.Flow(self.ctx, self.target, num_directions=0)
        with self.assertRaisesWith(swflow.InvalidArgumentError, errors.ERR_INVALID_ARGUMENT, "swf_flow_set_particles",
                                   "non-finite"):
            self.flow.set_particles(np.full((4, 2), np.inf))
        with self.assertRaisesWith(swflow.InvalidArgumentError, errors.ERR_INVALID_ARGUMENT, "swf_flow_step",
                                   "no particles"):
            self.flow.step()
        with self.assertRaisesWith(swflow.InvalidArgumentError, errors.ERR_INVALID_ARGUMENT, "swf_flow_init_particles"):
            self.flow.init_particles(10, scale=0.0)
        with self.assertRaisesWith(swflow.InvalidArgumentError, errors.ERR_INVALID_ARGUMENT, "swf_sliced_wasserstein",
                                   "p"):
            swflow.sliced_wasserstein(self.target, self.target, p=0.5)
        with self.assertRaisesWith(swflow.InvalidArgumentError, errors.ERR_INVALID_ARGUMENT, "unknown dataset",
                                   "nonesuch"):
            swflow.dataset("nonesuch", 10)
        with self.assertRaisesWith(swflow.InvalidArgumentError, errors.ERR_INVALID_ARGUMENT, "swf_dataset_generate"):
            swflow.dataset("moons", 10, d=3)

    def test_a_failed_call_does_not_disturb_the_flow(self):
        self.flow.init_particles(50).step(2)
        before = self.flow.particles
        with self.assertRaises(swflow.InvalidArgumentError):
            self.flow.set_particles(np.full((50, 2), np.nan))
        np.testing.assert_array_equal(self.flow.particles, before)
        self.assertEqual(self.flow.info().step, 2)

    def test_messages_are_per_call_not_stale(self):
        with self.assertRaises(swflow.InvalidArgumentError) as first:
            swflow.dataset("nonesuch", 10)
        swflow.dataset("moons", 10)
        with self.assertRaises(swflow.FileError) as second:
            swflow.read_points("/nonexistent/points.h5:/x")
        self.assertIn("nonesuch", first.exception.message)
        self.assertNotIn("nonesuch", second.exception.message)

    def test_none_wrong_shapes_and_types_are_caught_before_the_call(self):
        cases = [
            (lambda: swflow.sliced_wasserstein(None, self.target), "x is None"),
            (lambda: swflow.sliced_wasserstein(self.target, None), "y is None"),
            (lambda: swflow.sliced_wasserstein(self.target, np.zeros((5, 3))), "y has shape (5, 3)"),
            (lambda: swflow.sliced_wasserstein(np.zeros(5), self.target), "reshape(-1, 1)"),
            (lambda: swflow.sliced_wasserstein(self.target, self.target, np.zeros((4, 3))), "directions has shape"),
            (lambda: swflow.sliced_wasserstein(self.target, self.target, np.eye(2), L=3), "L is 3"),
            (lambda: swflow.sliced_wasserstein(self.target, self.target, L=-1), "L is -1"),
            (lambda: swflow.sliced_wasserstein(self.target, self.target, L=2**32), "L is 4294967296"),
            (lambda: swflow.sliced_wasserstein(self.target, self.target, p=None), "p must be a real number"),
            (lambda: swflow.sliced_wasserstein(self.target + 1j, self.target), "complex"),
            (lambda: swflow.sliced_wasserstein([["a", "b"]], self.target), "cannot be read as float32"),
            (lambda: swflow.Flow(None, self.target), "context must be a swflow.Context"),
            (lambda: swflow.Flow(self.ctx, None), "target is None"),
            (lambda: swflow.Flow(self.ctx, self.target, directions="sideways"), "directions is 'sideways'"),
            (lambda: swflow.Flow(self.ctx, self.target, step_size="big"), "step_size must be a real number"),
            (lambda: self.flow.set_particles(np.zeros((10, 3))), "x has shape (10, 3): expected (n, 2)"),
            (lambda: self.flow.set_directions(np.zeros((4, 1))), "theta has shape (4, 1)"),
            (lambda: self.flow.step(-1), "steps is -1"),
            (lambda: self.flow.step(2.5), "steps must be an integer"),
            (lambda: self.flow.init_particles(None), "n must be an integer"),
            (lambda: self.flow.init_particles(10, init="normal"), "init is 'normal'"),
            (lambda: self.flow.get_particles(out=np.zeros((3, 2))), "out must be"),
            (lambda: swflow.Context(backend="tpu"), "backend is 'tpu'"),
            (lambda: swflow.Context(seed=-1), "seed is -1"),
            (lambda: swflow.read_points(None), "spec is None"),
            (lambda: swflow.read_points("a\0b"), "NUL"),
            (lambda: swflow.write_points("/tmp/x.h5", "g", np.zeros((2, 4)), image_shape=(3, 3)), "image_shape"),
            (lambda: swflow.Recorder(None, "/tmp/x.h5"), "flow must be a swflow.Flow"),
        ]
        for call, fragment in cases:
            with self.subTest(fragment=fragment):
                with self.assertRaisesWith(swflow.InvalidArgumentError, errors.ERR_INVALID_ARGUMENT, fragment):
                    call()

    def test_closed_handles_refuse_calls(self):
        flow = swflow.Flow(self.ctx, self.target)
        flow.close()
        with self.assertRaisesWith(swflow.InvalidArgumentError, errors.ERR_INVALID_ARGUMENT, "flow is closed"):
            flow.step()
        ctx = swflow.Context()
        ctx.close()
        with self.assertRaisesWith(swflow.InvalidArgumentError, errors.ERR_INVALID_ARGUMENT, "context is closed"):
            swflow.Flow(ctx, self.target)

    def test_no_device(self):
        try:
            swflow.Context(backend="cuda").close()
        except swflow.NoDeviceError as error:
            self.assertEqual(error.status, errors.ERR_NO_DEVICE)
            self.assertIn("swf_context_create", error.message)
        else:
            self.skipTest("a CUDA device answers")

    def test_bad_files(self):
        with tempfile.TemporaryDirectory() as scratch:
            missing = os.path.join(scratch, "missing.h5")
            with self.assertRaisesWith(swflow.FileError, errors.ERR_IO, missing):
                swflow.read_points(missing)
            with self.assertRaisesWith(swflow.FileError, errors.ERR_IO, missing):
                swflow.trajectory_shape(missing)
            not_hdf5 = os.path.join(scratch, "text.h5")
            with open(not_hdf5, "w") as handle:
                handle.write("not HDF5\n")
            for call in (swflow.read_points, swflow.describe, swflow.trajectory_frames, swflow.trajectory_sw2,
                         lambda path: swflow.Flow.load(self.ctx, path)):
                with self.subTest(call=call):
                    with self.assertRaisesWith(swflow.FormatError, errors.ERR_FORMAT, not_hdf5):
                        call(not_hdf5)
            points = os.path.join(scratch, "points.h5")
            swflow.write_points(points, "cloud", self.target)
            with self.assertRaisesWith(swflow.FormatError, errors.ERR_FORMAT, points):
                swflow.read_points(points + ":/no/such/dataset")
            with self.assertRaisesWith(swflow.FormatError, errors.ERR_FORMAT, points):
                swflow.trajectory_shape(points)
            with self.assertRaisesWith(swflow.FormatError, errors.ERR_FORMAT, "no_such_parameter"):
                swflow.file_parameter(points, "no_such_parameter")
            truncated = os.path.join(scratch, "truncated.h5")
            with open(points, "rb") as source, open(truncated, "wb") as sink:
                sink.write(source.read()[:600])
            with self.assertRaisesWith(swflow.FormatError, errors.ERR_FORMAT, truncated):
                swflow.read_points(truncated)
            with self.assertRaisesWith(swflow.FileError, errors.ERR_IO):
                swflow.write_points(os.path.join(scratch, "no", "such", "dir.h5"), "g", self.target)

    def test_exceptions_are_also_builtin_kinds(self):
        self.assertTrue(issubclass(swflow.InvalidArgumentError, ValueError))
        self.assertTrue(issubclass(swflow.FileError, OSError))
        self.assertTrue(issubclass(swflow.OutOfMemoryError, MemoryError))
        error = errors.error_for(errors.ERR_IO, "f.h5: no such file")
        self.assertIsInstance(error, swflow.FileError)
        self.assertEqual((error.status, str(error)), (errors.ERR_IO, "f.h5: no such file"))
        self.assertIsInstance(errors.error_for(99, "?"), swflow.SwflowError)
        self.assertIn("SWF_ERR_IO", swflow.status_string(errors.ERR_IO))
        import pickle
        copy = pickle.loads(pickle.dumps(error))
        self.assertEqual((type(copy), copy.status, copy.message), (type(error), error.status, error.message))


if __name__ == "__main__":
    unittest.main()
