"""`python -m bench`: run the load scenarios against a real server on loopback and print the table.

    python -m bench                  every scenario at the issue's sizes (about 10 minutes)
    python -m bench 1 2 4            some of them
    python -m bench --quick          small sizes, a quick look
    python -m bench 8 9 --postgres postgresql://user@127.0.0.1/chatboard_bench
    python -m bench costs            the costs C1–C7 (bench/costs.py); c1 c3 picks some
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

from bench import api_room, costs, scenarios
from bench.run import Row, notes
from bench.server import ROOT, raise_open_files

COLUMNS = ("scenario", "clients", "senders", "rate", "delivered / expected", "deliveries/s",
           "latency p50 / p95 / p99 / max (ms)", "server CPU s", "peak server RSS (MiB)", "client CPU s", "target", "notes")


def cells(row: Row) -> list[str]:
    latency = " / ".join(f"{v:.1f}" for v in row.latencies_ms) if row.latencies_ms else "–"
    target = {True: "met", False: "NOT met", None: ""}[row.target_met]
    delivered = f"{row.delivered:,} / {row.expected:,}" if row.expected else "–"
    return [row.scenario, f"{row.clients:,}" if row.clients else "–", str(row.senders or "–"), row.rate, delivered,
            f"{row.deliveries_per_s:,.0f}" if row.deliveries_per_s else "–", latency, f"{row.server_cpu:.1f}",
            f"{row.peak_rss_mib:.0f}", f"{row.client_cpu:.1f}" if row.client_cpu else "–", target, row.note]


def table(rows: list[Row]) -> str:
    lines = ["| " + " | ".join(COLUMNS) + " |", "|" + "---|" * len(COLUMNS)]
    lines += ["| " + " | ".join(cells(row)) + " |" for row in rows]
    return "\n".join(lines)


def commit() -> str:
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True, timeout=10).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--", "webapp", "bench"], cwd=ROOT, capture_output=True, text=True, timeout=10).stdout.strip()
        return head + ("+changes" if dirty else "")
    except OSError:
        return "unknown"


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("scenarios", nargs="*", help="scenario numbers, c1…c7 or costs (default: scenarios 1–10)")
    parser.add_argument("--quick", action="store_true", help="small sizes")
    parser.add_argument("--postgres", help="a PostgreSQL URL (an empty database) for scenarios 8 and 9")
    args = parser.parse_args()
    words = [w.lower() for w in args.scenarios]
    chosen = {int(w) for w in words if w.isdigit()}
    chosen_costs = set(range(1, 8)) if "costs" in words else {int(w[1:]) for w in words if w[:1] == "c" and w[1:].isdigit()}
    if not words:
        chosen = set(range(1, 11))
    scale = scenarios.QUICK if args.quick else scenarios.FULL
    raise_open_files()
    started = time.monotonic()

    rows: list[Row] = []

    def show(new: Row | list[Row]) -> None:
        for row in new if isinstance(new, list) else [new]:
            rows.append(row)
            print("  " + " | ".join(cells(row)), flush=True)

    big = busy = None
    if chosen & {1, 5}:
        big = scenarios.one_big_room(scale)
        if 1 in chosen:
            show(big)
    if chosen & {2, 8}:
        busy = scenarios.busy_room(scale)
        if 2 in chosen:
            show(busy)
    if 3 in chosen or 9 in chosen:
        ramp = scenarios.ramp(scale)
        show(ramp)
    if 4 in chosen:
        show(scenarios.idle_sockets(scale))
    if 5 in chosen:
        show(scenarios.stalled_readers(scale, big))
    if 6 in chosen:
        show(scenarios.drawing(scale))
    if 7 in chosen:
        show(scenarios.history(scale))
    if 8 in chosen:
        show(scenarios.acknowledged(busy, "8 send → ack, SQLite"))
        if args.postgres:
            on_pg = scenarios.busy_room(scale, database_url=args.postgres, name="8 busy room, PostgreSQL")
            show(scenarios.acknowledged(on_pg, "8 send → ack, PostgreSQL"))
        else:
            show(Row("8 send → ack, PostgreSQL", note="not measured: no --postgres URL"))
    if 10 in chosen:
        show(api_room.api_room())
    if 9 in chosen:
        if args.postgres:
            two = scenarios.ramp(scale, servers=2, database_url=args.postgres, env={"CHANNELS_BACKEND": "postgres"}, name="9 two processes")
            show(two)
            best_one = max((r.deliveries_per_s for r in ramp if r.note.startswith("best")), default=0)
            best_two = max((r.deliveries_per_s for r in two if r.note.startswith("best")), default=0)
            for r in two:
                if r.note.startswith("best") and best_one:
                    r.note = notes(r.note, f"{best_two / best_one:.2f}× scenario 3")
                    r.target_met = best_two >= 1.6 * best_one
        else:
            show(Row("9 two processes", note="not measured: no --postgres URL"))

    cost_rows: list[costs.Cost] = []

    def show_cost(cost: costs.Cost) -> None:
        cost_rows.append(cost)
        print(f"  {cost.figure}: {cost.measured} (target {cost.target}), server CPU {cost.server_cpu:.1f} s, "
              f"client CPU {cost.client_cpu:.1f} s; {cost.note}", flush=True)

    if chosen_costs:
        costs.run(chosen_costs, args.quick, args.postgres, show_cost)

    print()
    print(f"Commit {commit()}, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, {time.monotonic() - started:.0f} s"
          f"{' (quick sizes)' if args.quick else ''}")
    print()
    report = "\n\n".join(part for part in (table(rows) if rows else "", costs.table(cost_rows) if cost_rows else "") if part)
    print(report)
    out = Path(ROOT / "bench" / "out")
    out.mkdir(exist_ok=True)
    (out / f"results-{time.strftime('%H%M%S')}.md").write_text(report + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
