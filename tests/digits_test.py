"""Real data end to end: tools/import_points.py on python3-sklearn's digits and on a CSV, swf-run datasets
listing them, and swf-run demo digits at a small size, its figures checked against stated bounds.

Run by ctest with /usr/bin/python3 (numpy, h5py); SWF_RUN names swf-run, SWF_IMPORTER the importer. Exits 77
(reported as skipped) when python3-sklearn's digits file is not installed.
"""
import os
import re
import subprocess
import sys
import tempfile
import unittest

import h5py
import numpy as np

SWF_RUN = os.environ["SWF_RUN"]
IMPORTER = os.environ["SWF_IMPORTER"]

# The small pipeline (about 15 s on one core) and the bounds its figures must meet. Measured at commit time
# (seeds 0 and 1): SW2 to the held-out digits 0.84 from the initial N(0, I), 0.031-0.034 for the particles,
# 0.029-0.031 between the training and held-out digits themselves, 0.15-0.18 for the model's samples;
# memorisation ratio 2.6-2.8 for the samples, 1.35-1.38 for the particles.
SMALL = ["-n", 500, "-k", 200, "--learn-every", 10, "--learn-steps", 60]
BOUNDS = {
    "particles reach the held-out digits": lambda f: f["particles"] < 0.1 * f["initial"],
    "particles near the sampling floor": lambda f: f["particles"] < 2.0 * f["train"],
    "model samples reach the held-out digits": lambda f: f["samples"] < 0.5 * f["initial"],
    "model samples not far behind the particles": lambda f: f["samples"] < 12 * f["particles"],
    "model samples are not copies nor noise": lambda f: 0.5 < f["memorisation_samples"] < 5.0,
    "particles are not copies nor noise": lambda f: 0.5 < f["memorisation_particles"] < 2.5,
}


def run(*args, env=None):
    return subprocess.run([str(a) for a in args], capture_output=True, text=True, timeout=300,
                          env={**os.environ, **(env or {})})


def digits_installed():
    return "not installed" not in run(sys.executable, IMPORTER, "--list").stdout


def figures(stdout):
    """The numbers of swf-run demo digits' report lines, by name."""
    found = {}
    for line in stdout.splitlines():
        key, _, rest = line.partition("  ")
        pairs = dict((name, float(value)) for name, value in re.findall(r"(\w+) ([-+0-9.e]+)(?=\s|$)", rest))
        if key == "sw2_held_out":
            found.update(pairs)
        elif key == "memorisation":
            found.update({f"memorisation_{name}": value for name, value in pairs.items()})
        elif key == "wall_s":
            found.update({f"wall_{name}": value for name, value in pairs.items()})
    return found


class DigitsTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.dir = self.tmp.name

    def tearDown(self):
        self.tmp.cleanup()

    def path(self, name):
        return os.path.join(self.dir, name)

    def test_import_records_a_fixed_split_and_the_image_shape(self):
        out = self.path("digits.h5")
        result = run(SWF_RUN, "datasets", "digits", "-o", out)
        self.assertEqual(result.returncode, 0, result.stderr)
        with h5py.File(out, "r") as f:
            train, held_out = f["particles/train/position"][:], f["particles/held_out/position"][:]
            self.assertEqual(train.shape, (1500, 64))
            self.assertEqual(held_out.shape, (297, 64))
            self.assertEqual(train.dtype, np.float32)
            self.assertGreaterEqual(min(train.min(), held_out.min()), 0.0)
            self.assertEqual(max(train.max(), held_out.max()), 1.0)  # pixel 16 / value_scale 16
            index = np.concatenate([f["particles/train/index"][:], f["particles/held_out/index"][:]])
            self.assertEqual(sorted(index), list(range(1797)))
            self.assertEqual(sorted(set(f["particles/train/label"][:])), list(range(10)))
            p = f["parameters/swflow"].attrs
            self.assertEqual(list(p["image_shape"]), [8, 8])
            self.assertEqual(float(p["value_scale"]), 16.0)
            self.assertEqual((int(p["split_seed"]), int(p["train"]), int(p["held_out"])), (0, 1500, 297))
            first_held_out = f["particles/held_out/index"][:10]
        again = self.path("again.h5")
        run(SWF_RUN, "datasets", "digits", "-o", again)
        with h5py.File(again, "r") as f:  # the same split for the same seed
            np.testing.assert_array_equal(f["particles/held_out/index"][:10], first_held_out)
        info = run(SWF_RUN, "info", out)
        self.assertIn("image_shape = 8,8", info.stdout)
        self.assertEqual(sorted(os.listdir(self.dir)), ["again.h5", "digits.h5"])

    def test_datasets_lists_digits_or_says_how_to_install_them(self):
        self.assertIn("digits  (64-D", run(SWF_RUN, "datasets").stdout)
        missing = run(SWF_RUN, "datasets", env={"SWF_DIGITS_CSV": self.path("absent.csv.gz")})
        self.assertEqual(missing.returncode, 0)
        self.assertIn("apt-get install python3-sklearn", missing.stdout)
        failed = run(SWF_RUN, "datasets", "digits", "-o", self.path("d.h5"),
                     env={"SWF_DIGITS_CSV": self.path("absent.csv.gz")})
        self.assertEqual(failed.returncode, 4)
        self.assertIn("python3-sklearn", failed.stderr)
        self.assertFalse(os.path.exists(self.path("d.h5")))

    def test_any_csv_of_numbers(self):
        csv = self.path("points.csv")
        rng = np.random.default_rng(3)
        values = rng.integers(0, 255, size=(40, 6))
        with open(csv, "w") as f:
            f.write("a,b,c,d,e,f,label\n")
            for i, row in enumerate(values):
                f.write(",".join(map(str, row)) + f",{i % 3}\n")
        out = self.path("points.h5")
        result = run(sys.executable, IMPORTER, csv, "-o", out, "--label-column", "-1", "--scale", "255",
                     "--image-shape", "2", "3", "--held-out", "10", "--seed", "5")
        self.assertEqual(result.returncode, 0, result.stderr)
        with h5py.File(out, "r") as f:
            train = f["particles/train/position"][:]
            rows = f["particles/train/index"][:]
            np.testing.assert_allclose(train, values[rows] / 255, rtol=1e-6)
            self.assertEqual(f["particles/held_out/position"].shape, (10, 6))
            self.assertEqual(list(f["parameters/swflow"].attrs["image_shape"]), [2, 3])
        self.assertEqual(run(SWF_RUN, "sw", out + ":/particles/train", out + ":/particles/held_out").returncode, 0)
        # Bad input: one line, exit 2 (usage) or 4 (file), nothing written.
        with open(self.path("bad.csv"), "w") as f:
            f.write("1,2\n3,x\n")
        for args, code in [([csv, "--image-shape", "4", "4"], 2), ([csv, "--held-out", "40"], 2),
                           ([self.path("bad.csv")], 4), ([self.path("none.csv")], 4)]:
            bad = run(sys.executable, IMPORTER, *args, "-o", self.path("bad.h5"))
            self.assertEqual(bad.returncode, code, bad.stderr)
            self.assertEqual(len(bad.stderr.strip().splitlines()), 1, bad.stderr)
            self.assertFalse(os.path.exists(self.path("bad.h5")))

    def test_demo_digits_meets_its_bounds(self):
        prefix = self.path("digits")
        result = run(SWF_RUN, "demo", "digits", *SMALL, "-o", prefix)
        self.assertEqual(result.returncode, 0, result.stderr)
        f = figures(result.stdout)
        print("\n" + result.stdout, file=sys.stderr)
        for name in ("initial", "particles", "samples", "train", "memorisation_samples", "memorisation_particles"):
            self.assertIn(name, f, result.stdout)
        for claim, holds in BOUNDS.items():
            self.assertTrue(holds(f), f"{claim}: {f}")
        for phase in ("import", "flow", "learn", "sample", "measure"):
            self.assertGreater(f[f"wall_{phase}"], 0, phase)
        svg = open(prefix + ".svg").read()
        # (a) 1 row, (b) and (c) 6 times each, (d) 2 rows: 10 images each.
        self.assertEqual(svg.count('class="image-row"'), 15)
        self.assertEqual(svg.count("<image "), 150)
        with h5py.File(prefix + "-samples.h5", "r") as s:
            self.assertEqual(s["particles/samples/position"].shape, (500, 64))
        self.assertEqual(run(SWF_RUN, "info", prefix + "-model.h5").returncode, 0)
        self.assertEqual(sorted(os.listdir(self.dir)),
                         ["digits-data.h5", "digits-model.h5", "digits-samples.h5", "digits.svg"])
        # Reusing the imported file skips the import; files that are not digit sets are refused.
        again = run(SWF_RUN, "demo", "digits", "-n", 50, "-k", 4, "--learn-every", 2, "--learn-steps", 1,
                    "--data", prefix + "-data.h5", "-o", self.path("again"))
        self.assertEqual(again.returncode, 0, again.stderr)
        self.assertEqual(figures(again.stdout)["wall_import"], 0)
        points = self.path("points.h5")
        run(SWF_RUN, "datasets", "moons", "-n", 10, "-o", points)
        for data in (self.path("absent.h5"), points):
            bad = run(SWF_RUN, "demo", "digits", "--data", data, "-o", self.path("bad"))
            self.assertEqual(bad.returncode, 4, bad.stderr)
            self.assertEqual(len(bad.stderr.strip().splitlines()), 1, bad.stderr)
            self.assertFalse(os.path.exists(self.path("bad.svg")))
        # The digits' options mean nothing to the 2-D demo: refused, not ignored.
        usage = run(SWF_RUN, "demo", "moons", "--learn-steps", 3, "-o", self.path("bad"))
        self.assertEqual(usage.returncode, 2, usage.stderr)
        self.assertIn("--learn-steps", usage.stderr)


if __name__ == "__main__":
    if not digits_installed():
        print("skipped: python3-sklearn's digits are not installed (sudo apt-get install python3-sklearn)")
        sys.exit(77)
    unittest.main(verbosity=2)
