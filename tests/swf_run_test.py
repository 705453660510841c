"""swf-run end to end: H5MD layout (read with h5py), resume equivalence, SIGINT and kill -9, bad input.

Run by ctest with /usr/bin/python3 (Debian's numpy and h5py); SWF_RUN names the swf-run binary.
"""
import hashlib
import os
import signal
import subprocess
import sys
import tempfile
import time
import unittest

import h5py
import numpy as np

SWF_RUN = os.environ["SWF_RUN"]


def run(*args, cwd=None, check_code=None):
    result = subprocess.run([SWF_RUN, *map(str, args)], cwd=cwd, capture_output=True, text=True, timeout=300)
    if check_code is not None and result.returncode != check_code:
        raise AssertionError(f"swf-run {' '.join(map(str, args))}: exit {result.returncode}, expected {check_code}\n"
                             f"stdout: {result.stdout}\nstderr: {result.stderr}")
    return result


def digest(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


class SwfRunTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.dir = self.tmp.name

    def tearDown(self):
        self.tmp.cleanup()

    def path(self, name):
        return os.path.join(self.dir, name)

    def flow(self, out, *extra, code=0):
        return run("flow", "--dataset", "8-gaussians", "-n", 300, "-L", 16, "-H", 0.5, "--lambda", 0.001,
                   "--record-every", 4, "-o", out, *extra, check_code=code)

    def test_trajectory_has_the_h5md_layout(self):
        out = self.path("run.h5")
        result = self.flow(out, "--steps", 12, "--seed", 7)
        self.assertIn("-> " + out, result.stdout)
        with h5py.File(out, "r") as f:
            self.assertEqual(list(f["h5md"].attrs["version"]), [1, 1])
            self.assertEqual(f["h5md/creator"].attrs["name"].decode(), "libswflow")
            self.assertTrue(f["h5md/creator"].attrs["version"])
            self.assertIn("name", f["h5md/author"].attrs)
            self.assertIn("swflow", f["h5md/modules"])
            position = f["particles/flow/position"]
            value = position["value"]
            self.assertEqual(value.shape, (4, 300, 2))
            self.assertEqual(value.dtype, np.float32)
            self.assertEqual(value.maxshape, (None, 300, 2))
            self.assertEqual(value.chunks, (1, 300, 2))
            self.assertEqual(list(position["step"][:]), [0, 4, 8, 12])
            np.testing.assert_allclose(position["time"][:], [0, 2, 4, 6])
            box = f["particles/flow/box"]
            self.assertEqual(int(box.attrs["dimension"]), 2)
            self.assertEqual([b.decode() for b in box.attrs["boundary"]], ["none", "none"])
            self.assertEqual(f["particles/target/position"].shape, (300, 2))
            sw2 = f["observables/sw2"]
            self.assertEqual(list(sw2["step"][:]), [0, 4, 8, 12])
            self.assertLess(sw2["value"][-1], sw2["value"][0])
            p = f["parameters/swflow"].attrs
            self.assertEqual(int(p["num_directions"]), 16)
            self.assertEqual(float(p["step_size"]), 0.5)
            self.assertAlmostEqual(float(p["regularization"]), 0.001, places=6)
            self.assertEqual(p["directions"].decode(), "gaussian")
            self.assertEqual(p["velocity"].decode(), "normalized")
            self.assertEqual(int(p["seed"]), 7)
            self.assertEqual(p["backend"].decode(), "cpu")
            self.assertTrue(p["library_version"])
            self.assertIn("record-every=4", p["config"].decode())
            checkpoint = f["parameters/swflow/checkpoint"]
            self.assertEqual(int(checkpoint.attrs["step"]), 12)
            np.testing.assert_array_equal(checkpoint["position"][:], value[-1])
        self.assertFalse(os.path.exists(out + ".part"))
        info = run("info", out, check_code=0).stdout
        self.assertIn("trajectory (H5MD 1.1, resumable)", info)
        self.assertIn("steps 0 .. 12", info)

    def test_resume_continues_exactly(self):
        whole, split = self.path("whole.h5"), self.path("split.h5")
        self.flow(whole, "--steps", 20)
        self.flow(split, "--steps", 8)
        run("flow", "--resume", split, "--steps", 20, check_code=0)
        with h5py.File(whole, "r") as a, h5py.File(split, "r") as b:
            np.testing.assert_array_equal(a["particles/flow/position/step"][:], b["particles/flow/position/step"][:])
            np.testing.assert_array_equal(a["particles/flow/position/value"][:], b["particles/flow/position/value"][:])
            np.testing.assert_array_equal(a["observables/sw2/value"][:], b["observables/sw2/value"][:])

    def start_long_flow(self, out, *extra):
        return subprocess.Popen([SWF_RUN, "flow", "--dataset", "gaussian", "--dim", "8", "-n", "20000", "-L", "64",
                                 "-H", "0.5", "--steps", "100000", "--record-every", "5", "-o", out, *extra],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

    def wait_for(self, condition, seconds=60):
        deadline = time.time() + seconds
        while time.time() < deadline:
            if condition():
                return
            time.sleep(0.05)
        self.fail("timed out")

    def test_sigint_checkpoints_and_exits_75(self):
        out = self.path("interrupted.h5")
        process = self.start_long_flow(out)
        self.wait_for(lambda: os.path.exists(out + ".part") and os.path.getsize(out + ".part") > 2_000_000)
        process.send_signal(signal.SIGINT)
        stdout, stderr = process.communicate(timeout=60)
        self.assertEqual(process.returncode, 75, stderr)
        self.assertIn("--resume", stderr)
        self.assertFalse(os.path.exists(out + ".part"))
        with h5py.File(out, "r") as f:
            step = int(f["parameters/swflow/checkpoint"].attrs["step"])
            self.assertGreater(step, 0)
        result = run("flow", "--resume", out, "--steps", step + 3, check_code=0)
        self.assertIn(f"steps {step + 3}", result.stdout)

    def test_max_time_stops_cleanly_and_compression_is_recorded(self):
        out = self.path("timed.h5")
        process = self.start_long_flow(out, "--max-time", "1", "--compression", "4")
        stdout, stderr = process.communicate(timeout=120)
        self.assertEqual(process.returncode, 75, stderr)
        self.assertIn("--max-time", stderr)
        with h5py.File(out, "r") as f:
            value = f["particles/flow/position/value"]
            self.assertEqual(value.compression, "gzip")
            self.assertEqual(value.compression_opts, 4)
            self.assertGreater(int(f["parameters/swflow/checkpoint"].attrs["step"]), 0)

    def test_kill_9_leaves_the_last_checkpoint_readable(self):
        out = self.path("killed.h5")
        with open(out, "wb") as f:
            f.write(b"an earlier file")
        process = self.start_long_flow(out, "--checkpoint-every", "0.2")
        self.wait_for(lambda: digest(out) != hashlib.sha256(b"an earlier file").hexdigest())
        time.sleep(0.5)
        process.send_signal(signal.SIGKILL)
        process.communicate(timeout=60)
        with h5py.File(out, "r") as f:
            self.assertGreaterEqual(f["particles/flow/position/value"].shape[0], 1)
            step = int(f["parameters/swflow/checkpoint"].attrs["step"])
        run("info", out, check_code=0)
        run("flow", "--resume", out, "--steps", step + 2, check_code=0)

    def test_failures_leave_an_earlier_good_file(self):
        out = self.path("good.h5")
        self.flow(out, "--steps", 4)
        before = digest(out)
        result = run("flow", "--target", self.path("missing.h5") + ":/x", "--steps", 4, "-o", out)
        self.assertEqual(result.returncode, 4)
        result = run("flow", "--dataset", "moons", "--steps", 4, "--directions", 0, "-o", out)
        self.assertEqual(result.returncode, 2)
        self.assertEqual(digest(out), before)

    def test_bad_input_gives_one_clear_line_and_writes_nothing(self):
        ok = self.path("ok.h5")
        with h5py.File(ok, "w") as f:
            f["points"] = np.random.default_rng(0).normal(size=(50, 3))
            f["cube"] = np.zeros((2, 3, 4))
            bad = np.ones((10, 3))
            bad[4, 1] = np.nan
            f["nan"] = bad
            f["ints"] = np.arange(30).reshape(10, 3)
            f["two_d"] = np.ones((10, 2))
        with open(self.path("text.h5"), "w") as f:
            f.write("not hdf5\n")
        with open(ok, "rb") as f:
            data = f.read()
        with open(self.path("truncated.h5"), "wb") as f:
            f.write(data[: len(data) // 3])
        out = self.path("out.h5")
        cases = [
            (["flow", "--target", self.path("nope.h5") + ":/points", "-o", out], 4, "nope.h5: no such file"),
            (["flow", "--target", self.path("text.h5") + ":/points", "-o", out], 4, "not an HDF5 file"),
            (["flow", "--target", self.path("truncated.h5") + ":/points", "-o", out], 4, "truncated.h5"),
            (["flow", "--target", ok + ":/missing", "-o", out], 4, "no dataset or group /missing"),
            (["flow", "--target", ok + ":/cube", "-o", out], 4, "ok.h5:/cube: has shape [2, 3, 4]"),
            (["flow", "--target", ok + ":/nan", "-o", out], 4, "ok.h5:/nan: row 4, column 1 is nan"),
            (["sw", ok + ":/points", ok + ":/two_d"], 4, "dimension 3 but"),
            (["flow", "--dataset", "moons", "--bogus", "-o", out], 2, "bogus"),
            (["flow", "--dataset", "moons", "--step-size", "-1", "-o", out], 2, "step-size"),
            (["flow", "--dataset", "moons", "--velocity", "fast", "-o", out], 2, "velocity"),
            (["flow", "--dataset", "nope", "-o", out], 2, "unknown dataset"),
            (["flow", "--dataset", "moons"], 2, "--out"),
            (["flow", "--resume", self.path("nope.h5")], 4, "nope.h5"),
        ]
        for args, code, fragment in cases:
            result = run(*args)
            self.assertEqual(result.returncode, code, f"{args}: {result.stderr}")
            lines = [line for line in result.stderr.splitlines() if line.strip()]
            self.assertTrue(any(fragment in line for line in lines), f"{args}: {result.stderr!r} lacks {fragment!r}")
            self.assertLessEqual(len(lines), 2, f"{args}: {result.stderr!r}")
            self.assertFalse(os.path.exists(out), f"{args} wrote {out}")
            self.assertEqual(result.stdout, "" if code != 2 else result.stdout)
        # Integer datasets are numbers too.
        run("flow", "--target", ok + ":/ints", "--steps", 2, "-n", 10, "-o", out, check_code=0)

    def test_train_sample_and_learn_online(self):
        flow, model, samples = self.path("flow.h5"), self.path("model.h5"), self.path("samples.h5")
        run("flow", "--dataset", "moons", "-n", 400, "-k", 40, "-L", 32, "-H", 0.5, "--record-every", 10, "-o", flow,
            check_code=0)
        result = run("train", flow, "-o", model, "--epochs", 5, "--width", 16, "--depth", 2, check_code=0)
        self.assertIn("trained on 5 frames of 400 particles", result.stdout)
        with h5py.File(model, "r") as f:
            attrs = f["model"].attrs
            self.assertEqual((int(attrs["dim"]), int(attrs["width"]), int(attrs["depth"])), (2, 16, 2))
            self.assertEqual(float(attrs["time_scale"]), 20.0)
            self.assertEqual(f["model/layer0/weight"].shape, (2 + 1 + 2 * 2, 16))
            self.assertEqual(f["model/layer2/weight"].shape, (16, 2))
        run("sample", model, "-n", 300, "--time", 10, "-o", samples, check_code=0)
        with h5py.File(samples, "r") as f:
            x = f["particles/samples/position"][:]
            self.assertEqual(x.shape, (300, 2))
            self.assertTrue(np.isfinite(x).all())
        self.assertIn("learned-flow model", run("info", model, check_code=0).stdout)
        figure = self.path("model.svg")
        run("plot", "--model", model, "--snapshots", 4, "-o", figure, check_code=0)
        with open(figure) as f:
            svg = f.read()
        self.assertEqual(svg.count("model at t = "), 4)
        self.assertFalse([name for name in os.listdir(self.dir) if ".samples-" in name], "scratch files left")
        online = self.path("online.h5")
        result = run("flow", "--dataset", "moons", "-n", 300, "-k", 20, "-L", 16, "--record-every", 10, "--learn",
                     online, "--learn-steps", 5, "-o", self.path("o.h5"), check_code=0)
        self.assertIn("learned model written", result.stderr)
        with h5py.File(online, "r") as f:
            self.assertEqual(f["model"].attrs["training"].decode(), "online, from a running flow")
        # Bad input: a point set is not a trajectory, a trajectory is not a model.
        points = self.path("points.h5")
        run("datasets", "moons", "-n", 10, "-o", points, check_code=0)
        self.assertEqual(run("train", points, "-o", self.path("m2.h5")).returncode, 4)
        self.assertEqual(run("sample", flow, "-o", self.path("s2.h5")).returncode, 4)
        self.assertFalse(os.path.exists(self.path("m2.h5")) or os.path.exists(self.path("s2.h5")))

    def test_sw_datasets_help_version_config(self):
        a, b = self.path("a.h5"), self.path("b.h5")
        run("datasets", "gaussian", "--dim", 3, "-n", 2000, "--seed", 1, "-o", a, check_code=0)
        run("datasets", "gaussian", "--dim", 3, "-n", 1500, "--seed", 2, "-o", b, check_code=0)
        self.assertEqual(float(run("sw", a, a, check_code=0).stdout), 0.0)
        value = float(run("sw", a, b, "--directions", 500, check_code=0).stdout)
        self.assertGreater(value, 0.0)
        self.assertLess(value, 0.2)  # two samples of the same law
        names = run("datasets", check_code=0).stdout
        for name in ["moons", "swiss-roll", "8-gaussians", "checkerboard", "rings", "gaussian"]:
            self.assertIn(name, names)
        for command in ["flow", "sw", "info", "datasets", "plot", "demo", "train", "sample"]:
            result = run(command, "--help", check_code=0)
            self.assertIn("Usage", result.stdout)
        self.assertIn("libswflow", run("--version", check_code=0).stdout)
        config = self.path("run.toml")
        with open(config, "w") as f:
            f.write("[flow]\ndataset = \"rings\"\nsteps = 6\nparticles = 100\nrecord-every = 3\n")
        out = self.path("configured.h5")
        run("--config", config, "flow", "--steps", 9, "-o", out, check_code=0)
        with h5py.File(out, "r") as f:
            self.assertEqual(list(f["particles/flow/position/step"][:]), [0, 3, 6, 9])
            self.assertEqual(f["particles/flow/position/value"].shape[1], 100)


if __name__ == "__main__":
    unittest.main(verbosity=2)
