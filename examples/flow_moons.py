"""Flows 2,000 particles from N(0, I) to the "moons" dataset with libswflow and saves a figure: snapshots of
the particles over the target, and SW2 against flow time.

Usage: python3 flow_moons.py [out.png = flow_moons.png] [backend: auto|cpu|cuda]
Needs numpy and matplotlib (Debian: python3-numpy, python3-matplotlib), the swflow package on PYTHONPATH
(python/ in the source tree) and libswflow (SWFLOW_LIBRARY=/path/to/libswflow.so if not installed).
"""
import sys

import matplotlib.pyplot as plt

import swflow

SNAPSHOTS = (0, 4, 16, 100)


def main(out="flow_moons.png", backend="auto"):
    target = swflow.dataset("moons", 2000, seed=1)
    snapshots, times, distances = {}, [], []
    with swflow.Context(seed=0, backend=backend) as ctx, \
            swflow.Flow(ctx, target, num_directions=64, step_size=0.5, regularization=1e-5) as flow:
        flow.init_particles(2000)
        for step in range(SNAPSHOTS[-1] + 1):
            if step in SNAPSHOTS:
                snapshots[step] = flow.particles
            times.append(flow.time)
            distances.append(flow.distance(256))
            flow.step()
        print("libswflow %s on %s: SW2 %.4f -> %.4f after %d steps" %
              (swflow.version(), ctx.backend, distances[0], distances[-1], SNAPSHOTS[-1]))

    figure, axes = plt.subplots(1, len(SNAPSHOTS) + 1, figsize=(3.2 * (len(SNAPSHOTS) + 1), 3.2),
                                constrained_layout=True)
    for axis, step in zip(axes, SNAPSHOTS):
        axis.scatter(snapshots[step][:, 0], snapshots[step][:, 1], s=2, c="tab:blue", alpha=0.5, label="particles")
        axis.scatter(target[:, 0], target[:, 1], s=0.5, c="tab:orange", alpha=0.6, label="target")
        axis.set(title="step %d (t = %g)" % (step, times[step]), xlim=(-2.2, 3.2), ylim=(-2.2, 2.8), aspect="equal")
        axis.set_xticks([])
        axis.set_yticks([])
    axes[0].legend(loc="lower left", markerscale=4, fontsize="small")
    axes[-1].semilogy(times, distances, c="tab:blue")
    axes[-1].set(title="SW$_2$(particles, target)", xlabel="flow time")
    figure.savefig(out, dpi=100)
    print("wrote", out)


if __name__ == "__main__":
    main(*sys.argv[1:3])
