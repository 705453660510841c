"""SW-JKO from Python: the ring of radius 1/sqrt(3), the objective's terms and weights, and argument errors naming
the Python argument or the library's parameter.

Run by ctest with /usr/bin/python3; SWFLOW_LIBRARY names the library.
"""
import os
import shutil

os.environ.setdefault("OMP_NUM_THREADS", "1")  # set before libgomp loads: small O(n^2) loops, a busy machine
import tempfile
import unittest

import numpy as np

import swflow


class JkoTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()

    def tearDown(self):
        self.tmp.cleanup()

    def test_aggregation_settles_on_the_ring(self):
        with swflow.Context(seed=7, backend="cpu") as ctx:
            jko = swflow.Jko(ctx, 2, interaction=(4, 2), tau=0.1, inner_steps=30, learning_rate=5e-3)
            jko.init_particles(300, scale=0.25)
            before = jko.objective()
            jko.step(30)
            after = jko.objective()
            x = jko.particles
            info = jko.info()
            jko.close()
            jko.close()  # idempotent
        radius = np.linalg.norm(x - x.mean(axis=0), axis=1)
        self.assertAlmostEqual(radius.mean(), 1 / np.sqrt(3), delta=0.02 / np.sqrt(3))
        self.assertLess(after.total, before.total)
        self.assertEqual(after.total, after.interaction)
        self.assertEqual((info.n, info.d, info.step), (300, 2, 30))
        self.assertAlmostEqual(info.time, 3.0, places=5)

    def test_generator_pushes_its_law_to_the_ring_and_saves_as_a_model(self):
        with swflow.Context(seed=3, backend="cpu") as ctx:
            with swflow.Jko(ctx, 2, interaction=(4, 2), tau=0.1, inner_steps=40, learning_rate=5e-3,
                            generator=True, width=32, depth=3) as jko:
                jko.init_particles(300, scale=0.25)
                before = jko.objective()
                jko.step(20)
                after = jko.objective()
                x = jko.sample(3000)
                self.assertFalse(np.array_equal(jko.sample(10), jko.sample(10)))  # fresh draws each call
                path = os.path.join(self.tmp.name, "g.h5")
                jko.save_generator(path)
            with swflow.Model.load(ctx, path) as model:
                y = model.sample(3000, t=model.time_scale)
            with swflow.Jko(ctx, 2, interaction=(4, 2)) as particles:
                particles.init_particles(10)
                with self.assertRaises(swflow.UnsupportedError):
                    particles.sample(5)
        self.assertEqual(x.shape, (3000, 2))
        self.assertLess(after.total, before.total)
        # Not yet the ring's radius after 20 steps, but the law moved out towards it, and the saved model has it.
        radius = np.linalg.norm(x - x.mean(axis=0), axis=1).mean()
        self.assertGreater(radius, 0.4)
        self.assertAlmostEqual(np.linalg.norm(y - y.mean(axis=0), axis=1).mean(), radius, delta=0.03)

    def test_time_conditioned_generator(self):
        with swflow.Context(seed=4, backend="cpu") as ctx:
            with swflow.Jko(ctx, 2, interaction=(4, 2), inner_steps=20, learning_rate=5e-3, generator=True, width=32,
                            time_conditioned=True, time_scale=0.8) as jko:
                jko.init_particles(200, scale=0.25)
                jko.step(4)
                first = jko.get_particles()
                jko.step(4)
                radius = lambda x: np.linalg.norm(x - x.mean(axis=0), axis=1).mean()
                # Step 4 is still drawn by the network once step 8 is taken.
                self.assertAlmostEqual(radius(jko.sample(3000, time=0.4)), radius(first), delta=0.08 * radius(first))
                self.assertGreater(radius(jko.sample(3000)), radius(jko.sample(3000, time=0.0)))
                with self.assertRaises(swflow.InvalidArgumentError):
                    jko.sample(10, time=0.9)
            with swflow.Jko(ctx, 2, interaction=(4, 2), generator=True) as plain:
                plain.init_particles(50)
                plain.step(1)
                with self.assertRaises(swflow.UnsupportedError):
                    plain.sample(10, time=0.0)

    def test_recorded_run_resumes_bit_for_bit(self):
        with tempfile.TemporaryDirectory() as scratch:
            path, copy = os.path.join(scratch, "ring.h5"), os.path.join(scratch, "copy.h5")
            with swflow.Context(seed=6, backend="cpu") as ctx:
                jko = swflow.Jko(ctx, 2, interaction=(4, 2), entropy_weight=0.01, inner_steps=10, learning_rate=5e-3)
                jko.init_particles(80, scale=0.25)
                energies = [jko.objective().total]
                with swflow.Recorder(jko, path) as recorder:
                    with self.assertRaises(swflow.InvalidArgumentError):
                        jko.close()  # a recorder is open on it
                    jko.step(2)
                    recorder.append()
                    energies.append(jko.objective().total)
                    recorder.checkpoint()
                    shutil.copy(path, copy)
                    jko.step(2)
                    recorder.append()
                    energies.append(jko.objective().total)
                expected = jko.get_particles()
                jko.close()
            np.testing.assert_array_equal(swflow.trajectory_energy(path).values, energies)
            with swflow.Context(seed=99, backend="cpu") as other:
                resumed, recorder = swflow.resume_jko(other, copy)
                with resumed, recorder:
                    self.assertEqual(resumed.info().step, 2)
                    resumed.step(2)
                    recorder.append()
                    np.testing.assert_array_equal(resumed.get_particles(), expected)
            self.assertEqual(swflow.trajectory_shape(copy)[0], 3)
            with self.assertRaises(swflow.FormatError):
                with swflow.Context(seed=1, backend="cpu") as ctx:
                    flow = swflow.Flow(ctx, swflow.dataset("moons", 50))
                    flow.init_particles(30)
                    flow_path = os.path.join(scratch, "flow.h5")
                    swflow.Recorder(flow, flow_path).close()
                    swflow.resume_jko(ctx, flow_path)

    def test_terms_and_weights(self):
        with swflow.Context(seed=3, backend="cpu") as ctx:
            target = swflow.dataset("moons", 200)
            jko = swflow.Jko(ctx, 2, target=target, target_weight=0.5, potential=[[2, 0], [0, 1]],
                             potential_center=[0.5, 0.0], potential_weight=2.0, entropy_weight=0.1, bandwidth=0.3,
                             inner_steps=10)
            jko.set_particles(np.random.default_rng(0).normal(size=(150, 2)))
            value = jko.objective()
            self.assertAlmostEqual(value.total, 0.5 * value.target + 2.0 * value.potential +
                                   float(np.float32(0.1)) * value.entropy, places=9)
            self.assertEqual(value.interaction, 0.0)
            jko.step(3)
            self.assertLess(jko.objective().total, value.total)
            jko.close()
            # The two entropy estimates of the same points: different numbers, both near N(0, I)'s -log(2 pi e).
            x = np.random.default_rng(1).normal(size=(2000, 2))
            for entropy in ("neighbours", "kernel"):
                with swflow.Jko(ctx, 2, entropy_weight=1.0, entropy=entropy, bandwidth=0.2) as jko:
                    jko.set_particles(x)
                    self.assertAlmostEqual(jko.objective().entropy, -np.log(2 * np.pi * np.e), delta=0.08)

    def test_errors(self):
        with swflow.Context(seed=1, backend="cpu") as ctx:
            with self.assertRaises(swflow.InvalidArgumentError) as caught:
                swflow.Jko(ctx, 2)
            self.assertIn("every weight", str(caught.exception))
            with self.assertRaises(swflow.InvalidArgumentError) as caught:
                swflow.Jko(ctx, 2, potential=[[1, 2], [2, 1]], potential_weight=1.0)
            self.assertIn("positive definite", str(caught.exception))
            with self.assertRaises(swflow.InvalidArgumentError) as caught:
                swflow.Jko(ctx, 2, potential=np.eye(3), potential_weight=1.0)
            self.assertIn("potential has shape", str(caught.exception))
            jko = swflow.Jko(ctx, 2, interaction=(2, 0))
            with self.assertRaises(swflow.InvalidArgumentError) as caught:
                jko.step(1)
            self.assertIn("no particles yet", str(caught.exception))
            jko.close()
            with self.assertRaises(swflow.InvalidArgumentError) as caught:
                swflow.Jko(ctx, 2, entropy_weight=1.0, entropy="knn")
            self.assertIn("entropy", str(caught.exception))
            with self.assertRaises(swflow.InvalidArgumentError) as caught:
                swflow.Jko(ctx, 2, entropy_weight=1.0, neighbours=65)
            self.assertIn("entropy_neighbours is 65", str(caught.exception))
            with swflow.Jko(ctx, 2, entropy_weight=1.0, neighbours=4) as jko:
                with self.assertRaises(swflow.InvalidArgumentError) as caught:
                    jko.init_particles(4)
                self.assertIn("need more than K", str(caught.exception))
            with self.assertRaises(swflow.InvalidArgumentError):
                jko.step(1)


if __name__ == "__main__":
    unittest.main()
