"""Statistics of python/spikeq_analysis.py on synthetic trains with known answers
(run by CTest: /usr/bin/python3 -m unittest)."""
import os
import sys
import tempfile
import unittest

import h5py
import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import spikeq_analysis as sa  # noqa: E402


def poisson(rate_hz, duration_ms, n, seed):
    rng = np.random.default_rng(seed)
    times, ids = [], []
    for k in range(n):
        count = rng.poisson(rate_hz * duration_ms / 1000.0)
        t = np.sort(rng.uniform(0, duration_ms, count))
        times.append(t)
        ids.append(np.full(count, k, dtype=np.uint64))
    t, i = np.concatenate(times), np.concatenate(ids)
    order = np.argsort(t, kind="stable")
    return t[order], i[order]


class spike_statistics(unittest.TestCase):
    def test_regular_train_has_zero_cv_and_lv(self):
        t = np.arange(0, 1000, 10.0)
        ids = np.zeros(len(t), dtype=np.uint64)
        self.assertEqual(sa.cvs(t, ids, 1)[0], 0.0)
        self.assertEqual(sa.lvs(t, ids, 1)[0], 0.0)
        np.testing.assert_allclose(sa.rates(t, ids, 1, 0, 1000), [100.0])

    def test_poisson_trains_have_cv_lv_fano_near_one(self):
        # 50 neurons at 20 Hz for 200 s: each has ~4000 ISIs, so CV and LV are within
        # a few percent of 1 (LV of a Poisson process is 1, Shinomoto 2003); the Fano
        # factor of counts in 100 ms bins is 1 with a SD of ~sqrt(2/2000) per neuron.
        t, ids = poisson(20.0, 200000.0, 50, 1)
        self.assertAlmostEqual(sa.mean_cv(t, ids, 50), 1.0, delta=0.03)
        self.assertAlmostEqual(sa.lvs(t, ids, 50).mean(), 1.0, delta=0.03)
        self.assertAlmostEqual(sa.fano_factor(t, ids, 50, 0, 200000, 100), 1.0, delta=0.03)
        self.assertLess(abs(sa.mean_correlation(t, ids, 50, 0, 200000, 100)), 0.01)
        self.assertAlmostEqual(sa.synchrony(t, ids, 50, 0, 200000, 100), 1 / np.sqrt(50), delta=0.05)

    def test_identical_trains_correlate_perfectly_and_are_synchronous(self):
        t0, _ = poisson(10.0, 10000.0, 1, 2)
        t = np.repeat(t0, 3)
        ids = np.tile(np.arange(3, dtype=np.uint64), len(t0))
        self.assertAlmostEqual(sa.mean_correlation(t, ids, 3, 0, 10000, 10), 1.0, places=12)
        self.assertAlmostEqual(sa.synchrony(t, ids, 3, 0, 10000, 10), 1.0, places=12)

    def test_silent_and_sparse_neurons_are_left_out(self):
        t = np.array([1.0, 2.0, 5.0])
        ids = np.array([0, 0, 1], dtype=np.uint64)
        self.assertEqual(len(sa.cvs(t, ids, 3)), 0)
        self.assertTrue(np.isnan(sa.mean_cv(t, ids, 3)))

    def test_loads_sonata_files_of_any_sorting(self):
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "other_tool.h5")
            with h5py.File(path, "w") as f:
                g = f.create_group("spikes/pop")
                g.attrs["sorting"] = "by_id"  # string form, as some tools write
                g["timestamps"] = np.array([5.0, 1.0, 3.0])
                g["node_ids"] = np.array([0, 1, 1], dtype=np.uint64)
            t, ids, n = sa.load_spikes(path)["pop"]
            np.testing.assert_array_equal(t, [1.0, 3.0, 5.0])
            np.testing.assert_array_equal(ids, [1, 1, 0])
            self.assertEqual(n, 2)

    def test_rate_spectrum_finds_a_40_hz_rhythm(self):
        # Poisson spikes with rate modulated as 1 + sin(2 pi 40 Hz t): the peak sits in
        # the bin nearest 40 Hz (41 * 1000 / 1024 = 40.04 Hz), most power in 30-80 Hz.
        rng = np.random.default_rng(5)
        t = rng.uniform(0, 10240.0, 400000)
        t = t[rng.uniform(size=t.size) < 0.5 * (1 + np.sin(2 * np.pi * 0.040 * t))]
        _, _, peak, band = sa.rate_spectrum(t, 0.0, 10240.0)
        self.assertAlmostEqual(peak, 41 * 1000 / 1024)
        self.assertGreater(band, 0.5)
        self.assertTrue(np.isnan(sa.rate_spectrum(t, 0.0, 1000.0)[2]))  # shorter than a segment

    def test_weight_statistics_by_hand(self):
        final = np.array([0.0, 0.0, 0.5, 1.0])
        initial = np.array([0.5, 0.5, 0.5, 0.5])
        s = sa.weight_statistics(final, bounds=(0.0, 1.0), initial=initial)
        self.assertAlmostEqual(s["mean"], 0.375)
        self.assertAlmostEqual(s["fraction_at_lower"], 0.5)
        self.assertAlmostEqual(s["fraction_at_upper"], 0.25)
        np.testing.assert_array_equal(s["histogram"], [2, 0, 0, 0, 0, 1, 0, 0, 0, 1])
        self.assertAlmostEqual(s["mean_change"], -0.125)
        self.assertAlmostEqual(s["mean_absolute_change"], 0.375)
        self.assertEqual(s["changed"], 3)


class neuromodulators(unittest.TestCase):
    # Releases of 1.0 at 100 ms and 0.5 at 300 ms, tau 50 ms, tonic 0.1.
    channel = dict(tau=50.0, tonic=0.1, times=np.array([100.0, 300.0]), amounts=np.array([1.0, 0.5]))

    def test_level_on_a_grid_is_the_sum_of_decaying_releases(self):
        t = np.array([0.0, 99.9, 100.0, 150.0, 300.0, 1000.0])
        expected = (0.1 + np.where(t >= 100, np.exp(-(t - 100) / 50), 0)
                    + np.where(t >= 300, 0.5 * np.exp(-(t - 300) / 50), 0))
        np.testing.assert_allclose(sa.modulator_level(self.channel, t), expected, rtol=1e-15)
        np.testing.assert_allclose(sa.modulator_level(self.channel, [100.0], side="left"), [0.1])
        np.testing.assert_allclose(sa.modulator_level(self.channel, np.zeros((2, 3))), np.full((2, 3), 0.1))

    def test_statistics_match_the_closed_form_and_a_fine_quadrature(self):
        s = sa.modulator_statistics(self.channel, 0, 1000)
        # (1/T) integral_0^T M = tonic + (1/T) sum_k a_k tau (1 - exp(-(T - t_k)/tau)).
        mean = 0.1 + (50 * (1 - np.exp(-18)) + 0.5 * 50 * (1 - np.exp(-14))) / 1000
        self.assertAlmostEqual(s["mean_level"], mean, places=15)
        grid = np.linspace(0, 1000, 1000001)
        self.assertAlmostEqual(np.trapz(sa.modulator_level(self.channel, grid), grid) / 1000, mean, delta=1e-6)
        self.assertEqual((s["releases"], s["nonzero_releases"]), (2, 2))
        self.assertAlmostEqual(s["total_amount"], 1.5)
        self.assertAlmostEqual(s["release_rate"], 2.0)
        self.assertAlmostEqual(s["peak_level"], 1.1)
        self.assertEqual(s["peak_time"], 100.0)
        w = sa.modulator_statistics(self.channel, 200, 320)  # starts after a release, cuts one short
        mean_w = 0.1 + (50 * (np.exp(-2) - np.exp(-220 / 50)) + 25 * (1 - np.exp(-20 / 50))) / 120
        self.assertAlmostEqual(w["mean_level"], mean_w, places=15)
        self.assertEqual(w["releases"], 1)
        self.assertAlmostEqual(w["peak_level"], 0.1 + np.exp(-4) + 0.5, places=15)

    def test_reads_the_neuromodulators_group(self):
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "run.h5")
            with h5py.File(path, "w") as f:
                g = f.create_group("neuromodulators/dopamine")
                g.attrs["tau"] = 50.0
                g.attrs["tau_units"] = "ms"
                g.attrs["tonic"] = 0.1
                g["release_times"] = np.array([100.0, 300.0])
                g["release_times"].attrs["units"] = "ms"
                g["release_amounts"] = np.array([1.0, 0.0])
                f.create_group("spikes")
            channels = sa.load_neuromodulators(path)
            self.assertEqual(list(channels), ["dopamine"])
            c = channels["dopamine"]
            self.assertEqual((c["tau"], c["tonic"]), (50.0, 0.1))
            np.testing.assert_array_equal(c["times"], [100.0, 300.0])
            self.assertEqual(sa.modulator_statistics(c, 0, 1000)["nonzero_releases"], 1)
            with h5py.File(path, "a") as f:
                del f["neuromodulators"]
            self.assertEqual(sa.load_neuromodulators(path), {})



def write_readout_file(path, step=2.0, start=0.0):
    """Four trials of 100 ms with outcomes A, B, A, A at 40 ms after each start; a
    two-neuron readout whose y is t - trial start (neuron 0) and 10 * outcome index
    + 1 (neuron 1), frames every `step` ms from `start`."""
    with h5py.File(path, "w") as f:
        p = f.create_group("protocol")
        p["trial_start"] = np.array([0.0, 100.0, 200.0, 300.0])
        p["outcome_time"] = p["trial_start"][:] + 40.0
        p["outcome"] = np.array([0, 1, 0, 0], dtype=np.uint64)
        p.attrs["outcome_names"] = "A,B"
        p.attrs["trial_duration_ms"] = "100"
        g = f.create_group("report/r")
        g.attrs["variable"] = "y"
        t = start + step * np.arange(int((400 - start) / step))
        trial = np.minimum((t // 100).astype(int), 3)
        data = np.column_stack([t - 100.0 * trial, 10.0 * p["outcome"][:][trial] + 1.0]).astype(np.float32)
        g["data"] = data
        g["mapping/node_ids"] = np.array([0, 1], dtype=np.uint64)
        g["mapping/time"] = np.array([start, start + step * len(t), step])


class readout_responses(unittest.TestCase):
    def test_protocol_and_reports_are_read(self):
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "run.h5")
            write_readout_file(path)
            p = sa.load_protocol(path)
            self.assertEqual(p["outcome_names"], ["A", "B"])
            self.assertEqual(p["trial_duration"], 100.0)
            np.testing.assert_array_equal(p["outcome"], [0, 1, 0, 0])
            self.assertEqual(sa.readout_reports(path), {"r": dict(population="r", variable="y")})

    def test_average_over_the_trials_of_each_outcome_clipped_to_the_trial(self):
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "run.h5")
            write_readout_file(path)
            # The window [-300, 300] is clipped to the trial: offsets -40 .. 58 (< 60).
            r = sa.trial_averaged(path, "r", 0)
            self.assertEqual((r["offsets"][0], r["offsets"][-1]), (-40.0, 58.0))
            np.testing.assert_array_equal(r["mean"]["A"], r["offsets"] + 40.0)
            self.assertEqual(r["count"], {"A": 3, "B": 1, "all": 4})
            b = sa.trial_averaged(path, "r", 1)
            self.assertTrue(np.all(b["mean"]["A"] == 1.0) and np.all(b["mean"]["B"] == 11.0))
            np.testing.assert_allclose(b["mean"]["all"], 3.5)
            self.assertEqual(sa.response_peak(r["offsets"], r["mean"]["all"]), (98.0, 58.0))
            # Trials 1:3, aligned on the start, window [-5, 20]: offsets 0..20.
            r = sa.trial_averaged(path, "r", 1, align="start", window=(-5, 20), trials=(1, 3))
            np.testing.assert_array_equal(r["trials"], [1, 2])
            self.assertEqual((r["offsets"][0], r["offsets"][-1]), (0.0, 20.0))
            self.assertTrue(np.isnan(sa.readout_statistics(path, "r", 1, trials=(2, 4))["outcomes"]["B"]["all"]
                                     ["peak"]))

    def test_times_off_the_frame_grid_are_interpolated(self):
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "run.h5")
            write_readout_file(path, step=3.0, start=1.0)
            # Outcomes at 40 + 100 k lie between frames; y is linear inside a trial, so
            # the interpolation is exact: y = offset + 40 on the grid of multiples of 3.
            r = sa.trial_averaged(path, "r", 0, window=(-30, 30))
            self.assertEqual((r["offsets"][0], r["offsets"][-1]), (-30.0, 30.0))
            np.testing.assert_allclose(r["mean"]["all"], r["offsets"] + 40.0, rtol=0, atol=1e-5)
            self.assertEqual(len(r["trials"]), 4)


if __name__ == "__main__":
    unittest.main()
