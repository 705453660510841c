"""Library lookup: SWFLOW_LIBRARY alone when set, else a libswflow.so* next to the package, else the system's
path; a clear OSError naming what was tried when none loads; the prototypes match the loaded library.

Run by ctest with /usr/bin/python3; SWFLOW_LIBRARY names the library built in this tree.
"""
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

import swflow

PACKAGE = os.path.dirname(swflow.__file__)
BUILT = os.environ["SWFLOW_LIBRARY"]
PROBE = "import swflow; print(swflow.library_path()); print(swflow.version())"


def run(env_library, package_root):
    env = {k: v for k, v in os.environ.items() if k not in ("SWFLOW_LIBRARY", "LD_LIBRARY_PATH")}
    env["PYTHONPATH"] = package_root
    if env_library is not None:
        env["SWFLOW_LIBRARY"] = env_library
    return subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, env=env, cwd=package_root)


class Lookup(unittest.TestCase):
    def test_environment_variable(self):
        result = run(BUILT, os.path.dirname(PACKAGE))
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(result.stdout.split()[0], BUILT)

    def test_a_wrong_environment_variable_is_not_silently_replaced(self):
        result = run("/nonexistent/libswflow.so", os.path.dirname(PACKAGE))
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("libswflow not found; set SWFLOW_LIBRARY", result.stderr)
        self.assertIn("/nonexistent/libswflow.so", result.stderr)

    def test_next_to_the_package(self):
        with tempfile.TemporaryDirectory() as root:
            copy = os.path.join(root, "swflow")
            shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__", "libswflow.so*"))
            shutil.copy(os.path.realpath(BUILT), os.path.join(copy, "libswflow.so.0"))
            result = run(None, root)
            self.assertEqual(result.returncode, 0, result.stderr)
            self.assertEqual(result.stdout.split()[0], os.path.join(copy, "libswflow.so.0"))
            self.assertEqual(result.stdout.split()[1], swflow.version())

    def test_version_matches_the_binding(self):
        major, minor = (int(v) for v in swflow.version().split(".")[:2])
        self.assertEqual(major, 0)
        self.assertGreaterEqual(minor, 1)


class ContextDescription(unittest.TestCase):
    def test_describe_names_the_cpu_backend(self):
        with swflow.Context(seed=1, backend="cpu") as ctx:
            text = ctx.describe()
        self.assertTrue(text.startswith("cpu: "), text)
        self.assertIn("OpenMP threads", text)

    def test_tf32_changes_nothing_on_the_cpu(self):
        import numpy as np
        runs = []
        for tf32 in (False, True):
            with swflow.Context(seed=3, backend="cpu", tf32=tf32) as ctx:
                self.assertEqual(ctx.tf32, tf32)
                flow = swflow.Flow(ctx, swflow.dataset("rings", 300), num_directions=16)
                runs.append(flow.init_particles(200).step(2).get_particles())
                flow.close()
        np.testing.assert_array_equal(runs[0], runs[1])


if __name__ == "__main__":
    unittest.main()

