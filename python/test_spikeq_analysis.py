"""Statistics of python/spikeq_analysis.py on synthetic trains with known answers
(run by CTest: /usr/bin/python3 -m unittest)."""
import os
import sys
import tempfile
import time
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
            with self.assertWarns(UserWarning):  # no recorded_node_ids: the neurons that spike
                t, ids, n = sa.load_spikes(path)["pop"]
            np.testing.assert_array_equal(t, [1.0, 3.0, 5.0])
            np.testing.assert_array_equal(ids, [1, 1, 0])
            np.testing.assert_array_equal(n, [0, 1])

    def test_partial_recordings_are_analysed_over_the_recorded_neurons(self):
        # 1000 neurons, of which 5 (ids 10, 20, ..., 50) are recorded, each firing
        # 4 spikes in 1 s: the rate is 4 Hz, nobody is silent, and the rows of the
        # binned counts are the 5 recorded neurons in id order.
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "partial.h5")
            recorded = np.array([10, 20, 30, 40, 50], dtype=np.uint64)
            ids = np.tile(recorded, 4)
            t = np.repeat([100.0, 300.0, 600.0, 900.0], 5)
            with h5py.File(path, "w") as f:
                g = f.create_group("spikes/pop")
                g.attrs["sorting"] = np.uint8(2)
                g.attrs["node_count"] = np.array([1000], dtype=np.uint64)
                g["timestamps"] = t
                g["node_ids"] = ids
                g["recorded_node_ids"] = recorded
            times, node_ids, n = sa.load_spikes(path)["pop"]
            np.testing.assert_array_equal(n, recorded)
            np.testing.assert_allclose(sa.rates(times, node_ids, n, 0, 1000), np.full(5, 4.0))
            self.assertEqual(sa.binned_counts(times, node_ids, n, 0, 1000, 100).shape, (5, 10))
            self.assertAlmostEqual(sa.synchrony(times, node_ids, n, 0, 1000, 100), 1.0)
            with self.assertRaises(ValueError):  # a spike of a neuron that was not recorded
                sa.rates(np.array([1.0]), np.array([11], dtype=np.uint64), n, 0, 1000)

    def test_a_damaged_file_marked_as_being_written_fails_at_once(self):
        # Consistency flags "open for SWMR writing" on a file whose superblock checksum
        # fails: opened as a SWMR reader with bounded retries, it fails within a second
        # (HDF5's default retries sleep for minutes).
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "damaged.h5")
            with h5py.File(path, "w", libver="latest") as f:
                f["spikes/pop/timestamps"] = np.array([1.0])
                f["spikes/pop/node_ids"] = np.array([0], dtype=np.uint64)
            with open(path, "r+b") as f:
                head = bytearray(f.read(48))
                self.assertEqual(head[8], 3)  # superblock version 3
                head[11] = 0x05
                head[40] ^= 0x5A
                f.seek(0)
                f.write(head)
            start = time.monotonic()
            with self.assertRaises(OSError):
                sa.load_spikes(path)
            self.assertLess(time.monotonic() - start, 1.0)

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


class alignment(unittest.TestCase):
    def test_measures_by_hand(self):
        w = np.array([[1.0, 2.0], [3.0, -4.0]])
        same = sa.alignment_measures(w, w.T)  # B = W^T: aligned
        self.assertEqual(same["angle_deg"], 0.0)
        self.assertEqual(same["variance_of_difference"], 0.0)
        self.assertAlmostEqual(same["pearson"], 1.0, places=15)
        self.assertEqual(same["sign_agreement"], 1.0)
        anti = sa.alignment_measures(w, -w.T)  # d = 2W: deviations from 1 square to 116
        self.assertAlmostEqual(anti["angle_deg"], 180.0, places=12)
        self.assertAlmostEqual(anti["variance_of_difference"], 116.0 / 3.0, places=12)
        self.assertEqual(anti["sign_agreement"], -1.0)
        ortho = sa.alignment_measures(np.eye(2), np.array([[0.0, 1.0], [1.0, 0.0]]))
        self.assertAlmostEqual(ortho["angle_deg"], 90.0, places=12)
        self.assertTrue(np.isnan(sa.alignment_measures(np.zeros((2, 2)), w)["angle_deg"]))
        self.assertAlmostEqual(sa.upper_triangle_asymmetry([[0, 1, 2], [3, 0, 0], [2, 0, 0]]), 8.0 / 9.0, places=15)

    def test_dense_matrix_sums_multapses(self):
        m = sa.dense_matrix([0, 1, 2, 2], [0, 0, 1, 1], [1.0, 2.0, 0.5, 1.5], 2, 3)
        np.testing.assert_array_equal(m, [[1, 2, 0], [0, 0, 2]])

    def test_reads_the_alignment_group_and_summarises_it(self):
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "a.h5")
            with h5py.File(path, "w") as f:
                g = f.create_group("alignment/layers")
                g.attrs["forward"] = "fwd"
                g.attrs["feedback"] = "fb"
                g.attrs["recurrent"] = np.uint32(0)
                g["time"] = [0.0, 100.0, 200.0, 300.0]
                g["angle_deg"] = [80.0, 40.0, np.nan, 50.0]
                g["variance_of_difference"] = [4.0, 2.0, 1.0, 1.5]
                g["pearson"] = [0.1, 0.5, 0.7, 0.6]
                g["sign_agreement"] = [0.0, 0.4, 0.5, 0.45]
            a = sa.load_alignment(path)["layers"]
            self.assertEqual(a["forward"], "fwd")
            self.assertFalse(a["recurrent"])
            s = sa.alignment_statistics(a)
            self.assertEqual(s["samples"], 4)
            self.assertEqual(s["first"], dict(time=0.0, angle=80.0))
            self.assertEqual(s["last"], dict(time=300.0, angle=50.0))
            self.assertEqual(s["min_angle"], dict(time=100.0, angle=40.0))  # NaN left out
            self.assertEqual(s["final_variance_of_difference"], 1.5)
            w = sa.alignment_statistics(a, t_start=150, t_stop=300)
            self.assertEqual(w["samples"], 2)
            self.assertEqual(w["min_angle"], dict(time=300.0, angle=50.0))
            self.assertEqual(sa.load_alignment(os.path.join(d, "a.h5")).keys(), {"layers"})


if __name__ == "__main__":
    unittest.main()
