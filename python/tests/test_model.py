"""The learned flow through the binding (swflow.Model over swf_model_*): f(x0, 0) = x0, save/load round trips,
training on a trajectory recorded through the binding and from a running flow, errors with the library's text.

Run by ctest with /usr/bin/python3; SWFLOW_LIBRARY names the library.
"""
import gc
import os

os.environ.setdefault("OMP_NUM_THREADS", "1")  # small problems: spinning OpenMP barriers only slow them down
import tempfile
import unittest

import numpy as np

import swflow
from swflow import errors

SMALL = dict(width=32, depth=2)  # a small network: every test here runs in well under a second


class LearnedFlow(unittest.TestCase):
    def setUp(self):
        self.scratch = tempfile.TemporaryDirectory()
        self.ctx = swflow.Context(seed=4, backend="cpu")
        self.target = swflow.dataset("moons", 400, seed=1)

    def tearDown(self):
        self.ctx.close()
        self.scratch.cleanup()

    def path(self, name):
        return os.path.join(self.scratch.name, name)

    def record(self, name="run.h5", n=400, d=2, snapshots=8):
        """A trajectory recorded through the binding: the initial particles, then a frame every 5 steps.
        Returns (path, final flow time)."""
        path = self.path(name)
        target = self.target if d == 2 else swflow.dataset("gaussian", 400, d)
        with swflow.Flow(self.ctx, target, num_directions=16, step_size=0.5) as flow:
            flow.init_particles(n)
            with swflow.Recorder(flow, path, sw2_directions=0) as recorder:
                for _ in range(snapshots):
                    flow.step(5)
                    recorder.append()
            return path, flow.time

    def assertRaisesWith(self, cls, status, *fragments):
        """A context manager asserting the exception class, its status and fragments of its message."""
        return RaisesWith(self, cls, status, fragments)

    def test_time_zero_is_the_identity(self):
        x0 = np.random.default_rng(0).normal(size=(50, 2))
        with swflow.Model(self.ctx, 2, **SMALL) as model:
            np.testing.assert_array_equal(model.map(x0, 0.0), x0.astype(np.float32))
            path, _ = self.record()
            model.train_trajectory(path, epochs=2, batch_size=128)
            self.assertGreater(model.steps, 0)
            out = model.map(x0, 0)
            self.assertEqual((out.shape, out.dtype), ((50, 2), np.float32))
            np.testing.assert_array_equal(out, x0.astype(np.float32))  # f(x0, 0) = x0 exactly, trained or not
            self.assertFalse(np.array_equal(model.map(x0, 1.0), out))

    def test_save_load_round_trip(self):
        path, T = self.record()
        x0 = np.random.default_rng(1).normal(size=(64, 2)).astype(np.float32)
        with swflow.Model(self.ctx, 2, activation="tanh", frequencies=4, time_scale=T, **SMALL) as model:
            model.train_trajectory(path, epochs=3, batch_size=128)
            saved = self.path("model.h5")
            model.save(saved)
            with swflow.Context(seed=99, backend="cpu") as other, swflow.Model.load(other, saved) as loaded:
                self.assertEqual((loaded.dim, loaded.time_scale), (2, T))
                # The file records the step count (attribute adam_steps) but not Adam's moments: a loaded model
                # restarts Adam and counts its own steps from 0.
                self.assertEqual(loaded.steps, 0)
                self.assertIsNone(loaded.params)
                for t in (0.0, T / 3, T, 2 * T):
                    np.testing.assert_array_equal(loaded.map(x0, t), model.map(x0, t))
                # The file holds the model's seed, so its sample stream is the original's.
                np.testing.assert_array_equal(loaded.sample(100), model.sample(100))
        self.assertIn("model", swflow.describe(saved).lower())

    def test_train_trajectory_lowers_the_loss_and_samples(self):
        path, T = self.record()
        with swflow.Model(self.ctx, 2, time_scale=T, **SMALL) as model:
            self.assertEqual((model.dim, model.time_scale, model.steps), (2, T, 0))
            losses = [model.train_trajectory(path, epochs=5, batch_size=128) for _ in range(4)]
            self.assertTrue(all(np.isfinite(losses)), losses)
            # Each call restarts the cosine schedule, and the sliced rows' targets move with the model: the
            # loss falls over the calls, not necessarily at each one.
            self.assertLess(losses[-1], 0.6 * losses[0], losses)
            self.assertEqual(model.steps, 4 * 5 * (8 * 400 // 128))  # the 8 frames after t = 0, 5 epochs per call
            samples = model.sample(1000)
            self.assertEqual((samples.shape, samples.dtype), ((1000, 2), np.float32))
            self.assertTrue(np.isfinite(samples).all())
            self.assertFalse(np.array_equal(model.sample(1000), samples))  # each call draws fresh x0
            self.assertEqual(model.sample(10, t=0.0).shape, (10, 2))
            # The samples are much nearer the target than their initial law is.
            start = np.random.default_rng(2).normal(size=(1000, 2))
            self.assertLess(swflow.sliced_wasserstein(samples, self.target),
                            0.5 * swflow.sliced_wasserstein(start, self.target))

    def test_train_snapshot_from_a_running_flow(self):
        with swflow.Flow(self.ctx, self.target, num_directions=16, step_size=0.5) as flow, \
                swflow.Model(self.ctx, 2, time_scale=20.0, **SMALL) as model:
            flow.init_particles(300)
            losses = [model.train_snapshot(flow, steps_per_snapshot=10, batch_size=128)]
            for _ in range(8):
                flow.step(5)
                losses.append(model.train_snapshot(flow, steps_per_snapshot=10, batch_size=128))
            self.assertEqual(flow.time, 20.0)
            self.assertEqual(losses[0], 0.0)  # at t = 0 there is nothing to learn: f(x0, 0) = x0
            self.assertEqual(model.steps, 8 * 10)
            self.assertTrue(all(np.isfinite(losses)), losses)
            self.assertLess(losses[-1], losses[1])
            samples = model.sample(500)
            self.assertEqual(samples.shape, (500, 2))
            self.assertTrue(np.isfinite(samples).all())
            # A flow with another particle count than the first snapshot's is refused.
            flow.init_particles(200)
            with self.assertRaisesWith(swflow.InvalidArgumentError, errors.ERR_INVALID_ARGUMENT,
                                       "swf_model_train_snapshot", "the first snapshot had 300"):
                model.train_snapshot(flow)
            # A flow in another context (its own lock) is accepted.
            with swflow.Context(seed=5, backend="cpu") as other, \
                    swflow.Flow(other, self.target, num_directions=16) as elsewhere:
                elsewhere.init_particles(300).step(2)
                self.assertTrue(np.isfinite(model.train_snapshot(elsewhere, steps_per_snapshot=1)))

    def test_errors_carry_the_library_text(self):
        x0 = np.zeros((4, 2), dtype=np.float32)
        model = swflow.Model(self.ctx, 2, **SMALL)
        bad = x0.copy()
        bad[2, 1] = np.nan
        with self.assertRaisesWith(swflow.InvalidArgumentError, errors.ERR_INVALID_ARGUMENT, "swf_model_map",
                                   "non-finite", "row 2, column 1"):
            model.map(bad, 0.5)
        with self.assertRaisesWith(swflow.InvalidArgumentError, errors.ERR_INVALID_ARGUMENT, "swf_model_map",
                                   "t is -1", ">= 0"):
            model.map(x0, -1.0)
        with self.assertRaisesWith(swflow.InvalidArgumentError, errors.ERR_INVALID_ARGUMENT, "swf_model_sample",
                                   "t is -0.5"):
            model.sample(3, t=-0.5)
        with self.assertRaisesWith(swflow.InvalidArgumentError, errors.ERR_INVALID_ARGUMENT, "swf_model_sample",
                                   "n is 0"):
            model.sample(0)
        # Wrong dimension: caught by the binding for arrays, by the library for flows and trajectories.
        with self.assertRaisesWith(swflow.InvalidArgumentError, errors.ERR_INVALID_ARGUMENT, "x0 has shape (4, 3)",
                                   "expected (n, 2)"):
            model.map(np.zeros((4, 3)), 0.5)
        path3, _ = self.record("d3.h5", n=100, d=3, snapshots=1)
        with self.assertRaisesWith(swflow.InvalidArgumentError, errors.ERR_INVALID_ARGUMENT,
                                   "swf_model_train_trajectory", "dimension 3", "the model's is 2"):
            model.train_trajectory(path3)
        with swflow.Flow(self.ctx, swflow.dataset("gaussian", 50, 3), num_directions=4) as flow3:
            flow3.init_particles(50)
            with self.assertRaisesWith(swflow.InvalidArgumentError, errors.ERR_INVALID_ARGUMENT,
                                       "swf_model_train_snapshot", "dimension is 3", "the model's 2"):
                model.train_snapshot(flow3)
        # Not a model: a point set, a trajectory, a missing file.
        points = self.path("points.h5")
        swflow.write_points(points, "pts", x0)
        with self.assertRaisesWith(swflow.FormatError, errors.ERR_FORMAT, "swf_model_load", points,
                                   "not a libswflow model"):
            swflow.Model.load(self.ctx, points)
        with self.assertRaisesWith(swflow.FormatError, errors.ERR_FORMAT, "swf_model_load", "not a libswflow model"):
            swflow.Model.load(self.ctx, path3)
        with self.assertRaisesWith(swflow.FileError, errors.ERR_IO, "swf_model_load", "no such file"):
            swflow.Model.load(self.ctx, self.path("missing.h5"))
        # Creation and training parameters: range and type checks in Python, the rest in the library.
        with self.assertRaisesWith(swflow.InvalidArgumentError, errors.ERR_INVALID_ARGUMENT, "swf_model_create",
                                   "depth is 65"):
            swflow.Model(self.ctx, 2, depth=65)
        with self.assertRaisesWith(swflow.InvalidArgumentError, errors.ERR_INVALID_ARGUMENT, "swf_model_create",
                                   "frequencies is 25"):
            swflow.Model(self.ctx, 2, frequencies=25)
        with self.assertRaisesWith(swflow.InvalidArgumentError, errors.ERR_INVALID_ARGUMENT, "swf_model_create",
                                   "time_scale"):
            swflow.Model(self.ctx, 2, time_scale=0.0)
        with self.assertRaisesWith(swflow.InvalidArgumentError, errors.ERR_INVALID_ARGUMENT, "swf_model_create",
                                   "dimension d is 0"):
            swflow.Model(self.ctx, 0)
        with self.assertRaisesWith(swflow.InvalidArgumentError, errors.ERR_INVALID_ARGUMENT, "width is -1"):
            swflow.Model(self.ctx, 2, width=-1)
        with self.assertRaisesWith(swflow.InvalidArgumentError, errors.ERR_INVALID_ARGUMENT, "width is 4294967296"):
            swflow.Model(self.ctx, 2, width=2**32)  # would wrap to 0 as a uint32_t
        with self.assertRaisesWith(swflow.InvalidArgumentError, errors.ERR_INVALID_ARGUMENT, "activation is 'gelu'"):
            swflow.Model(self.ctx, 2, activation="gelu")
        with self.assertRaisesWith(swflow.InvalidArgumentError, errors.ERR_INVALID_ARGUMENT, "initial_law"):
            swflow.Model(self.ctx, 2, initial_law="cauchy")
        with self.assertRaisesWith(swflow.InvalidArgumentError, errors.ERR_INVALID_ARGUMENT,
                                   "swf_model_train_trajectory", "epochs is 0"):
            model.train_trajectory(path3, epochs=0)
        with self.assertRaisesWith(swflow.InvalidArgumentError, errors.ERR_INVALID_ARGUMENT,
                                   "swf_model_train_trajectory", "learning_rate"):
            model.train_trajectory(path3, learning_rate=float("nan"))
        with self.assertRaisesWith(swflow.InvalidArgumentError, errors.ERR_INVALID_ARGUMENT, "flow must be"):
            model.train_snapshot(x0)
        with self.assertRaisesWith(swflow.InvalidArgumentError, errors.ERR_INVALID_ARGUMENT, "context must be"):
            swflow.Model(None, 2)
        # Closed handles.
        model.close()
        model.close()
        with self.assertRaisesWith(swflow.InvalidArgumentError, errors.ERR_INVALID_ARGUMENT, "this model is closed"):
            model.map(x0, 0.0)
        with self.assertRaisesWith(swflow.InvalidArgumentError, errors.ERR_INVALID_ARGUMENT, "this model is closed"):
            model.sample(2)
        self.assertEqual(repr(model), "<swflow.Model closed>")
        closed = swflow.Context(backend="cpu")
        closed.close()
        with self.assertRaisesWith(swflow.InvalidArgumentError, errors.ERR_INVALID_ARGUMENT, "this context is closed"):
            swflow.Model(closed, 2)

    def test_lifetimes(self):
        # The model keeps its context object alive, and stays valid after the context is closed.
        model = swflow.Model(swflow.Context(seed=3, backend="cpu"), 2, **SMALL)
        gc.collect()
        self.assertFalse(model.context.closed)
        model.context.close()
        self.assertEqual(model.sample(5).shape, (5, 2))
        del model
        gc.collect()
        for _ in range(200):  # dropped without close(): freed by the garbage collector, never twice
            swflow.Model(self.ctx, 2, **SMALL).sample(4)
        with swflow.Model(self.ctx, 3, **SMALL) as model:
            self.assertIn("d=3", repr(model))
        self.assertTrue(model.closed)


class RaisesWith:
    def __init__(self, test, cls, status, fragments):
        self.test, self.cls, self.status, self.fragments = test, cls, status, fragments

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        test = self.test
        test.assertIsNotNone(exc, "nothing was raised")
        test.assertIsInstance(exc, self.cls)
        test.assertIsInstance(exc, swflow.SwflowError)
        test.assertEqual(exc.status, self.status)
        for fragment in self.fragments:
            test.assertIn(fragment, exc.message)
        return True


if __name__ == "__main__":
    unittest.main()
