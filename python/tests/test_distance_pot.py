"""swflow.sliced_wasserstein against POT's ot.sliced_wasserstein_distance for the same projections, and the
binding's array handling (dtype, layout, seeds and context streams).

Run by ctest with /usr/bin/python3 (Debian's numpy and python3-pot); SWFLOW_LIBRARY names the library.
"""
import sys
import unittest

import numpy as np

try:
    import ot
except ImportError:
    print("POT is not installed (apt-get install python3-pot): skipped")
    sys.exit(77)

import swflow


def unit_rows(rng, L, d):
    theta = rng.normal(size=(L, d))
    return (theta / np.linalg.norm(theta, axis=1, keepdims=True)).astype(np.float32)


class AgainstPot(unittest.TestCase):
    def test_same_projections_same_distance(self):
        rng = np.random.default_rng(0)
        for n, m, d, L in [(1, 1, 1, 1), (50, 73, 2, 10), (1000, 999, 5, 64), (300, 1200, 64, 32), (64, 64, 784, 8)]:
            x = rng.normal(size=(n, d)).astype(np.float32)
            y = (1.5 * rng.normal(size=(m, d)) + 0.3).astype(np.float32)
            theta = unit_rows(rng, L, d)
            for p in (1, 2, 3):
                with self.subTest(n=n, m=m, d=d, L=L, p=p):
                    # POT 0.8.2 takes projections as d x L and needs n_projections next to them.
                    expected = ot.sliced_wasserstein_distance(x.astype(np.float64), y.astype(np.float64),
                                                              n_projections=L,
                                                              projections=theta.T.astype(np.float64), p=p)
                    got = swflow.sliced_wasserstein(x, y, theta, p=p)
                    self.assertAlmostEqual(got, expected, delta=1e-5 * abs(expected) + 1e-7)

    def test_fresh_directions_agree_with_pot_in_distribution(self):
        # N(0, I) vs N(mu, I) in d = 3: SW2^2 = |mu|^2 / d in expectation over directions.
        rng = np.random.default_rng(1)
        x = rng.normal(size=(4000, 3))
        y = rng.normal(size=(4000, 3)) + [1.0, -2.0, 0.5]
        ours = swflow.sliced_wasserstein(x, y, L=2000, seed=3)
        pot = ot.sliced_wasserstein_distance(x, y, n_projections=2000, seed=3)
        self.assertAlmostEqual(ours, pot, delta=0.05 * pot)


class Arrays(unittest.TestCase):
    def setUp(self):
        rng = np.random.default_rng(2)
        self.x = rng.normal(size=(200, 4)).astype(np.float32)
        self.y = rng.normal(size=(150, 4)).astype(np.float32) * 2
        self.theta = unit_rows(rng, 16, 4)
        self.expected = swflow.sliced_wasserstein(self.x, self.y, self.theta)

    def test_float64_fortran_order_strided_and_lists_are_converted(self):
        x64 = self.x.astype(np.float64)
        fortran = np.asfortranarray(self.x)
        strided = np.zeros((200, 8), dtype=np.float32)
        strided[:, ::2] = self.x
        for x in (x64, fortran, strided[:, ::2], self.x.tolist()):
            self.assertEqual(swflow.sliced_wasserstein(x, self.y, self.theta), self.expected)
        self.assertEqual(swflow.sliced_wasserstein(self.x, self.y, self.theta.T.copy().T), self.expected)

    def test_inputs_are_not_modified(self):
        x, y, theta = self.x.copy(), self.y.copy(), self.theta.copy()
        swflow.sliced_wasserstein(x, y, theta)
        np.testing.assert_array_equal(x, self.x)
        np.testing.assert_array_equal(y, self.y)
        np.testing.assert_array_equal(theta, self.theta)

    def test_seed_gives_reproducible_directions_and_a_context_advances_its_stream(self):
        a = swflow.sliced_wasserstein(self.x, self.y, L=32, seed=7)
        self.assertEqual(a, swflow.sliced_wasserstein(self.x, self.y, L=32, seed=7))
        self.assertNotEqual(a, swflow.sliced_wasserstein(self.x, self.y, L=32, seed=8))
        with swflow.Context(seed=7, backend="cpu") as ctx:
            first = swflow.sliced_wasserstein(self.x, self.y, L=32, context=ctx)
            second = swflow.sliced_wasserstein(self.x, self.y, L=32, context=ctx)
        self.assertEqual(first, a)
        self.assertNotEqual(first, second)

    def test_identical_sets_are_at_distance_zero(self):
        self.assertEqual(swflow.sliced_wasserstein(self.x, self.x[::-1], self.theta), 0.0)


if __name__ == "__main__":
    unittest.main()
