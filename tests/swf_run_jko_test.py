"""swf-run jko end to end: the H5MD trajectory (read with h5py), swf-run info and plot on it, the flags of each
functional, and exit codes for bad usage and bad files.

Run by ctest with /usr/bin/python3 (Debian's numpy and h5py); SWF_RUN names the swf-run binary.
"""
import os
import shutil
import subprocess
import tempfile
import unittest

import h5py
import numpy as np

SWF_RUN = os.environ["SWF_RUN"]


def run(*args, code=0):
    result = subprocess.run([SWF_RUN, *map(str, args)], capture_output=True, text=True, timeout=300)
    if code is not None and result.returncode != code:
        raise AssertionError(f"swf-run {' '.join(map(str, args))}: exit {result.returncode}, expected {code}\n"
                             f"stdout: {result.stdout}\nstderr: {result.stderr}")
    return result


class SwfRunJkoTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()

    def tearDown(self):
        self.tmp.cleanup()

    def path(self, name):
        return os.path.join(self.tmp.name, name)

    def test_ring_trajectory_is_h5md_with_the_objective(self):
        out = self.path("ring.h5")
        result = run("jko", "--interaction", "4,2", "--init-scale", 0.25, "-n", 300, "--tau", 0.1, "--steps", 30,
                     "--inner-steps", 30, "--lr", 5e-3, "--record-every", 5, "-o", out)
        self.assertIn("-> " + out, result.stdout)
        with h5py.File(out, "r") as f:
            self.assertEqual(list(f["h5md"].attrs["version"]), [1, 1])
            position = f["particles/flow/position"]
            self.assertEqual(position["value"].shape, (7, 300, 2))
            self.assertEqual(list(position["step"][:]), [0, 5, 10, 15, 20, 25, 30])
            np.testing.assert_allclose(position["time"][:], 0.1 * position["step"][:], rtol=1e-6)
            self.assertNotIn("target", f["particles"])
            energy = f["observables/energy/value"][:]
            self.assertEqual(energy.shape, (7,))
            self.assertTrue(np.all(np.diff(energy) < 1e-6), energy)
            self.assertNotIn("sw2", f["observables"])
            parameters = f["parameters/swflow"].attrs
            self.assertEqual(parameters["scheme"].decode(), "jko")
            self.assertEqual(parameters["jko_interaction_a"], 4.0)
            self.assertAlmostEqual(parameters["jko_tau"], 0.1, places=6)
            self.assertIn("interaction=\"4,2\"", parameters["config"].decode())
            x = position["value"][-1]
        radius = np.linalg.norm(x - x.mean(axis=0), axis=1)
        self.assertAlmostEqual(radius.mean(), 1 / np.sqrt(3), delta=0.02 / np.sqrt(3))
        info = run("info", out).stdout
        self.assertIn("SW-JKO", info)
        self.assertIn("energy (objective F): 7 values", info)
        svg = self.path("ring.svg")
        run("plot", out, "-o", svg)
        self.assertTrue(os.path.getsize(svg) > 1000)
        with open(svg) as f:
            drawing = f.read()
        # Without a target there is no SW2: the curve is the objective, and the captions give F.
        self.assertIn("objective F of the SW-JKO scheme", drawing)
        self.assertIn("F = ", drawing)
        self.assertIn("<polyline", drawing)
        # Not a flow: resuming it is refused with a message (bad input, exit 4).
        refused = run("flow", "--resume", out, "--steps", 40, code=4)
        self.assertIn("not by a flow", refused.stderr)

    def test_generator_records_its_samples_and_saves_a_model_that_sample_reads(self):
        out, model, samples = self.path("ring-generator.h5"), self.path("generator.h5"), self.path("samples.h5")
        result = run("jko", "--generator", "--width", 32, "--depth", 3, "--interaction", "4,2", "--init-scale", 0.25,
                     "-n", 200, "--tau", 0.1, "--steps", 10, "--inner-steps", 30, "--lr", 5e-3, "--record-every", 5,
                     "--save-generator", model, "-o", out)
        self.assertIn("-> " + out, result.stdout)
        with h5py.File(out, "r") as f:
            position = f["particles/flow/position"]
            self.assertEqual(position["value"].shape, (3, 200, 2))
            self.assertEqual(list(position["step"][:]), [0, 5, 10])
            energy = f["observables/energy/value"][:]
            self.assertLess(energy[-1], energy[0])
            parameters = f["parameters/swflow"].attrs
            self.assertEqual(parameters["jko_variant"], 1.0)
            self.assertEqual(parameters["jko_generator_width"], 32.0)
            self.assertEqual(parameters["jko_generator_depth"], 3.0)
            recorded = position["value"][-1]
        run("sample", model, "-n", 2000, "-o", samples)
        with h5py.File(samples, "r") as f:
            drawn = f["particles/samples/position"][()]
        self.assertEqual(drawn.shape, (2000, 2))
        # The model's samples are the generator's: the same radial law as the recorded frame.
        radius = lambda x: np.linalg.norm(x - x.mean(axis=0), axis=1).mean()
        self.assertAlmostEqual(radius(drawn), radius(recorded), delta=0.05 * radius(recorded))
        self.assertGreater(radius(drawn), 1.2 * 0.25 * np.sqrt(np.pi / 2))  # it spread out from N(0, 0.25^2 I)
        run("jko", "--interaction", "4,2", "--save-generator", model, "-o", out, code=2)  # needs --generator
        run("jko", "--generator", "--depth", 0, "--interaction", "4,2", "-o", out, code=2)

    def test_an_interrupted_run_resumes_to_the_same_particles(self):
        flags = ["--interaction", "4,2", "--entropy", 0.01, "--init-scale", 0.25, "-n", 100, "--tau", 0.1,
                 "--steps", 6, "--inner-steps", 10, "--lr", 5e-3, "--seed", 3]
        whole, parts = self.path("whole.h5"), self.path("parts.h5")
        run("jko", *flags, "-o", whole)
        stopped = run("jko", *flags, "--max-time", 1e-6, "-o", parts, code=75)
        self.assertIn("swf-run jko --resume " + parts, stopped.stderr)
        with h5py.File(parts, "r") as f:
            self.assertLess(f["particles/flow/position/value"].shape[0], 7)
        run("jko", "--resume", parts, "--steps", 6)
        with h5py.File(whole, "r") as a, h5py.File(parts, "r") as b:
            np.testing.assert_array_equal(a["particles/flow/position/step"][:], b["particles/flow/position/step"][:])
            np.testing.assert_array_equal(a["particles/flow/position/value"][-1], b["particles/flow/position/value"][-1])
            np.testing.assert_array_equal(a["observables/energy/value"][:], b["observables/energy/value"][:])
        run("jko", "--resume", whole, "-o", parts, code=2)  # one of the two
        # Damaged files are refused with a message, and left as they were.
        for name, damage, words in (
                ("no-target.h5", lambda f: f["parameters/swflow"].attrs.modify("jko_target_weight", 1.0),
                 "holds no target"),
                ("nan.h5", lambda f: f["parameters/swflow/checkpoint/position"].__setitem__((0, 0), np.nan),
                 "non-finite")):
            damaged = self.path(name)
            shutil.copy(whole, damaged)
            with h5py.File(damaged, "r+") as f:
                damage(f)
            before = open(damaged, "rb").read()
            refused = run("jko", "--resume", damaged, "--steps", 8, code=4)
            self.assertIn(words, refused.stderr)
            self.assertEqual(open(damaged, "rb").read(), before)
        moons = self.path("moons-flow.h5")
        run("flow", "--dataset", "moons", "-n", 50, "--steps", 2, "-o", moons)
        refused = run("jko", "--resume", moons, "--steps", 3, code=4)
        self.assertIn("not by jko", refused.stderr)

    def test_time_conditioned_generator_samples_any_recorded_step(self):
        out, model = self.path("ring-timed.h5"), self.path("timed.h5")
        run("jko", "--generator", "--time-conditioned", "--width", 32, "--interaction", "4,2", "--init-scale", 0.25,
            "-n", 200, "--tau", 0.1, "--steps", 10, "--inner-steps", 30, "--lr", 5e-3, "--record-every", 5,
            "--save-generator", model, "-o", out)
        with h5py.File(out, "r") as f:
            frames = f["particles/flow/position/value"][()]
            self.assertEqual(f["parameters/swflow"].attrs["jko_generator_time_scale"], np.float32(1.0))
        radius = lambda x: np.linalg.norm(x - x.mean(axis=0), axis=1).mean()
        for frame, time in ((0, 0.0), (1, 0.5), (2, 1.0)):
            samples = self.path("timed-%d.h5" % frame)
            run("sample", model, "-n", 3000, "--time", time, "-o", samples)
            with h5py.File(samples, "r") as f:
                drawn = f["particles/samples/position"][()]
            # The recorded frames hold 200 samples of their step: the model's law at the step's time matches them.
            self.assertAlmostEqual(radius(drawn), radius(frames[frame]), delta=0.08 * radius(frames[frame]))
        self.assertGreater(radius(frames[2]), 1.1 * radius(frames[0]))
        run("jko", "--time-conditioned", "--interaction", "4,2", "-o", out, code=2)  # needs --generator

    def test_potential_from_files_entropy_and_a_target(self):
        spec = self.path("potential.h5")
        with h5py.File(spec, "w") as f:
            f["A"] = np.array([[1.5, 0.2], [0.2, 1.0]], dtype=np.float32)
            f["b"] = np.array([[0.5, -0.5]], dtype=np.float32)
        out = self.path("ou.h5")
        run("jko", "--potential", f"{spec}:/A,{spec}:/b", "--entropy", 1, "--bandwidth", 0.2, "-n", 200, "--tau", 0.05,
            "--steps", 6, "--inner-steps", 20, "--init-scale", 0.5, "-o", out)
        with h5py.File(out, "r") as f:
            energy = f["observables/energy/value"][:]
            self.assertLess(energy[-1], energy[0])
            self.assertEqual(f["parameters/swflow"].attrs["jko_potential_matrix_0_1"], np.float32(0.2))
            self.assertEqual(f["parameters/swflow"].attrs["jko_potential_center_1"], -0.5)
            self.assertEqual(f["parameters/swflow"].attrs["jko_entropy_neighbours"], 8)  # the default estimate
        kernel = self.path("ou-kernel.h5")
        run("jko", "--potential", f"{spec}:/A,{spec}:/b", "--entropy", 1, "--entropy-estimator", "kernel",
            "--bandwidth", 0.2, "-n", 200, "--tau", 0.05, "--steps", 2, "--inner-steps", 20, "-o", kernel)
        with h5py.File(kernel, "r") as f:
            self.assertNotIn("jko_entropy_estimator", f["parameters/swflow"].attrs)
            self.assertEqual(f["parameters/swflow"].attrs["jko_bandwidth"], np.float32(0.2))
        failed = run("jko", "--entropy", 1, "--neighbours", 8, "-n", 8, "-o", kernel, code=2)
        self.assertIn("need more than K", failed.stderr)
        run("jko", "--entropy", 1, "--entropy-estimator", "knn", "-o", kernel, code=2)
        moons = self.path("moons.h5")
        run("jko", "--dataset", "moons", "--potential-scale", 0.1, "-n", 200, "--steps", 4, "--inner-steps", 20,
            "-o", moons)
        with h5py.File(moons, "r") as f:
            self.assertEqual(f["particles/target/position"].shape, (200, 2))
            sw2 = f["observables/sw2/value"][:]
            self.assertEqual(sw2.shape, (5,))
            self.assertLess(sw2[-1], sw2[0])

    def test_config_file_and_flags(self):
        config = self.path("jko.toml")
        with open(config, "w") as f:
            f.write("[jko]\ninteraction = \"4,2\"\ninit-scale = 0.25\nparticles = 120\nsteps = 3\n")
        out = self.path("configured.h5")
        run("--config", config, "jko", "--steps", 4, "--inner-steps", 5, "-o", out)
        with h5py.File(out, "r") as f:
            self.assertEqual(f["particles/flow/position/value"].shape, (5, 120, 2))

    def test_bad_usage_and_bad_files(self):
        out = self.path("x.h5")
        self.assertIn("--interaction", run("jko", "--help").stdout)
        self.assertIn("at least one functional", run("jko", "-o", out, code=2).stderr)
        run("jko", "--interaction", "4", "-o", out, code=2)
        run("jko", "--interaction", "2,4", "-o", out, code=2)
        run("jko", "--potential-scale", 1, "--potential-center", "1,2,3", "-o", out, code=2)
        run("jko", "--interaction", "4,2", "--tau", 0, "-o", out, code=2)
        run("jko", "--interaction", "4,2", code=2)
        run("jko", "--potential", self.path("missing.h5") + ":/A", "-o", out, code=4)
        indefinite = self.path("indefinite.h5")
        with h5py.File(indefinite, "w") as f:
            f["A"] = np.array([[1, 2], [2, 1]], dtype=np.float32)
        self.assertIn("positive definite", run("jko", "--potential", indefinite + ":/A", "-o", out, code=2).stderr)
        self.assertFalse(os.path.exists(out))


if __name__ == "__main__":
    unittest.main()
