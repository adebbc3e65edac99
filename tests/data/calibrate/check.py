#!/usr/bin/env python3
"""Independent figures for tests/calibrate.rs, in plain Python.

Usage: check.py LEADS OUTCOMES SUGGESTED_SCORES HOLDOUT_FRACTION

Scores LEADS with reference_score.py (the hand-written oracle of MODEL.md,
not leadscore), joins OUTCOMES by id and prints one JSON object: leads,
conversions, AUC (Mann-Whitney with mid-ranks, in exact integer arithmetic
until the last division), KS, each tier's leads/conversions/rate, and the
holdout AUC of the current scores and of SUGGESTED_SCORES (the JSON Lines
output of `leadscore score` on the suggested rules), with the holdout
drawn by FNV-1a of the lead id as docs/calibration.md describes.
"""
import csv
import json
import os
import sys
from fractions import Fraction

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from reference_score import score  # noqa: E402
from gen_leads import TRUTH  # noqa: E402


def auc(pairs):
    pairs = sorted(pairs, key=lambda p: p[0])
    pos = sum(1 for _, y in pairs if y)
    neg = len(pairs) - pos
    rank_sum2 = 0  # twice the rank sum, so mid-ranks stay integers
    i = 0
    while i < len(pairs):
        j = i
        while j < len(pairs) and pairs[j][0] == pairs[i][0]:
            j += 1
        mid2 = (i + 1) + j  # 2 * mid-rank of ranks i+1..j
        rank_sum2 += mid2 * sum(1 for _, y in pairs[i:j] if y)
        i = j
    u = Fraction(rank_sum2, 2) - Fraction(pos * (pos + 1), 2)
    return float(u / (pos * neg))


def ks(pairs):
    pairs = sorted(pairs, key=lambda p: p[0])
    pos = sum(1 for _, y in pairs if y)
    neg = len(pairs) - pos
    cp = cq = 0
    best = Fraction(0)
    i = 0
    while i < len(pairs):
        j = i
        while j < len(pairs) and pairs[j][0] == pairs[i][0]:
            j += 1
        cp += sum(1 for _, y in pairs[i:j] if y)
        cq += sum(1 for _, y in pairs[i:j] if not y)
        best = max(best, abs(Fraction(cq, neg) - Fraction(cp, pos)))
        i = j
    return float(best)


def held_out(lead_id, fraction):
    h = 0xcbf29ce484222325
    for b in lead_id.encode():
        h ^= b
        h = (h * 0x100000001b3) % (1 << 64)
    return (h >> 11) / float(1 << 53) < fraction


def main():
    leads, outcomes, suggested, fraction = sys.argv[1:5]
    converted = {r["id"]: r["converted"] == "true" for r in csv.DictReader(open(outcomes))}
    scored = [score(json.loads(line)) for line in open(leads) if line.strip()]
    pairs = [(s["score"], converted[s["id"]]) for s in scored]
    tiers = {}
    for s, (_, y) in zip(scored, pairs):
        t = tiers.setdefault(s["tier"], [0, 0])
        t[0] += 1
        t[1] += y
    new = {}
    for line in open(suggested):
        r = json.loads(line)
        new[r["id"]] = r["score"]
    held = [s for s in scored if held_out(s["id"], float(fraction))]
    print(json.dumps({
        "leads": len(pairs),
        "conversions": sum(y for _, y in pairs),
        "auc": auc(pairs),
        "ks": ks(pairs),
        "tiers": {k: {"leads": n, "conversions": c, "rate": c / n} for k, (n, c) in tiers.items()},
        "holdout_leads": len(held),
        "holdout_auc_current": auc([(s["score"], converted[s["id"]]) for s in held]),
        "holdout_auc_suggested": auc([(new[s["id"]], converted[s["id"]]) for s in held]),
        "truth": TRUTH,
    }))


if __name__ == "__main__":
    main()
