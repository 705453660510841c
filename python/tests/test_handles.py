"""Handles: dropping, closing twice, closing in any order and across threads never double-frees, never
crashes and never leaks (resident memory stays flat over thousands of dropped contexts and flows; the
same loop that keeps its handles shows the measurement would see a leak).

Run by ctest with /usr/bin/python3; SWFLOW_LIBRARY names the library.
"""
import gc
import os

# The loops below need no threads, and OpenMP's spinning barriers make them crawl on a loaded machine.
# Set before the library (and libgomp) is loaded, on first use.
os.environ.setdefault("OMP_NUM_THREADS", "1")
import tempfile
import threading
import unittest

import numpy as np

import swflow

PAGE = os.sysconf("SC_PAGE_SIZE")
TARGET = swflow.dataset("rings", 1000)  # 8 KB of target per flow, 8 KB of particles


def resident_bytes():
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * PAGE


def make_flow(close):
    ctx = swflow.Context(seed=1, backend="cpu")
    flow = swflow.Flow(ctx, TARGET, num_directions=8)
    flow.init_particles(1000).step(1)
    if close == "with":
        with ctx, flow:
            pass
    elif close == "explicit":
        flow.close()
        ctx.close()
    elif close == "context first":
        ctx.close()
        flow.step(1)  # the flow stays valid after its context is closed
        flow.close()
    return flow, ctx


class NoLeaks(unittest.TestCase):
    ROUNDS = 1000
    SLACK = 4 << 20  # bytes: a flow and its context hold ~170 KB (target, particles, workspace): 170 MB leaked

    def growth(self, body):
        for _ in range(100):  # warm up allocator pools and caches
            body()
        gc.collect()
        before = resident_bytes()
        for _ in range(self.ROUNDS):
            body()
        gc.collect()
        return resident_bytes() - before

    def test_dropped_handles_are_freed(self):
        for close in ("drop", "with", "explicit", "context first"):
            with self.subTest(close=close):
                grown = self.growth(lambda: make_flow(close))
                self.assertLess(grown, self.SLACK, "%s: resident memory grew by %d KB" % (close, grown >> 10))

    def test_distance_and_failed_calls_do_not_leak(self):
        x = np.random.default_rng(0).normal(size=(500, 2))

        def body():
            swflow.sliced_wasserstein(x, TARGET, L=16)
            try:
                swflow.Flow(swflow.Context(backend="cpu"), TARGET, step_size=-1.0)
            except swflow.InvalidArgumentError:
                pass

        grown = self.growth(body)
        self.assertLess(grown, self.SLACK, "resident memory grew by %d KB" % (grown >> 10))

    def test_the_measurement_sees_a_leak(self):
        kept = []
        grown = self.growth(lambda: kept.append(make_flow("drop")))
        self.assertGreater(grown, 4 * self.SLACK, "kept handles grew resident memory by only %d KB" % (grown >> 10))
        for flow, ctx in kept:
            flow.close()
            ctx.close()

    def test_recorders_dropped_unclosed_are_discarded(self):
        with tempfile.TemporaryDirectory() as scratch, swflow.Context(backend="cpu") as ctx:
            flow = swflow.Flow(ctx, TARGET, num_directions=4).init_particles(1000)
            path = os.path.join(scratch, "t.h5")

            def body():
                recorder = swflow.Recorder(flow, path, sw2_directions=0)
                recorder.append()
                with self.assertWarns(ResourceWarning):
                    del recorder

            grown = self.growth(body)
            self.assertLess(grown, self.SLACK, "resident memory grew by %d KB" % (grown >> 10))
            self.assertEqual(os.listdir(scratch), [])  # nothing published, no .part left behind
            flow.close()


class Lifetimes(unittest.TestCase):
    def test_a_flow_keeps_its_context_object_alive(self):
        flow = swflow.Flow(swflow.Context(seed=3, backend="cpu"), TARGET).init_particles(100)
        gc.collect()
        self.assertFalse(flow.context.closed)
        flow.step(2)
        self.assertEqual(flow.info().step, 2)
        flow.close()

    def test_close_is_idempotent_in_any_order(self):
        ctx = swflow.Context(backend="cpu")
        flow = swflow.Flow(ctx, TARGET).init_particles(10)
        ctx.close()
        ctx.close()
        flow.step(1)
        flow.close()
        flow.close()
        del flow, ctx
        gc.collect()

    def test_a_flow_with_an_open_recorder_refuses_to_close(self):
        with tempfile.TemporaryDirectory() as scratch, swflow.Context(backend="cpu") as ctx:
            flow = swflow.Flow(ctx, TARGET).init_particles(50)
            recorder = swflow.Recorder(flow, os.path.join(scratch, "t.h5"), sw2_directions=0)
            with self.assertRaisesRegex(swflow.InvalidArgumentError, "Recorder on this flow is still open"):
                flow.close()
            recorder.close()
            recorder.close()
            flow.close()
            del recorder  # the recorder held the flow: dropping both after closing frees nothing twice
            del flow
            gc.collect()

    def test_threads_share_a_context_safely(self):
        ctx = swflow.Context(seed=5, backend="cpu")
        flows = [swflow.Flow(ctx, TARGET, num_directions=8).init_particles(500) for _ in range(4)]
        errors = []

        def work(flow):
            try:
                for _ in range(20):
                    flow.step(1)
                    flow.distance(16)
            except Exception as error:  # reported below
                errors.append(error)

        threads = [threading.Thread(target=work, args=(flow,)) for flow in flows]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        self.assertEqual(errors, [])
        # The flows are independent: all four ran the same draws from the same context seed.
        self.assertEqual(len({flow.particles.tobytes() for flow in flows}), 1)
        for flow in flows:
            flow.close()
        ctx.close()


if __name__ == "__main__":
    unittest.main()
