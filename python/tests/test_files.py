"""Files through the binding: a Recorder round trip read back with h5py (H5MD 1.1 layout, frames, the SW2
observable, parameters), resume with trimming, point sets, describe and file_parameter.

Run by ctest with /usr/bin/python3 (Debian's numpy and python3-h5py); SWFLOW_LIBRARY names the library.
"""
import os
import sys
import tempfile
import unittest

import numpy as np

try:
    import h5py
except ImportError:
    print("h5py is not installed (apt-get install python3-h5py): skipped")
    sys.exit(77)

import swflow


def text(value):
    return value.decode() if isinstance(value, bytes) else str(value)


class Files(unittest.TestCase):
    def setUp(self):
        self.scratch = tempfile.TemporaryDirectory()
        self.ctx = swflow.Context(seed=21, backend="cpu")
        self.target = swflow.dataset("8-gaussians", 400, seed=2)

    def tearDown(self):
        self.ctx.close()
        self.scratch.cleanup()

    def path(self, name):
        return os.path.join(self.scratch.name, name)

    def test_recorder_round_trip_read_with_h5py(self):
        path = self.path("run.h5")
        snapshots, sw2s, steps = [], [], []
        with swflow.Flow(self.ctx, self.target, num_directions=16, step_size=0.5, regularization=1e-4) as flow:
            flow.init_particles(300)
            with swflow.Recorder(flow, path, sw2_directions=32, compression=4, config="steps = 30\n",
                                 author="binding test") as recorder:
                for _ in range(4):
                    snapshots.append(flow.particles)
                    sw2s.append(recorder.last_sw2)
                    steps.append(flow.info().step)
                    self.assertFalse(os.path.exists(path))  # published only by checkpoint() or close()
                    flow.step(10)
                    recorder.append()
                snapshots.append(flow.particles)
                sw2s.append(recorder.last_sw2)
                steps.append(flow.info().step)
            final_info = flow.info()
        self.assertTrue(recorder.closed)
        self.assertFalse(os.path.exists(path + ".part"))

        with h5py.File(path, "r") as f:
            self.assertEqual(list(f["h5md"].attrs["version"]), [1, 1])
            self.assertEqual(text(f["h5md/creator"].attrs["name"]), "libswflow")
            self.assertEqual(text(f["h5md/author"].attrs["name"]), "binding test")
            position = f["particles/flow/position"]
            self.assertEqual(position["value"].shape, (5, 300, 2))
            self.assertEqual(position["value"].dtype, np.float32)
            np.testing.assert_array_equal(position["value"][...], np.stack(snapshots))
            np.testing.assert_array_equal(position["step"][...], steps)
            np.testing.assert_allclose(position["time"][...], np.array(steps) * 0.5)
            np.testing.assert_array_equal(f["particles/target/position"][...], self.target)
            np.testing.assert_array_equal(f["observables/sw2/value"][...], sw2s)
            parameters = f["parameters/swflow"].attrs
            self.assertEqual(int(parameters["num_directions"]), 16)
            self.assertEqual(int(parameters["seed"]), 21)
            self.assertEqual(text(parameters["config"]), "steps = 30\n")

        frames = swflow.trajectory_frames(path)
        np.testing.assert_array_equal(frames.x, np.stack(snapshots))
        np.testing.assert_array_equal(frames.steps, steps)
        last = swflow.trajectory_frame(path, -1)
        np.testing.assert_array_equal(last.x, snapshots[-1])
        self.assertEqual((last.step, last.time), (final_info.step, final_info.time))
        self.assertEqual(swflow.trajectory_shape(path), (5, 300, 2))
        series = swflow.trajectory_sw2(path)
        np.testing.assert_array_equal(series.values, sw2s)
        np.testing.assert_array_equal(series.steps, steps)
        self.assertEqual(swflow.file_parameter(path, "velocity"), "normalized")
        self.assertEqual(swflow.file_parameter(path, "author"), "binding test")
        description = swflow.describe(path)
        self.assertIn("trajectory", description)
        self.assertIn("300", description)
        # The last frame of the trajectory is also a point set.
        np.testing.assert_array_equal(swflow.read_points(path), snapshots[-1])

    def test_resume_trims_and_continues_bit_for_bit(self):
        path = self.path("resumable.h5")
        with swflow.Flow(self.ctx, self.target, num_directions=12, step_size=0.3) as flow:
            flow.init_particles(200)
            recorder = swflow.Recorder(flow, path, sw2_directions=0)
            flow.step(5)
            recorder.append()
            recorder.checkpoint()  # the file now holds frames 0 and 5 and the state at step 5
            flow.step(5)
            recorder.append()      # a frame after the checkpoint, lost by the discard below
            recorder.discard()
            flow.step(5)
            expected = flow.particles
        self.assertEqual(swflow.trajectory_shape(path)[0], 2)
        self.assertEqual(len(swflow.trajectory_sw2(path).values), 0)  # sw2_directions=0: no observable
        self.assertEqual(len(swflow.trajectory_energy(path).values), 0)  # a flow records no energy
        # An /observables/energy series (what an SW-JKO recorder writes) reads back entry for entry.
        energy_file = self.path("energy.h5")
        with h5py.File(energy_file, "w") as f:
            f["observables/energy/step"] = np.array([0, 3, 6], dtype=np.int64)
            f["observables/energy/time"] = np.array([0.0, 0.3, 0.6])
            f["observables/energy/value"] = np.array([1.5, -0.25, -2.0])
        energy = swflow.trajectory_energy(energy_file)
        np.testing.assert_array_equal(energy.steps, [0, 3, 6])
        np.testing.assert_array_equal(energy.values, [1.5, -0.25, -2.0])

        flow, recorder = swflow.resume(self.ctx, path, sw2_directions=0)
        with flow:
            with recorder:
                self.assertEqual(flow.info().step, 5)
                self.assertEqual(flow.num_directions, 12)
                flow.step(10)
                recorder.append()
            self.assertEqual(flow.particles.tobytes(), expected.tobytes())
        self.assertEqual(list(swflow.trajectory_frames(path).steps), [0, 5, 15])

    def test_an_exception_in_the_block_keeps_the_last_checkpoint(self):
        path = self.path("failed.h5")
        with swflow.Flow(self.ctx, self.target) as flow:
            flow.init_particles(100)
            with self.assertRaises(RuntimeError):
                with swflow.Recorder(flow, path, sw2_directions=0) as recorder:
                    flow.step(2)
                    recorder.append()
                    recorder.checkpoint()
                    flow.step(2)
                    recorder.append()
                    raise RuntimeError("the caller's own failure")
            self.assertTrue(recorder.closed)
        self.assertEqual(list(swflow.trajectory_frames(path).steps), [0, 2])
        self.assertFalse(os.path.exists(path + ".part"))

    def test_points_round_trip(self):
        path = self.path("points.h5")
        x = np.random.default_rng(4).normal(size=(50, 12))
        swflow.write_points(path, "digits", x, image_shape=(3, 4))
        np.testing.assert_array_equal(swflow.read_points(path), x.astype(np.float32))
        np.testing.assert_array_equal(swflow.read_points(path + ":/particles/digits"), x.astype(np.float32))
        self.assertEqual(swflow.file_parameter(path, "image_shape"), "3,4")
        with h5py.File(path, "r") as f:
            np.testing.assert_array_equal(f["particles/digits/position"][...], x.astype(np.float32))
        # Any 2-D numeric dataset is a point set too.
        plain = self.path("plain.h5")
        with h5py.File(plain, "w") as f:
            f["data/ints"] = np.arange(12, dtype=np.int16).reshape(4, 3)
        np.testing.assert_array_equal(swflow.read_points(plain + ":/data/ints"),
                                      np.arange(12, dtype=np.float32).reshape(4, 3))
        # Path-like objects work wherever a path is taken.
        import pathlib
        np.testing.assert_array_equal(swflow.read_points(pathlib.Path(path)), x.astype(np.float32))


if __name__ == "__main__":
    unittest.main()
