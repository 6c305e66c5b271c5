#!/usr/bin/python3
"""python/spikeq_analysis.py reads /continual_learning, and the accuracy matrix, ACC
and BWT it recomputes from the stored predictions equal the stored ones (rules.md
§4.6). Usage: check_continual_learning.py SOURCE_DIR RECORDING"""
import os
import sys

import numpy as np

sys.path.insert(0, os.path.join(sys.argv[1], "python"))
import spikeq_analysis as sa  # noqa: E402

evaluation = sa.load_continual_learning(sys.argv[2])
if evaluation is None:
    sys.exit("no /continual_learning")
accuracy, acc, bwt = sa.continual_learning_metrics(evaluation)
problems = []
if not np.array_equal(accuracy, evaluation["accuracy"], equal_nan=True):
    problems.append(f"accuracy: stored {evaluation['accuracy']} vs recomputed {accuracy}")
if not np.isclose(acc, evaluation["ACC"], rtol=0, atol=1e-15):
    problems.append(f"ACC: stored {evaluation['ACC']} vs recomputed {acc}")
if not np.isclose(bwt, evaluation["BWT"], rtol=0, atol=1e-15, equal_nan=True):
    problems.append(f"BWT: stored {evaluation['BWT']} vs recomputed {bwt}")
if problems:
    sys.exit("\n".join(problems))
