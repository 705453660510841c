"""A flow run through the Python binding equals, bit for bit, the same flow run by a C program through the
C ABI alone (flow_reference.c, named by SWF_FLOW_REFERENCE); and a flow saved and loaded in the middle
continues exactly as the uninterrupted one.

Run by ctest with /usr/bin/python3; SWFLOW_LIBRARY names the library.
"""
import os
import subprocess
import tempfile
import unittest

import numpy as np

import swflow

REFERENCE = os.environ.get("SWF_FLOW_REFERENCE")

# dataset, m, n, d, seed, L, h, lambda, directions, velocity, steps
CASES = [
    ("moons", 1000, 800, 2, 5, 32, 0.5, 1e-4, "gaussian", "normalized", 30),
    ("gaussian", 512, 512, 8, 11, 8, 1.0, 0.0, "orthogonal", "gradient", 10),
    ("8-gaussians", 700, 300, 2, 3, 16, 0.3, 0.01, "fixed", "normalized", 20),
]


def python_flow(dataset, m, n, d, seed, L, h, lam, directions, velocity, steps):
    with swflow.Context(seed=seed, backend="cpu") as ctx:
        with swflow.Flow(ctx, swflow.dataset(dataset, m, d, seed), num_directions=L, step_size=h,
                         regularization=lam, directions=directions, velocity=velocity) as flow:
            flow.init_particles(n, "gaussian", 1.0).step(steps)
            return flow.particles, flow.distance(64)


@unittest.skipUnless(REFERENCE, "SWF_FLOW_REFERENCE (the C reference program) is not set")
class SameAsC(unittest.TestCase):
    def test_python_and_c_give_identical_particles_and_distance(self):
        with tempfile.TemporaryDirectory() as scratch:
            for case in CASES:
                with self.subTest(case=case):
                    out = os.path.join(scratch, "particles.f32")
                    # repr(float32) round-trips: the C program's strtof reads back the same float.
                    args = [str(v) if not isinstance(v, float) else repr(np.float32(v).item()) for v in case]
                    result = subprocess.run([REFERENCE, *args, out], capture_output=True, text=True, check=True)
                    c_sw2 = float(result.stdout)
                    c_particles = np.fromfile(out, dtype=np.float32).reshape(case[2], case[3])
                    particles, sw2 = python_flow(*case)
                    self.assertEqual(particles.tobytes(), c_particles.tobytes())
                    self.assertEqual(sw2, c_sw2)
                    self.assertGreater(np.abs(particles).max(), 0.0)


class SaveLoad(unittest.TestCase):
    def test_a_loaded_flow_continues_bit_for_bit(self):
        target = swflow.dataset("swiss-roll", 600, 2, seed=1)
        with tempfile.TemporaryDirectory() as scratch, swflow.Context(seed=9, backend="cpu") as ctx:
            path = os.path.join(scratch, "flow.h5")
            with swflow.Flow(ctx, target, num_directions=24, step_size=0.4, regularization=1e-3) as flow:
                flow.init_particles(500).step(15)
                flow.save(path)
                flow.step(15)
                expected = flow.particles
                expected_info = flow.info()
            with swflow.Flow.load(ctx, path) as loaded:
                self.assertEqual(loaded.info().step, 15)
                self.assertEqual(loaded.params["num_directions"], 24)
                loaded.step(15)
                self.assertEqual(loaded.particles.tobytes(), expected.tobytes())
                self.assertEqual(loaded.info(), expected_info)


if __name__ == "__main__":
    unittest.main()
