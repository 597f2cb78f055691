#!/usr/bin/python3
"""Reference values for the C# statistics tests (StatisticsReferenceTests.cs), from SciPy, statsmodels and scikit-learn.

    /usr/bin/python3 tests/Domain.Tests/Statistics/references.py

Needs Debian's python3-scipy, python3-sklearn and python3-statsmodels (apt-get install -y python3-scipy
python3-sklearn python3-statsmodels); run with /usr/bin/python3 so a pyenv interpreter without them is not picked.
Measured with SciPy 1.10.1, scikit-learn 1.2.1, statsmodels 0.13.5, numpy 1.24.2. Every data set is built from integer
formulas rounded to float32, which the C# tests rebuild bit for bit. DeLong's test is implemented here as Sun and Xu's
fast mid-rank algorithm (IEEE Signal Process. Lett. 21, 1389, 2014) with the covariance of the structural components
from numpy.cov and a contrast vector, a different computation from the C# one; its AUCs are checked against
sklearn.metrics.roc_auc_score.
"""
import numpy as np
import scipy
import scipy.special
import scipy.stats
import sklearn
import statsmodels
from sklearn.metrics import roc_auc_score
from statsmodels.stats.contingency_tables import mcnemar


def f32(x):
    return np.float32(x)


# --- the fixed data sets (rebuilt in StatisticsReferenceTests.cs) ---
ROWS = 40
labels = np.array([1.0 if (i * 7) % 5 < 2 else 0.0 for i in range(ROWS)])
scores_a = np.array([f32(((i * 37) % 101) / 101.0 + 0.25 * labels[i]) for i in range(ROWS)], dtype=np.float32)
scores_b = np.array([f32(((i * 13 + 5 * int(labels[i])) % 9) / 8.0) for i in range(ROWS)], dtype=np.float32)
members = np.array([[f32(((i * (17 + 2 * m) + 11 * m) % 89) / 89.0 * 0.7 + 0.3 * labels[i]) for i in range(ROWS)]
                    for m in range(3)], dtype=np.float32)


def compute_midrank(x):
    order = np.argsort(x, kind="mergesort")
    sorted_x = x[order]
    n = len(x)
    ranks = np.zeros(n)
    i = 0
    while i < n:
        j = i
        while j < n and sorted_x[j] == sorted_x[i]:
            j += 1
        ranks[i:j] = 0.5 * (i + j - 1) + 1
        i = j
    out = np.empty(n)
    out[order] = ranks
    return out


def fast_delong(predictions_sorted_transposed, m):
    """Sun and Xu: AUCs and covariances of the structural components; positives are the first m columns."""
    n = predictions_sorted_transposed.shape[1] - m
    positive = predictions_sorted_transposed[:, :m]
    negative = predictions_sorted_transposed[:, m:]
    k = predictions_sorted_transposed.shape[0]
    tx = np.array([compute_midrank(positive[r]) for r in range(k)])
    ty = np.array([compute_midrank(negative[r]) for r in range(k)])
    tz = np.array([compute_midrank(predictions_sorted_transposed[r]) for r in range(k)])
    aucs = tz[:, :m].sum(axis=1) / m / n - (m + 1.0) / 2.0 / n
    v01 = (tz[:, :m] - tx) / n
    v10 = 1.0 - (tz[:, m:] - ty) / m
    sx = np.atleast_2d(np.cov(v01))
    sy = np.atleast_2d(np.cov(v10))
    return aucs, sx / m + sy / n


def delong_contrast(y, scorers, contrast):
    order = np.concatenate([np.flatnonzero(y == 1), np.flatnonzero(y == 0)], axis=0)
    m = int((y == 1).sum())
    stacked = np.vstack([s.astype(np.float64) for s in scorers])[:, order]
    aucs, covariance = fast_delong(stacked, m)
    for s, auc in zip(scorers, aucs):
        assert abs(roc_auc_score(y, s.astype(np.float64)) - auc) < 1e-12, (roc_auc_score(y, s), auc)
    c = np.array(contrast)
    difference = float(c @ aucs)
    se = float(np.sqrt(c @ covariance @ c))
    z = difference / se
    return aucs, difference, se, z, float(2 * scipy.stats.norm.sf(abs(z)))


def show(name, value):
    print(f"{name} = {float(value)!r}")


print(f"# SciPy {scipy.__version__}, scikit-learn {sklearn.__version__}, statsmodels {statsmodels.__version__}, numpy {np.__version__}")

print("\n# erfc (scipy.special.erfc)")
for x in [0.0, 0.1, 0.5, 1.0, 1.2, 1.25, 2.0, 3.0, 5.0, 10.0, 26.0, -1.5]:
    print(f"erfc({x!r}) = {scipy.special.erfc(x)!r}")

print("\n# normal two-sided p and chi-square(1) survival (scipy.stats)")
for z in [0.0, 1.0, 1.959963984540054, 3.5, 8.0]:
    print(f"norm2({z!r}) = {2 * scipy.stats.norm.sf(abs(z))!r}")
for x in [0.1, 1.0, 3.841458820694124, 10.0, 50.0]:
    print(f"chi2sf({x!r}) = {scipy.stats.chi2.sf(x, 1)!r}")

print("\n# binomial(n, 1/2) cdf (scipy.stats.binom.cdf)")
for k, n in [(0, 1), (3, 12), (7, 24), (12, 24), (0, 20)]:
    print(f"binom({k}, {n}) = {scipy.stats.binom.cdf(k, n, 0.5)!r}")

print("\n# McNemar (statsmodels mcnemar, exact when b + c < 25, else chi2 with continuity correction)")
for b, c in [(0, 0), (3, 9), (1, 0), (12, 12), (20, 4), (15, 10), (30, 12), (100, 70), (400, 300)]:
    result = mcnemar([[0, b], [c, 0]], exact=b + c < 25, correction=True)
    print(f"mcnemar({b}, {c}) = statistic {float(result.statistic)!r}, p {float(result.pvalue)!r}")

print("\n# quantiles (numpy.quantile, method='linear')")
sample = np.array([3.5, -1.0, 2.25, 8.0, 0.5, 0.5, 7.125, 4.0, -2.5, 6.0, 1.75])
for q in [0.0, 0.025, 0.16, 0.5, 0.84, 0.975, 1.0]:
    print(f"quantile({q!r}) = {np.quantile(sample, q)!r}")

print("\n# paired z of per-row differences (statistic = scipy.stats.ttest_rel; p from the normal)")
x = np.array([1, 1, 0, 1, 1, 1, 0, 1, 1, 1, 1, 0, 1, 1, 1, 1, 1, 0, 1, 1], dtype=float)
y = np.array([1, 0, 0, 1, 0, 1, 0, 1, 1, 0, 1, 0, 1, 0, 1, 1, 0, 0, 1, 1], dtype=float) * 0.75 + 0.125
t = scipy.stats.ttest_rel(x, y).statistic
show("paired_difference", np.mean(x - y))
show("paired_se", np.std(x - y, ddof=1) / np.sqrt(len(x)))
show("paired_z", t)
show("paired_p", 2 * scipy.stats.norm.sf(abs(t)))

print("\n# DeLong: scores a against scores b (ties), and a against the mean of three members' AUCs")
aucs, difference, se, z, p = delong_contrast(labels, [scores_a, scores_b], [1, -1])
show("auc_a", aucs[0]); show("auc_b", aucs[1])
show("delong_ab_difference", difference); show("delong_ab_se", se); show("delong_ab_z", z); show("delong_ab_p", p)
aucs, difference, se, z, p = delong_contrast(labels, [scores_a, *members], [1, -1 / 3, -1 / 3, -1 / 3])
show("delong_a_members_difference", difference); show("delong_a_members_se", se)
show("delong_a_members_z", z); show("delong_a_members_p", p)

print("\n# The ensemble report of the three members: average p = float32(sum in double / 3), vote share, decisions")
total = members.astype(np.float64).sum(axis=0)
average = (total / 3).astype(np.float32)
votes = (members > 0.5).sum(axis=0)
vote = (votes.astype(np.float32) / np.float32(3)).astype(np.float32)
average_decision = (average.astype(np.float64) > 0.5).astype(int)
vote_decision = (2 * votes > 3).astype(int)
average_right = (average_decision == labels).astype(float)
vote_right = (vote_decision == labels).astype(float)
b = int(((average_right == 1) & (vote_right == 0)).sum())
c = int(((average_right == 0) & (vote_right == 1)).sum())
result = mcnemar([[0, b], [c, 0]], exact=b + c < 25, correction=True)
print(f"report_mcnemar = b {b}, c {c}, statistic {float(result.statistic)!r}, p {float(result.pvalue)!r}")
aucs, difference, se, z, p = delong_contrast(labels, [average, vote], [1, -1])
show("report_delong_rules_difference", difference); show("report_delong_rules_se", se)
show("report_delong_rules_z", z); show("report_delong_rules_p", p)
member_right = ((members > 0.5).astype(int) == labels).astype(float)
d = average_right - member_right.mean(axis=0)
t = scipy.stats.ttest_rel(average_right, member_right.mean(axis=0)).statistic
show("report_paired_difference", d.mean()); show("report_paired_se", np.std(d, ddof=1) / np.sqrt(ROWS))
show("report_paired_z", t); show("report_paired_p", 2 * scipy.stats.norm.sf(abs(t)))
aucs, difference, se, z, p = delong_contrast(labels, [average, *members], [1, -1 / 3, -1 / 3, -1 / 3])
show("report_delong_members_difference", difference); show("report_delong_members_se", se)
show("report_delong_members_z", z); show("report_delong_members_p", p)
