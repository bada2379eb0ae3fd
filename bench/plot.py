"""Charts of the last benchmark run (`make bench-plot`): reads build/bench/results.json
(bench/suite.py) and draws one PNG per workload into docs/bench/ (workload-N.png): a
panel per measurement and data variant, a horizontal bar per peer and setting, ours in
blue (the C++ API with default settings darker), the others grey, failures named; a log
scale where the largest figure is over 20 times the smallest.

    .venv/bin/python bench/plot.py [RESULTS] [FOLDER]
"""
import json
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
from suite import peers, workloads, show  # noqa: E402

UNITS = {"s": "seconds", "ms": "milliseconds", "bytes": "MB"}


def color(peer, setting):
    if not peer.startswith("lakota-"):
        return "#9e9e9e"
    return "#0b4f9c" if (peer, setting) == ("lakota-cpp", "default") else "#5b9bd5"


def panel(ax, bars, failures, title, unit):
    """One measurement: bars = [(label, value, color)], failures = [label]."""
    labels = [b[0] for b in bars] + failures
    values = [b[1] / 1e6 if unit == "bytes" else b[1] for b in bars]
    ax.barh(range(len(bars)), values, color=[b[2] for b in bars])
    for i, (v, raw) in enumerate(zip(values, bars)):
        ax.text(v, i, " " + show(raw[1], unit), va="center", fontsize=7)
    for i in range(len(bars), len(labels)):
        ax.text(0, i, " failed", va="center", fontsize=7, color="#b71c1c", transform=ax.get_yaxis_transform())
    ax.set_yticks(range(len(labels)), labels, fontsize=7)
    ax.set_ylim(len(labels) - 0.5, -0.5)
    positive = [v for v in values if v > 0]
    if positive and max(positive) > 20 * min(positive):
        ax.set_xscale("log")
    ax.set_title(title, fontsize=9)
    ax.set_xlabel(UNITS.get(unit, unit) + (" (log scale)" if ax.get_xscale() == "log" else ""), fontsize=8)
    ax.tick_params(axis="x", labelsize=7)
    ax.margins(x=0.25)


def main():
    results = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "build" / "bench" / "results.json"
    folder = Path(sys.argv[2]) if len(sys.argv) > 2 else ROOT / "docs" / "bench"
    run = json.loads(results.read_text())
    folder.mkdir(parents=True, exist_ok=True)
    order = {(p.name, s.name): (i, j) for i, p in enumerate(peers()) for j, s in enumerate(p.settings)}
    m = run["machine"]
    footer = f"{run['rows']:,} rows, {run['date'][:10]}; {m['cpu']}, {m['cores']} cores, {m['memory_bytes'] / 2**30:.0f} GiB"
    for w in workloads(run["rows"]):
        mine = [r for r in run["records"] if r["workload"] == w.number]
        if not mine:
            continue
        panels = [(task, metric, name, variant) for variant in w.variants for task, metric, name in w.columns
                  if any((r["task"], r["metric"], r["variant"]) == (task, metric, variant) for r in mine)]
        height = max(len({(r["peer"], r["setting"]) for r in mine}) * 0.22 + 1.2, 2.5)
        columns = len({(t, m) for t, m, _, _ in panels})
        rows = (len(panels) + columns - 1) // columns
        fig, axes = plt.subplots(rows, columns, figsize=(4.2 * columns, height * rows), squeeze=False)
        for ax, (task, metric, name, variant) in zip(axes.flat, panels):
            found = sorted((r for r in mine if (r["task"], r["metric"], r["variant"]) == (task, metric, variant)),
                           key=lambda r: order.get((r["peer"], r["setting"]), (99, 0)))
            bars = [(f"{r['peer']} ({r['setting']})" if r["setting"] != "default" else r["peer"], r["value"],
                     color(r["peer"], r["setting"])) for r in found]
            failed = [f"{f['peer']} ({f['setting']})" if f["setting"] != "default" else f["peer"]
                      for f in run["failures"] if (f["task"], f["variant"]) == (task, variant)]
            panel(ax, bars, failed, f"{name}{', ' + variant if len(w.variants) > 1 else ''}", found[0]["unit"])
        for ax in list(axes.flat)[len(panels):]:
            ax.axis("off")
        fig.suptitle(f"{w.number}. {w.title}", fontsize=11)
        fig.text(0.99, 0.005, footer, ha="right", va="bottom", fontsize=6, color="#616161")
        fig.tight_layout(rect=(0, 0.02, 1, 1))
        fig.savefig(folder / f"workload-{w.number}.png", dpi=110)
        plt.close(fig)
        print(folder / f"workload-{w.number}.png")


if __name__ == "__main__":
    main()
