"""Plot `make bench`'s results: tools/bench/plot.py RESULTS.json OUT.png

Run by tools/bench.py with a python3 that has matplotlib (Debian's
python3-matplotlib; tools/deps.sh plot installs it). One bar per guest
boot (Kite per arch and NIC, Linux arm64 per NIC) in four panels:
throughput, round-trip latency, accepts, and frame delivery rates.
"""

import json
import sys

import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

# (title, log scale, [(results key, legend, scale)])
PANELS = [
    ("TCP throughput (MB/s)", False, [("tcp_in", "host->guest", 1e-6),
                               ("tcp_out", "guest->host", 1e-6),
                               ("iperf3_in", "iperf3 in", 1e-6),
                               ("iperf3_out", "iperf3 -R", 1e-6)]),
    ("1-byte round trip (us, log)", True,
     [("rr_median_us", "median", 1), ("rr_p99_us", "p99", 1)]),
    ("connections accepted per second", False,
     [("accept_rate", "accepts/s", 1)]),
    ("frames delivered per second (1514 B, log)", True,
     [("udp_stack_fps", "UDP via stack", 1),
      ("sink_fps", "count+drop in driver", 1)]),
]


def main(src, dst):
    with open(src) as f:
        d = json.load(f)
    runs = [r for r in d["results"] if "error" not in r]
    labels = ["%s\n%s\n%s" % ("Kite" if r["guest"] == "kite" else "Linux",
                              r["arch"], r["nic"]) for r in runs]
    fig, axes = plt.subplots(2, 2, figsize=(16, 10))
    for ax, (title, log, series) in zip(axes.flat, PANELS):
        series = [s for s in series if any(r.get(s[0]) for r in runs)]
        n = max(1, len(series))
        width = 0.8 / n
        for i, (key, name, scale) in enumerate(series):
            xs = [j + (i - (n - 1) / 2) * width for j in range(len(runs))]
            ys = [(r.get(key) or 0) * scale for r in runs]
            ax.bar(xs, ys, width, label=name)
        ax.set_title(title)
        if log:
            ax.set_yscale("log")
        ax.set_xticks(range(len(runs)))
        ax.set_xticklabels(labels, fontsize=7)
        ax.grid(axis="y", alpha=0.3)
        if series:
            ax.legend(fontsize=8)
    fig.suptitle(d["header"][0], fontsize=9)
    fig.tight_layout()
    fig.savefig(dst, dpi=90)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
