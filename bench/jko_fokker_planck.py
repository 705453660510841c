#!/usr/bin/env python3
"""SW-JKO on the Ornstein-Uhlenbeck / Fokker-Planck problem of Mokrov et al. (2021) and Bonet et al. (2022):
F(rho) = E[V] + int rho log rho, V(x) = 1/2 (x - b)^T A (x - b), A SPD with eigenvalues in [1, 2] (a random
rotation), b ~ N(0, I), rho_0 = N(0, I). The Wasserstein gradient flow has a Gaussian solution at every time;
SW-JKO at time k tau is compared with it at time k tau d (design section 1.4). Prints, per dimension, the
symmetric KL divergence between the Gaussian fitted to the particles (their mean and covariance) and the exact
solution at t = 0.5 and 0.9, beside JKO-ICNN's published values at t = 0.5 and beside the same divergence for n
independent draws of the exact solution (the Monte Carlo error of a perfect sampler with as many points).

    SWFLOW_LIBRARY=build/libswflow.so PYTHONPATH=python /usr/bin/python3 bench/jko_fokker_planck.py
"""
import argparse
import time

import numpy as np

import swflow

# JKO-ICNN's symmetric KL at t = 0.5 (Mokrov et al. 2021, as quoted by Bonet et al. 2022), d = 2 and 12.
JKO_ICNN_AT_HALF = {2: 3.5e-3, 12: 2.7e-2}


def problem(d, seed):
    rng = np.random.default_rng(seed)
    q, _ = np.linalg.qr(rng.normal(size=(d, d)))
    eigenvalues = rng.uniform(1.0, 2.0, size=d)
    return q, eigenvalues, rng.normal(size=d)


def exact(q, eigenvalues, b, t):
    """Mean and covariance at time t from N(0, I): dm/dt = -A (m - b), dS/dt = -A S - S A + 2 I."""
    decay = np.exp(-eigenvalues * t)
    mean = b + q @ (decay * (q.T @ (0.0 - b)))
    variances = decay ** 2 + (1.0 - decay ** 2) / eigenvalues
    return mean, (q * variances) @ q.T


def symmetric_kl(m1, s1, m2, s2):
    d = len(m1)
    i1, i2 = np.linalg.inv(s1), np.linalg.inv(s2)
    dm = m1 - m2
    return 0.5 * (np.trace(i2 @ s1) + np.trace(i1 @ s2) - 2 * d + dm @ (i1 + i2) @ dm)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dims", default="2,4,6,8,10,12")
    parser.add_argument("-n", type=int, default=1000)
    parser.add_argument("--steps-to-half", type=int, default=10, help="JKO steps to t = 0.5")
    parser.add_argument("--inner-steps", type=int, default=50)
    parser.add_argument("--lr", type=float, default=1e-2)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--bandwidth", type=float, default=None, help="default: 0.75 x Silverman's rule")
    parser.add_argument("--entropy", default="neighbours,kernel", help="estimators to run, comma-separated")
    parser.add_argument("--neighbours", type=int, default=8, help="K of the nearest-neighbour estimate")
    parser.add_argument("--generator", action="store_true",
                        help="the generator variant (an MLP pushing N(0, I) forward; SymKL on 20,000 of its samples)")
    parser.add_argument("--generator-lr", type=float, default=5e-3, help="Adam's step on the generator's weights")
    args = parser.parse_args()
    print("| d | n | tau (SW time) | entropy estimate | SymKL t = 0.5 | SymKL t = 0.9 | JKO-ICNN t = 0.5 "
          "| n exact draws t = 0.5 | seconds |")
    print("| ---: | ---: | ---: | :--- | ---: | ---: | ---: | ---: | ---: |")
    for d, entropy in [(int(v), e) for v in args.dims.split(",") for e in args.entropy.split(",")]:
        q, eigenvalues, b = problem(d, args.seed + d)
        a = (q * eigenvalues) @ q.T
        # SW time = Wasserstein time / d; k JKO steps reach t = 0.5 at tau = 0.5 / (d k).
        tau = 0.5 / (d * args.steps_to_half)
        # Silverman's rule for a unit-scale Gaussian: the estimate's smoothing against its variance.
        bandwidth = args.bandwidth or (4.0 / (d + 2)) ** (1.0 / (d + 4)) * args.n ** (-1.0 / (d + 4)) * 0.75
        start = time.perf_counter()
        results = {}
        with swflow.Context(seed=args.seed) as ctx, swflow.Jko(
                ctx, d, tau=tau, inner_steps=args.inner_steps, learning_rate=args.generator_lr if args.generator else args.lr, potential=a,
                potential_center=b, potential_weight=1.0, entropy_weight=1.0, bandwidth=bandwidth,
                entropy=entropy, neighbours=args.neighbours, target_weight=0.0, generator=args.generator) as jko:
            jko.init_particles(args.n)
            for t in (0.5, 0.9):
                steps = int(round(t / (d * tau))) - jko.info().step
                jko.step(steps)
                x = (jko.sample(20000) if args.generator else jko.get_particles()).astype(np.float64)
                m, s = exact(q, eigenvalues, b, jko.info().time * d)
                results[t] = symmetric_kl(x.mean(axis=0), np.cov(x.T), m, s)
        seconds = time.perf_counter() - start
        m, s = exact(q, eigenvalues, b, 0.5)
        draws = np.random.default_rng(args.seed + 100 + d).multivariate_normal(m, s, size=args.n)
        exact_draws = symmetric_kl(draws.mean(axis=0), np.cov(draws.T), m, s)
        reference = JKO_ICNN_AT_HALF.get(d)
        estimate = "kernel, h = %.3f" % bandwidth if entropy == "kernel" else "%d neighbours" % args.neighbours
        if args.generator:
            estimate += ", generator"
        print("| %d | %d | %.4g | %s | %.2e | %.2e | %s | %.2e | %.1f |" % (
            d, args.n, tau, estimate, results[0.5], results[0.9],
            "%.1e" % reference if reference else "—", exact_draws, seconds), flush=True)


if __name__ == "__main__":
    main()
