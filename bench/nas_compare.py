"""The numbers of docs/benchmarks.md's "NAS on the collider data": test ROC AUC of a search's best trial, of the hand-picked
network (a trial of the search and an ensemble's members), and of an ensemble of the search's top configurations, with
paired DeLong tests on the shared test rows, read from a one-silo farm's SQLite store.

The campaigns must share their test part (same data, seed and test block, as examples/ensemble.yaml, nas.yaml and
search-to-ensemble.yaml do); the script checks it. "Best" is the completed trial with the highest validation ROC AUC
(examples/nas.yaml's objective, so the search's own ranking), never the test metric.

usage: /usr/bin/python3 bench/nas_compare.py STORE ENSEMBLE_ID SEARCH_ID TOP_ENSEMBLE_ID [BASELINE_TRIAL]
       (BASELINE_TRIAL: the search trial holding the hand-picked network, 0 when it is enqueued first)
"""
import json
import sqlite3
import sys

import numpy as np
from scipy.stats import norm


def midranks(x):
    order = np.argsort(x, kind="mergesort")
    sorted_x = x[order]
    ranks = np.empty(len(x))
    i = 0
    while i < len(x):
        j = i
        while j < len(x) and sorted_x[j] == sorted_x[i]:
            j += 1
        ranks[order[i:j]] = 0.5 * (i + j - 1) + 1
        i = j
    return ranks


def delong(y, a, b):
    """AUCs of scores a and b on labels y, and DeLong's two-sided p-value for their difference (paired)."""
    pos, neg = y == 1, y == 0
    m, n = pos.sum(), neg.sum()
    aucs, v10, v01 = [], [], []
    for s in (a, b):
        r_all, r_pos, r_neg = midranks(s), midranks(s[pos]), midranks(s[neg])
        auc = (r_all[pos].sum() - m * (m + 1) / 2) / (m * n)
        aucs.append(auc)
        v10.append((r_all[pos] - r_pos) / n)
        v01.append(1 - (r_all[neg] - r_neg) / m)
    s10, s01 = np.cov(np.array(v10)), np.cov(np.array(v01))
    var = (s10[0, 0] + s10[1, 1] - 2 * s10[0, 1]) / m + (s01[0, 0] + s01[1, 1] - 2 * s01[0, 1]) / n
    z = (aucs[0] - aucs[1]) / np.sqrt(var) if var > 0 else 0.0
    return aucs[0], aucs[1], 2 * norm.sf(abs(z))


def main():
    store, ensemble, search, top = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
    baseline = int(sys.argv[5]) if len(sys.argv) > 5 else 0
    db = sqlite3.connect(store)

    def test_part(campaign):
        rows, targets = db.execute("SELECT row_indices, targets FROM campaign_test_sets WHERE campaign_id = ?", (campaign,)).fetchone()
        return bytes(rows), np.frombuffer(targets, dtype="<f4")

    def trials(campaign):
        return db.execute("""SELECT t.idx, t.params_json, f.metrics_json, p.values_f32le FROM trials t
            JOIN final_metrics f ON f.trial_id = t.id JOIN predictions p ON p.trial_id = t.id
            WHERE t.campaign_id = ? AND t.state = 'completed' ORDER BY t.idx""", (campaign,)).fetchall()

    rows, y = test_part(search)
    for other in (ensemble, top):
        if test_part(other)[0] != rows:
            sys.exit(f"campaign {other} has another test part than search {search}: the comparison needs the same rows")

    searched = trials(search)
    best = max(searched, key=lambda t: json.loads(t[2])["val_auc"])
    base = next(t for t in searched if t[0] == baseline)
    members = trials(ensemble)
    tops = trials(top)
    p = lambda t: np.frombuffer(t[3], dtype="<f4").astype(np.float64)
    member_aucs = [delong(y, p(t), p(t))[0] for t in members]
    top_average = np.mean([p(t) for t in tops], axis=0)
    hand_average = np.mean([p(t) for t in members], axis=0)

    print(f"test rows {len(y)}, positives {int(y.sum())}")
    print(f"search {search}: {len(searched)} completed trials; best by val_auc: trial {best[0]} {best[1]}")
    print(f"  its val_auc {json.loads(best[2])['val_auc']:.5f}, parameters {json.loads(best[2])['parameters']:.0f}")
    print(f"hand-picked members (campaign {ensemble}, {len(members)}): test AUC mean {np.mean(member_aucs):.5f} "
          f"std {np.std(member_aucs, ddof=1):.5f} min {min(member_aucs):.5f} max {max(member_aucs):.5f}")
    comparisons = [
        ("best trial", p(best), f"search trial {baseline} (hand-picked network)", p(base)),
        ("best trial", p(best), f"hand-picked member 0 (campaign {ensemble})", p(members[0])),
        (f"top-config ensemble (campaign {top}, {len(tops)} members, average)", top_average, "best trial", p(best)),
        (f"top-config ensemble (campaign {top}, average)", top_average, f"hand-picked ensemble (campaign {ensemble}, {len(members)} members, average)", hand_average),
    ]
    for name_a, a, name_b, b in comparisons:
        auc_a, auc_b, p_value = delong(y, a, b)
        print(f"{name_a} {auc_a:.5f} vs {name_b} {auc_b:.5f}: difference {auc_a - auc_b:+.5f}, DeLong p = {p_value:.3g}")


if __name__ == "__main__":
    main()
