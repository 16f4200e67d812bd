# Over 500 lines on purpose: every benchmark's entry and its line of the table in one place, so
# that adding a benchmark is one edit here.
"""``python -m bench [all|NAME]``: run the benchmarks (NAME one of ``BENCHMARKS``), print a
table and write ``bench/results/latest.json`` (a single benchmark updates only its own
section).

See BENCHMARKS.md for the method and the figures.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import json
import os
import sys
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

from bench import (
    broadcast,
    budget,
    conversation,
    digest,
    faults,
    memory,
    opinions,
    profile,
    report,
    stellingen,
    webdoor,
    webhook,
    weighting,
)
from bench.common import RESULTS, bot_root, machine, set_bot_root

T = TypeVar("T")

#: Every benchmark ``all`` runs, in order.
BENCHMARKS = (
    "conversation",
    "memory",
    "digest",
    "webhook",
    "broadcast",
    "budget",
    "faults",
    "opinions",
    "weighting",
    "report",
    "stellingen",
    "webdoor",
)


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.bot_root:
        set_bot_root(Path(args.bot_root))
    everything = list(BENCHMARKS)
    which = everything if args.benchmark == "all" else [args.benchmark]
    output = Path(args.output)
    results = _load(output)
    results["machine"] = machine()
    results["bot_root"] = str(bot_root())
    started = time.monotonic()
    for name in which:
        load_before = os.getloadavg()
        print(f"== {name} ...", file=sys.stderr, flush=True)
        began = time.monotonic()
        result = _run(name, args)
        result["duration_s"] = round(time.monotonic() - began, 1)
        result["finished_at"] = datetime.now(UTC).isoformat(timespec="seconds")
        result["load_average_before"] = [round(x, 2) for x in load_before]
        results[name] = result
        _save(output, results)  # a later benchmark that fails loses nothing
    results["total_duration_s"] = round(time.monotonic() - started, 1)
    _save(output, results)
    print(_table(results, which))
    first = (results.get("conversation", {}).get("rounds") or [{}])[0]
    summary = first.get("samenspraak", {}).get("profile_summary")
    if "conversation" in which and summary:
        print("\nwhere the Samenspraak process spends its time (py-spy):")
        print(profile.render(summary))
    print(f"\nresults written to {output}")
    return 0 if _passed(results, which) else 1


def _run(name: str, args: argparse.Namespace) -> dict[str, Any]:
    """One benchmark, with the options that name its settings."""
    if name == "digest":
        return digest.main()
    if name == "report":
        return report.main()
    if name == "broadcast":
        return asyncio.run(broadcast.run(broadcast.Settings()))
    if name == "opinions":
        return opinions.main()
    if name == "stellingen":
        return stellingen.run()
    if name == "weighting":
        return weighting.main()
    if name == "webdoor":
        return webdoor.main()
    if name == "budget":
        return asyncio.run(budget.run(budget.Settings()))
    if name == "faults":
        return asyncio.run(faults.run(faults.FULL if args.faults_full else faults.Settings()))
    module = {"conversation": conversation, "memory": memory, "webhook": webhook}[name]
    prefix = "webhook_" if name == "webhook" else ""
    return asyncio.run(module.run(_settings(module.Settings, args, prefix)))


def _settings(kind: type[T], args: argparse.Namespace, prefix: str = "") -> T:
    """A benchmark's Settings from the options named like its fields (``--webhook-rate``
    for the webhook benchmark's ``rate``, with ``prefix`` "webhook_"); the other fields
    keep their defaults."""
    given = {
        name: tuple(value) if isinstance(value, list) else value
        for name, value in vars(args).items()
    }
    return kind(
        **{
            field.name: given[prefix + field.name]
            for field in dataclasses.fields(kind)  # type: ignore[arg-type]
            if prefix + field.name in given
        }
    )


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument(
        "benchmark",
        nargs="?",
        default="all",
        choices=["all", *BENCHMARKS],
    )
    parser.add_argument("--residents", type=int, default=100, help="simulated residents")
    parser.add_argument("--warmup", type=float, default=5.0, help="conversation warm-up, s")
    parser.add_argument("--window", type=float, default=20.0, help="conversation window, s")
    parser.add_argument("--echo-warmup", type=float, default=3.0, help="echo warm-up, s")
    parser.add_argument("--echo-window", type=float, default=20.0, help="echo window, s")
    parser.add_argument("--rounds", type=int, default=2, help="conversation + echo rounds")
    parser.add_argument(
        "--questionnaire", default=None, help="conversation: every resident takes this one"
    )
    parser.add_argument(
        "--sizes", type=int, nargs="+", default=[10_000, 100_000], help="stored sessions"
    )
    parser.add_argument(
        "--webhook-rate", type=float, default=150.0, help="webhook: offered updates per second"
    )
    parser.add_argument(
        "--webhook-residents", type=int, default=400, help="webhook: simulated residents"
    )
    parser.add_argument("--webhook-warmup", type=float, default=10.0, help="webhook warm-up, s")
    parser.add_argument("--webhook-window", type=float, default=20.0, help="webhook window, s")
    parser.add_argument(
        "--webhook-setups",
        nargs="+",
        type=_setup,
        default=webhook.SETUPS,
        metavar="BACKEND:WORKERS",
        help="webhook set-ups, e.g. sqlite:1 postgresql:2 (PostgreSQL: BENCH_DATABASE_URL)",
    )
    parser.add_argument(
        "--profile",
        type=Path,
        metavar="FILE",
        help="py-spy the Samenspraak process during the window",
    )
    parser.add_argument(
        "--bot-root",
        metavar="DIR",
        help="run Samenspraak from this source tree (e.g. a copy with a patch applied)",
    )
    parser.add_argument(
        "--faults-full",
        action="store_true",
        help="faults: 300 residents and a broadcast to 5,000 (the default is scaled down)",
    )
    parser.add_argument("--output", default=str(RESULTS / "latest.json"))
    return parser


def _setup(text: str) -> tuple[str, int]:
    backend, _, workers = text.partition(":")
    if backend not in ("sqlite", "postgresql") or not workers.isdigit() or int(workers) < 1:
        raise SystemExit(f"--webhook-setups: {text!r} is not like sqlite:1 or postgresql:4")
    return backend, int(workers)


def _load(path: Path) -> dict[str, Any]:
    try:
        loaded = json.loads(path.read_text())
    except (OSError, ValueError):
        return {}
    return loaded if isinstance(loaded, dict) else {}


def _save(path: Path, results: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    temporary.replace(path)


def _passed(results: dict[str, Any], which: list[str]) -> bool:
    ok = True
    if "conversation" in which:
        ok = ok and bool(results["conversation"]["durability_ok"])
    if "webhook" in which:
        ok = ok and bool(results["webhook"]["durability_ok"])
    if "broadcast" in which:
        sent = results["broadcast"]
        ok = ok and sent["duplicates"] == 0 and sent["skipped"] == 0
    if "weighting" in which:
        ok = ok and bool(results["weighting"]["meets_target"])
    if "stellingen" in which:
        ok = ok and bool(results["stellingen"]["votes"]["durability_ok"])
    for shared in results.get("budget", {}).get("rounds", []) if "budget" in which else []:
        ok = ok and shared["duplicates"] == 0
        ok = ok and shared["most_in_a_rolling_second"] <= budget.CAP
    if "webdoor" in which:
        door = results["webdoor"]
        ok = ok and door["page_under_100_kb"] and not door["page_refers_elsewhere"]
    for name in ("kill", "database") if "faults" in which else ():
        if name in results["faults"]:
            ok = ok and bool(results["faults"][name]["held"])
    return ok


def _cpu(measured: dict[str, Any]) -> str:
    """CPU in % of one core: bot process (its event-loop thread), bench process, the rest."""
    return (
        f"{measured['bot_process_cpu_percent']}({measured['bot_event_loop_thread_cpu_percent']})"
        f"/{measured['bench_process_cpu_percent']}/{measured['other_processes_cpu_percent']} %"
    )


def _table(results: dict[str, Any], which: list[str]) -> str:
    rows: list[tuple[str, str, str]] = []
    info = results["machine"]
    rows.append(("machine", f"{info['nproc']} CPUs, Python {info['python']}", ""))
    if "conversation" in which:
        conv = results["conversation"]
        setup = conv["settings"]
        rows.append(
            (
                "conversation: answers/s",
                f"{conv['answers_per_second']}",
                f"mean of {setup['rounds']} rounds of {setup['window_s']:g} s, "
                f"{setup['residents']} residents",
            )
        )
        rows.append(
            ("echo bot: messages/s", f"{conv['echo_messages_per_second']}", "mean of the rounds")
        )
        rows.append(
            (
                "ratio (answers/s : echo/s)",
                f"{conv['ratio']}",
                f"target >= {conv['target_ratio']}: "
                + ("met" if conv["meets_target"] else "NOT met")
                + f"; per round {conv['ratio_per_round']}",
            )
        )
        rows.append(
            (
                "ratio of CPU cost",
                f"{conv['cpu_cost_ratio']}",
                f"{conv['bot_cpu_ms_per_answer']} ms CPU per answer, "
                f"{conv['echo_cpu_ms_per_message']} ms per echo",
            )
        )
        for number, one in enumerate(conv["rounds"], 1):
            ours, echo = one["samenspraak"], one["echo"]
            latency = ours["answer_latency"]
            rows += [
                (
                    f"  round {number}: answers/s",
                    f"{ours['answers_per_second']}",
                    f"{ours['answers_in_window']} answers; latency p50 {latency['p50_ms']} ms, "
                    f"p95 {latency['p95_ms']} ms; {ours['bot_api_calls_per_second']} calls/s",
                ),
                (
                    "    CPU bot(loop)/bench/other",
                    _cpu(ours),
                    f"{ours['bot_cpu_ms_per_answer']} ms CPU per answer",
                ),
                (
                    f"  round {number}: echo/s",
                    f"{echo['messages_per_second']}",
                    f"{echo['messages_in_window']} messages; latency p50 "
                    f"{echo['latency']['p50_ms']} ms",
                ),
                (
                    "    CPU bot(loop)/bench/other",
                    _cpu(echo),
                    f"{echo['bot_cpu_ms_per_message']} ms CPU per message",
                ),
                (
                    "    durability",
                    "ok" if ours["durability"]["ok"] else "FAILED",
                    f"{ours['durability']['answers_in_database']} answers stored, "
                    f"{ours['durability']['answers_confirmed']} confirmed, "
                    f"{ours['durability']['confirmed_but_missing']} missing",
                ),
            ]
    if "memory" in which:
        mem = results["memory"]
        # ``samenspraak run`` (the section itself) and one ``samenspraak serve`` worker.
        measured: list[dict[str, Any]] = [mem, *([mem["serve"]] if "serve" in mem else [])]
        for section in measured:
            command = section.get("command", "run")
            backend = section.get("backend", "sqlite")
            for point in section["points"]:
                rows.append(
                    (
                        f"memory, {command} ({backend}): RSS, "
                        f"{point['stored_sessions']:,} sessions",
                        f"{point['rss_after_traffic_mib']} MiB",
                        f"idle {point['rss_idle_mib']} MiB, peak {point['peak_rss_mib']} MiB, "
                        f"{point['traffic_answers_confirmed']} answers of traffic",
                    )
                )
            if "growth_mib_per_10k_sessions" in section:
                rows.append(
                    (
                        "  growth per 10,000 sessions",
                        f"{section['growth_mib_per_10k_sessions']} MiB",
                        ("flat" if section["flat"] else "GROWS")
                        + f" (idle {section['idle_growth_mib_per_10k_sessions']} MiB)",
                    )
                )
    if "digest" in which:
        for backend, figures in results["digest"].items():
            if isinstance(figures, dict) and "digest_build_s" in figures:
                rows.append(
                    (
                        f"digest: build, {backend}",
                        f"{figures['digest_build_s']:.2f} s",
                        f"aggregates {figures['aggregate_s']:.2f} s, chart "
                        f"{figures['chart_s']:.2f} s; target < 3 s",
                    )
                )
            if isinstance(figures, dict) and "heard_added_s" in figures:
                rows.append(
                    (
                        f"digest: weighting adds, {backend}",
                        f"{figures['heard_added_s']:.2f} s",
                        f"CPU {figures['heard_added_cpu_s']:.2f} s; with population "
                        f"{figures['build_with_population_s']:.2f} s, without "
                        f"{figures['build_without_population_s']:.2f} s; target < 0.5 s",
                    )
                )
    if "report" in which:
        found = results["report"]
        rows.append(
            (
                "report: Word file, sqlite",
                f"{found['report_s']:.2f} s",
                f"{found['responses']:,} responses, {found['charts']} charts; target < 10 s",
            )
        )
        rows.append(
            (
                "report: page, cached",
                f"{found['page_cached_p95_ms']} ms",
                f"p95 of {found['requests']}, median {found['page_cached_median_ms']} ms, "
                f"cold {found['page_cold_s']} s; target < 200 ms",
            )
        )
    if "webhook" in which:
        rows += _webhook_rows(results["webhook"])
    if "weighting" in which:
        weigh = results["weighting"]
        median = weigh["median_s"]
        rows.append(
            (
                f"weighting + representativeness, {weigh['responses']:,} responses",
                f"{median['total_s'] * 1000:.1f} ms",
                f"count {median['count_s'] * 1000:.1f}, rake {median['rake_s'] * 1000:.2f}, "
                f"{weigh['closed_questions']} estimates {median['estimate_s'] * 1000:.1f}, "
                f"representation {median['representation_s'] * 1000:.1f} ms; target < "
                f"{weigh['target_s']:g} s: " + ("met" if weigh["meets_target"] else "NOT met"),
            )
        )
    if "broadcast" in which:
        sent = results["broadcast"]
        resident = sent["resident"]
        rows += [
            (
                "broadcast: messages/s",
                f"{sent['messages_per_second']}",
                f"{sent['recipients']} recipients ({sent['blocked']} blocked), "
                f"{sent['share_of_configured_rate']:.0%} of BROADCAST_RATE "
                f"{sent['configured_rate']:g}; {sent['total_s']} s in all",
            ),
            (
                "  duplicates / skipped",
                f"{sent['duplicates']} / {sent['skipped']}",
                f"killed at {sent.get('delivered_at_kill')} delivered, restarted",
            ),
            (
                "  resident during it",
                f"p50 {resident['reply_latency_p50_ms']} ms",
                f"p95 {resident['reply_latency_p95_ms']} ms, {resident['answers']} answers",
            ),
        ]
    if "opinions" in which:
        found = results["opinions"]
        rows.append(
            (
                "opinion analysis",
                f"{found['analyse_s']:.2f} s",
                f"{found['votes']:,} votes, {found['participants']:,} participants x "
                f"{found['statements']} statements; peak RSS {found['process_peak_rss_mib']:.0f} "
                f"MiB; targets < {found['target_s']:g} s, < {found['target_mib']} MiB: "
                + ("met" if found["meets_target"] else "NOT met"),
            )
        )
    if "stellingen" in which:
        votes, digested = results["stellingen"]["votes"], results["stellingen"]["digest"]
        taps = votes["samenspraak"]
        rows += [
            (
                "deliberation: vote taps/s : echo/s",
                f"{taps['votes_per_second']} : {votes['echo_messages_per_second']} = "
                f"{votes['ratio']}",
                f"{taps['bot_cpu_ms_per_vote']} ms bot CPU per vote; target >= "
                f"{votes['target_ratio']}: " + ("met" if votes["meets_target"] else "NOT met"),
            ),
            (
                f"deliberation digest, {digested['votes']:,} votes",
                f"{digested['digest_s_untraced']:.1f} s",
                f"CPU {digested['digest_cpu_s'][0]:.1f} s, Python peak "
                f"{digested['python_peak_mib']} MiB; target < {digested['target_s']:g} s: "
                + ("met" if digested["meets_target"] else "NOT met"),
            ),
        ]
    for shared in results.get("budget", {}).get("rounds", []) if "budget" in which else []:
        rows.append(
            (
                f"shared budget, {shared['workers']} worker(s): sent/s",
                f"{shared['sent_per_second']}",
                f"{shared['share_of_cap']:.0%} of the cap {budget.CAP}, at most "
                f"{shared['most_in_a_rolling_second']} in a second, "
                f"{shared['responses_429']} x 429; reply p99 {shared['reply_p99_s']} s",
            )
        )
    if "faults" in which:
        rows += _fault_rows(results["faults"])
    width = max(len(r[0]) for r in rows)
    value_width = max(len(r[1]) for r in rows)
    return "\n".join(
        f"{name:<{width}}  {value:>{value_width}}  {note}".rstrip() for name, value, note in rows
    )


def _fault_rows(found: dict[str, Any]) -> list[tuple[str, str, str]]:
    rows: list[tuple[str, str, str]] = []
    for name in ("kill", "database"):
        if name not in found:
            continue
        one = found[name]
        sent = one["broadcast"]
        rows += [
            (
                f"faults, {name}: held",
                "yes" if one["held"] else "NO",
                f"{one['residents_finished']}/{one['residents']} residents finished; answers "
                f"{one['answers_confirmed']} confirmed, {one['answers_stored']} stored, "
                f"{one['confirmed_answers_lost']} lost, {one['answers_applied_twice']} twice",
            ),
            (
                "  broadcast",
                f"{sent['arrived_once']}/{sent['recipients']}",
                f"arrived once; {sent['duplicates']} duplicates, {sent['skipped']} skipped "
                f"({sent['skipped_marked_interrupted']} marked interrupted, "
                f"{sent['skipped_silently']} silently); webhook {one['webhook_answers']}",
            ),
        ]
    return rows


def _webhook_rows(hook: dict[str, Any]) -> list[tuple[str, str, str]]:
    setup = hook["settings"]
    rows = [
        (
            "webhook: offered load",
            f"{setup['offered_updates_per_second']:g}/s",
            f"{setup['residents']} residents, window {setup['window_s']:g} s",
        )
    ]
    for one in hook["setups"]:
        name = f"  {one['workers']} worker(s), {one['backend']}"
        if "skipped" in one:
            rows.append((name, "-", one["skipped"]))
            continue
        latency = one["latency"]
        cpu = "+".join(f"{c:g}" for c in one["workers_cpu_percent"])
        rows.append(
            (
                name,
                f"{one['answers_per_second']} answers/s",
                f"{one['updates_per_second']} updates/s; latency p50 {latency['p50_ms']} ms, "
                f"p99 {latency['p99_ms']} ms; CPU workers {cpu} %, database "
                f"{one['database_cpu_percent']} %, balancer "
                f"{one['load_balancer_cpu_percent']} %, bench "
                f"{one['bench_process_cpu_percent']} %, other "
                f"{one['other_processes_cpu_percent']} %; durability "
                + ("ok" if one["durability"]["ok"] else "FAILED"),
            )
        )
    return rows


if __name__ == "__main__":
    sys.exit(main())
