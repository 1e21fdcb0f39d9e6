#!/usr/bin/env python3
"""Runs composelint and its peers on the same inputs and writes bench/RESULTS.md.

Called by bench/run once everything is installed and built; takes its paths from the
environment bench/run sets (BENCH_*). Each (tool, input) is first run once under
`/usr/bin/time -v`: that run records the exit code, what the tool printed, and its peak
memory, and warms the file cache. Then hyperfine times it, unless that single run already
took longer than BENCH_SLOW_SECONDS, in which case its wall time is the measurement (noted as
"1 run") so that a slow peer does not hold the benchmark for many minutes.

Start-up (issue 16) is measured as CPU time, not wall time: `composelint fixtures/demo`
against `composelint --version`, the floor of starting the process. `measure.py startup`
(what `bench/run startup` calls) measures only that and rewrites only the "Start-up" section
of bench/RESULTS.md. `measure.py server` (`bench/run server`) runs the language server's
examples and rewrites only the "Language server" section, which the full run keeps.
"""

import datetime
import json
import os
import platform
import re
import shlex
import subprocess
import sys
import time

ROOT = os.environ["BENCH_ROOT"]
CACHE = os.environ["BENCH_CACHE"]
CORPUS = os.environ["BENCH_CORPUS"]
COMPOSELINT = os.environ["BENCH_COMPOSELINT"]
DCLINT = os.environ["BENCH_DCLINT"]
COMPOSE_LINT = os.environ["BENCH_COMPOSE_LINT"]
SIZES = [int(s) for s in os.environ.get("BENCH_SIZES", "10 100 1000 10000").split()]
SLOW_SECONDS = float(os.environ.get("BENCH_SLOW_SECONDS", "20"))
RESULTS = os.environ.get("BENCH_RESULTS", os.path.join(ROOT, "bench", "RESULTS.md"))
WORK = os.path.join(CACHE, "work")

TOOLS = ["composelint", "dclint", "compose-lint"]

STARTUP_RUNS = int(os.environ.get("BENCH_STARTUP_RUNS", "300"))
# Another build to measure in the same run, e.g. the one before a change, and what it is.
STARTUP_BASELINE = os.environ.get("BENCH_STARTUP_BASELINE", "")
STARTUP_BASELINE_LABEL = os.environ.get("BENCH_STARTUP_BASELINE_LABEL", "baseline")
STARTUP_TARGET = 2.0


def compose_files(directory):
    """The files Compose (and composelint's discovery) treat as compose files, sorted."""
    out = []
    for base, dirs, files in os.walk(directory):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".")
                         and d not in ("node_modules", "target", "vendor"))
        for f in files:
            if (f.startswith("compose") or f.startswith("docker-compose")) and \
                    (f.endswith(".yml") or f.endswith(".yaml")):
                out.append(os.path.join(base, f))
    return sorted(out)


def commands(case, target):
    """The command line of each tool for one input. `target` is a file or a directory."""
    if case == "small":
        # The pre-commit case: the hook passes the changed file, default output format.
        # (The recorded run, which counts findings, uses the JSON format of the general case.)
        return {
            "composelint": [COMPOSELINT, target],
            "dclint": [DCLINT, target],
            "compose-lint": [COMPOSE_LINT, "check", target],
        }
    if case == "corpus":
        # Each tool in its many-files mode: composelint and dclint search the directory;
        # compose-lint has no recursive mode, so it gets every compose file on one line.
        return {
            "composelint": [COMPOSELINT, target, "--format", "json"],
            "dclint": [DCLINT, "-r", target, "-f", "json"],
            "compose-lint": [COMPOSE_LINT, "check", "--format", "json"] + compose_files(target),
        }
    return {
        "composelint": [COMPOSELINT, target, "--format", "json"],
        "dclint": [DCLINT, target, "-f", "json"],
        "compose-lint": [COMPOSE_LINT, "check", "--format", "json", target],
    }


def findings(tool, stdout):
    """How many findings a tool reported, from its JSON output (None for text output)."""
    try:
        data = json.loads(stdout)
    except ValueError:
        return None
    if tool == "composelint":
        return len(data)
    if tool == "dclint":
        return sum(len(f.get("messages", [])) for f in data)
    return len(data.get("findings", []))


def problems(tool, stdout, stderr):
    """What went wrong for the tool on this input, in its own words (first lines)."""
    lines = []
    if tool == "dclint":
        try:
            for f in json.loads(stdout):
                for m in f.get("messages", []):
                    if m.get("rule") == "invalid-schema" or m.get("type") == "fatal":
                        lines.append(f"{os.path.relpath(f['filePath'], ROOT)}: {m['message']}")
        except (ValueError, KeyError, TypeError):
            pass
    if tool == "compose-lint":
        try:
            for e in json.loads(stdout).get("errors", []):
                lines.append(f"{os.path.relpath(e['file'], ROOT)}: {e['message']}")
        except (ValueError, KeyError, TypeError, AttributeError):
            pass
    if not lines:
        lines = [l for l in stderr.splitlines()
                 if l.strip() and re.search(r"error|Error|exception|Traceback", l)]
    return lines


def single_run(argv, label):
    """One run under /usr/bin/time -v: exit code, output, wall seconds, peak RSS in KB."""
    os.makedirs(WORK, exist_ok=True)
    report = os.path.join(WORK, label + ".time")
    out_path, err_path = os.path.join(WORK, label + ".out"), os.path.join(WORK, label + ".err")
    # Output goes to files, not pipes: node truncates piped output at exit past 64 KB.
    with open(out_path, "w") as out, open(err_path, "w") as err:
        start = time.monotonic()
        proc = subprocess.run(["/usr/bin/time", "-v", "-o", report] + argv,
                              stdout=out, stderr=err, cwd=ROOT)
        wall = time.monotonic() - start
    with open(out_path, encoding="utf-8", errors="replace") as f:
        stdout = f.read()
    with open(err_path, encoding="utf-8", errors="replace") as f:
        stderr = f.read()
    rss = None
    with open(report, encoding="utf-8", errors="replace") as f:
        for line in f:
            if "Maximum resident set size" in line:
                rss = int(line.rsplit(":", 1)[1])
    return {"rc": proc.returncode, "stdout": stdout, "stderr": stderr,
            "wall": wall, "rss_kb": rss}


def hyperfine(argv, label, fast):
    out = os.path.join(WORK, label + ".json")
    options = ["--warmup", "3", "--min-runs", "20", "--max-runs", "200"] if fast else \
        ["--warmup", "0", "--min-runs", "2", "--max-runs", "5"]
    subprocess.run(["hyperfine", "-N", "-i", "--style", "none", "--export-json", out] + options
                   + ["--", shlex.join(argv)], check=True, cwd=ROOT,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    with open(out, encoding="utf-8") as f:
        r = json.load(f)["results"][0]
    return {"mean": r["mean"], "stddev": r["stddev"] or 0.0, "runs": len(r["times"])}


def measure(case, target):
    results = {}
    recorded = commands("json", target)
    for tool, argv in commands(case, target).items():
        label = f"{case}-{tool}"
        print(f"  {label}", file=sys.stderr, flush=True)
        run = single_run(recorded[tool] if case == "small" else argv, label)
        if run["wall"] > SLOW_SECONDS:
            run["time"] = {"mean": run["wall"], "stddev": 0.0, "runs": 1}
        else:
            run["time"] = hyperfine(argv, label, fast=run["wall"] < 3.0)
        run["findings"] = findings(tool, run["stdout"])
        run["problems"] = problems(tool, run["stdout"], run["stderr"])
        run["argv"] = argv
        results[tool] = run
    return results


def cpu_seconds(argv):
    """User plus system CPU time of one run, from the kernel's accounting of the child."""
    proc = subprocess.Popen(argv, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    return usage.ru_utime + usage.ru_stime


def startup():
    """CPU time of `composelint fixtures/demo` and of `composelint --version` (and of the same
    two for the baseline build, if one is given), STARTUP_RUNS runs each, interleaved so that
    all see the same machine."""
    load_before = sh("cat /proc/loadavg")
    builds = [("composelint", COMPOSELINT)]
    if STARTUP_BASELINE:
        builds.append((STARTUP_BASELINE_LABEL, STARTUP_BASELINE))
    argvs = {(name, what): [binary] + args for name, binary in builds
             for what, args in (("demo", [os.path.join("fixtures", "demo")]), ("version", ["--version"]))}
    times = {key: [] for key in argvs}
    for i in range(STARTUP_RUNS + 5):
        for key, argv in argvs.items():
            t = cpu_seconds(argv)
            if i >= 5:  # the first runs warm the file cache
                times[key].append(t)
    load = f"{' '.join(load_before.split()[:3])} before, {' '.join(sh('cat /proc/loadavg').split()[:3])} after"
    out = []
    for name, _ in builds:
        demo, version = times[(name, "demo")], times[(name, "version")]
        out.append({"build": name, "runs": STARTUP_RUNS, "load": load,
                    "demo": {"mean": sum(demo) / len(demo), "median": sorted(demo)[len(demo) // 2]},
                    "version": {"mean": sum(version) / len(version), "median": sorted(version)[len(version) // 2]}})
    return out


def startup_section(rows):
    """The "Start-up" section of the report, as lines."""
    lines = [
        "## Start-up",
        "",
        "CPU time (user + system, from the kernel's accounting of each child process, `wait4`) of",
        "linting the demo project, the pre-commit case, against `composelint --version`, the floor",
        "of starting this process (loading and relocating the binary, reading the arguments). Runs",
        f"alternate between the commands; {rows[0]['runs']} runs each, after 5 that warm the file cache.",
        f"Target: the demo costs at most {STARTUP_TARGET:.0f}× `--version`, by the means. Measured",
        f"{datetime.datetime.now(datetime.timezone.utc).strftime('%Y-%m-%d %H:%M UTC')}, load average (1, 5, 15 min) {rows[0]['load']}",
        "(the runs alternate, so other work on the shared cores falls on both commands).",
        "",
        "| build | `composelint fixtures/demo` mean (median) | `composelint --version` mean (median) | ratio of means (medians) | met |",
        "| --- | ---: | ---: | ---: | :---: |",
    ]
    for r in rows:
        d, v = r["demo"], r["version"]
        ratio_mean, ratio_median = d["mean"] / v["mean"], d["median"] / v["median"]
        lines.append(f"| {r['build']} | {d['mean'] * 1e3:.2f} ms ({d['median'] * 1e3:.2f} ms) | "
                     f"{v['mean'] * 1e3:.2f} ms ({v['median'] * 1e3:.2f} ms) | "
                     f"{ratio_mean:.2f}× ({ratio_median:.2f}×) | {'yes' if ratio_mean <= STARTUP_TARGET else '**no**'} |")
    return lines + [""]


def replace_section(title, section):
    """Rewrites the section `## title` of RESULTS with `section` (added before "Targets" if
    it has none)."""
    with open(RESULTS, encoding="utf-8") as f:
        text = f.read()
    start = text.find(f"## {title}\n")
    if start >= 0:
        end = text.find("\n## ", start)
        text = text[:start] + section + (text[end + 1:] if end >= 0 else "")
    else:
        at = text.find("## Targets\n")
        text = text[:at] + section + text[at:] if at >= 0 else text + "\n" + section
    with open(RESULTS, "w", encoding="utf-8") as f:
        f.write(text)
    print(f"wrote the {title} section of {os.path.relpath(RESULTS, ROOT)}", file=sys.stderr)


def startup_only():
    """Measures start-up and rewrites the "Start-up" section of RESULTS."""
    replace_section("Start-up", "\n".join(startup_section(startup())) + "\n")


SERVER_TITLE = "Language server"


def server_section():
    """The "Language server" section (issue 15): what the examples `lsp_keystroke` (a
    keystroke on a 200-service file until its diagnostics arrive, against the library linting
    the same file) and `lsp_memory` (heap and resident set over 1,000 edits) print."""
    lines = [f"## {SERVER_TITLE}", "",
             f"- date: {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC, "
             f"load average before: {sh('cat /proc/loadavg')}",
             "",
             "`bench/run server` runs `cargo run --release --example lsp_keystroke` and "
             "`--example lsp_memory`; each runs the server's loop (the one `composelint server` "
             "runs over stdio) on a thread of its own process, over an in-memory connection.",
             ""]
    for example in ["lsp_keystroke", "lsp_memory"]:
        out = subprocess.run(["cargo", "run", "--release", "--quiet", "--example", example],
                             cwd=ROOT, capture_output=True, text=True, check=True).stdout
        lines += [f"`{example}`:", "", "```", out.rstrip(), "```", ""]
    return lines


def server_only():
    """Measures the language server and rewrites its section of RESULTS."""
    replace_section(SERVER_TITLE, "\n".join(server_section()) + "\n")


def sh(cmd):
    try:
        return subprocess.run(cmd, capture_output=True, text=True, shell=True).stdout.strip()
    except OSError:
        return ""


def fmt_time(seconds):
    if seconds < 1:
        return f"{seconds * 1e3:.1f} ms"
    return f"{seconds:.2f} s"


def fmt_mb(kb):
    return "?" if kb is None else f"{kb / 1024:.1f} MB"


def display(argv):
    return " ".join(os.path.relpath(a, ROOT) if os.path.isabs(a) else a for a in argv[:6]) + \
        (f" … ({len(argv) - 6} more)" if len(argv) > 6 else "")


def main():
    load_before = sh("cat /proc/loadavg")
    cases = [("small", os.path.join(ROOT, "fixtures", "demo", "compose.yaml"), "one small project (`fixtures/demo`, the pre-commit case)")]
    if os.path.isdir(CORPUS):
        cases.append(("corpus", CORPUS, f"the whole corpus (`{os.path.relpath(CORPUS, ROOT)}`, {len(compose_files(CORPUS))} compose files)"))
    for n in SIZES:
        cases.append((f"synthetic-{n}", os.path.join(CACHE, "synthetic", str(n), "compose.yaml"), f"synthetic, {n} services"))
    data = {}
    for case, target, _ in cases:
        print(f"{case}:", file=sys.stderr, flush=True)
        data[case] = measure(case, target)
    print("start-up:", file=sys.stderr, flush=True)
    starts = startup()
    load_after = sh("cat /proc/loadavg")
    with open(os.path.join(WORK, "results.json"), "w", encoding="utf-8") as f:
        json.dump({c: {t: {k: v for k, v in r.items() if k not in ("stdout", "stderr")}
                       for t, r in d.items()} for c, d in data.items()}, f, indent=1)
    write_report(cases, data, starts, load_before, load_after)


def refused(r):
    """A run that ended in an error with no finding: the tool declined the input, so its
    time is not a time to lint it."""
    return r["rc"] == 2 and r["findings"] == 0 and bool(r["problems"])


REFUSED = " (refused the input, see below)"


def ratio(data, case, tool):
    base = data[case]["composelint"]["time"]["mean"]
    return data[case][tool]["time"]["mean"] / base if base > 0 else float("inf")


def net_per_service(data, synthetic, n):
    """composelint's time per service beyond the smallest synthetic project (which is mostly
    process start-up), or None for the smallest itself."""
    case0, n0 = synthetic[0]
    if n <= n0:
        return None
    t = data[f"synthetic-{n}"]["composelint"]["time"]["mean"]
    t0 = data[case0]["composelint"]["time"]["mean"]
    return (t - t0) / (n - n0)


def kept_sections(generated):
    """The sections of the report this script does not write (bench/build-weight's, and
    records of bench/compare runs), kept as they are, in their order."""
    try:
        with open(RESULTS, encoding="utf-8") as f:
            old = f.read()
    except FileNotFoundError:
        return []
    titles = {line for line in generated if line.startswith("## ")} | {"## Targets", "## What each tool did on each input"}
    return [line for part in re.split(r"(?m)^(?=## )", old)[1:]
            if part.splitlines()[0] not in titles for line in part.rstrip("\n").split("\n") + [""]]


def write_report(cases, data, starts, load_before, load_after):
    cpu = sh("grep -m1 'model name' /proc/cpuinfo | cut -d: -f2-") or platform.processor()
    lines = []
    w = lines.append
    w("# Benchmark results")
    w("")
    w("Written by `bench/run`; do not edit by hand. Times are hyperfine means (± standard")
    w("deviation) of process start to exit; \"1 run\" marks a tool so slow on that input that one")
    w(f"run over {SLOW_SECONDS:.0f} s was taken as the measurement. Memory is the maximum resident set")
    w("size from `/usr/bin/time -v` in one run with JSON output. Ratios are the peer's time divided by composelint's on the")
    w("same input, in the same run, on the same machine.")
    w("")
    w("## Machine")
    w("")
    w(f"- date: {datetime.datetime.now(datetime.timezone.utc).strftime('%Y-%m-%d %H:%M UTC')}")
    w(f"- CPU: {cpu.strip()}, `nproc` = {os.cpu_count() and sh('nproc')}")
    w(f"- load average (1, 5, 15 min) before: {' '.join(load_before.split()[:3])}, after: {' '.join(load_after.split()[:3])}"
      " (the machine is shared; a load above `nproc` means other work competed for the cores)")
    w(f"- composelint: {sh(shlex.quote(COMPOSELINT) + ' --version') or 'release build'} (this checkout, `cargo build --release`)")
    w(f"- dclint: {sh(shlex.quote(DCLINT) + ' --version')} (npm), node {sh('node --version')}")
    w(f"- compose-lint: {sh(shlex.quote(COMPOSE_LINT) + ' --version')} (PyPI), {sh(shlex.quote(os.path.join(os.path.dirname(COMPOSE_LINT), 'python')) + ' --version')}")
    w(f"- hyperfine: {sh('hyperfine --version')}")
    w("")
    w("## Time")
    w("")
    w("| input | composelint | dclint | compose-lint | dclint ÷ composelint | compose-lint ÷ composelint |")
    w("| --- | ---: | ---: | ---: | ---: | ---: |")
    for case, _, title in cases:
        cells = []
        for tool in TOOLS:
            t = data[case][tool]["time"]
            runs = "1 run" if t["runs"] == 1 else f"± {fmt_time(t['stddev'])}, {t['runs']} runs"
            cells.append(f"{fmt_time(t['mean'])} ({runs})"
                         + (REFUSED if refused(data[case][tool]) else ""))
        w(f"| {title} | {' | '.join(cells)} | {ratio(data, case, 'dclint'):.0f}× | {ratio(data, case, 'compose-lint'):.0f}× |")
    w("")
    synthetic = [(c, int(c.split("-")[1])) for c, _, _ in cases if c.startswith("synthetic-")]
    if synthetic:
        w("## Time per service (synthetic projects)")
        w("")
        w("| services | composelint | composelint, start-up taken out | dclint | compose-lint |")
        w("| ---: | ---: | ---: | ---: | ---: |")
        for case, n in synthetic:
            cells = [f"{data[case][t]['time']['mean'] / n * 1e6:,.0f} µs"
                     + (REFUSED if refused(data[case][t]) else "") for t in TOOLS]
            extra = net_per_service(data, synthetic, n)
            cells.insert(1, "—" if extra is None else f"{extra * 1e6:,.0f} µs")
            w(f"| {n:,} | {' | '.join(cells)} |")
        w("")
        w("At 10 and 100 services the fixed cost of starting the process dominates the time per")
        w("service; from 1,000 on it is the linting itself. \"Start-up taken out\" is the cost of each")
        w(f"service beyond the smallest project: (time(n) − time({synthetic[0][1]})) ÷ (n − {synthetic[0][1]}),")
        w("which is what grows if linting grows faster than the project.")
        w("")
    w("## Peak memory")
    w("")
    w("| input | composelint | dclint | compose-lint |")
    w("| --- | ---: | ---: | ---: |")
    for case, _, title in cases:
        w(f"| {title} | {' | '.join(fmt_mb(data[case][t]['rss_kb']) for t in TOOLS)} |")
    w("")
    lines.extend(startup_section(starts))
    lines.extend(kept_sections(lines))
    w("## Targets")
    w("")
    targets = []
    if "small" in data:
        r = ratio(data, "small", "dclint")
        targets.append(("small project ≥ 50× faster than dclint", f"{r:.0f}×", r >= 50))
        r = ratio(data, "small", "compose-lint")
        targets.append(("small project ≥ 15× faster than compose-lint", f"{r:.0f}×", r >= 15))
    if "corpus" in data:
        r = ratio(data, "corpus", "dclint")
        targets.append(("whole corpus ≥ 50× faster than dclint", f"{r:.0f}×", r >= 50))
    per = {n: net_per_service(data, synthetic, n) for c, n in synthetic if n >= 100}
    per = {n: v for n, v in per.items() if v is not None and v > 0}
    if len(per) >= 2:
        growth = per[max(per)] / per[min(per)]
        targets.append((f"time per service roughly constant from {min(per):,} to {max(per):,} services "
                        "(start-up taken out; at most 2× apart)",
                        f"{per[min(per)] * 1e6:.0f} → {per[max(per)] * 1e6:.0f} µs ({growth:.2f}×)",
                        max(per.values()) <= 2 * min(per.values())))
    start = starts[0]["demo"]["mean"] / starts[0]["version"]["mean"]
    targets.append((f"start-up: the demo ≤ {STARTUP_TARGET:.0f}× `--version` in CPU time", f"{start:.2f}×",
                    start <= STARTUP_TARGET))
    if "corpus" in data:
        kb = data["corpus"]["composelint"]["rss_kb"]
        targets.append(("peak memory on the corpus < 30 MB", fmt_mb(kb), kb is not None and kb < 30 * 1024))
    w("| target | measured | met |")
    w("| --- | ---: | :---: |")
    for name, value, ok in targets:
        w(f"| {name} | {value} | {'yes' if ok else '**no**'} |")
    w("")
    w("## What each tool did on each input")
    w("")
    w("Exit codes: composelint and dclint exit 1 when they report findings; compose-lint exits 0")
    w("when nothing reaches its `--fail-on` threshold (high), 1 when something does, and 2 when")
    w("part of a project could not be linted (a \"coverage gap\").")
    w("")
    w("| input | tool | command | exit | findings |")
    w("| --- | --- | --- | ---: | ---: |")
    for case, _, title in cases:
        for tool in TOOLS:
            r = data[case][tool]
            found = "(text output)" if r["findings"] is None else f"{r['findings']:,}"
            w(f"| {case} | {tool} | `{display(r['argv'])}` | {r['rc']} | {found} |")
    w("")
    for case, _, title in cases:
        for tool in TOOLS:
            probs = data[case][tool]["problems"]
            if probs:
                w(f"- **{tool}** on {case}: {len(probs)} error(s), e.g.")
                for p in probs[:3]:
                    w(f"  - {p[:300]}")
    w("")
    with open(RESULTS, "w", encoding="utf-8") as f:
        f.write("\n".join(lines))
    print(f"wrote {os.path.relpath(RESULTS, ROOT)}", file=sys.stderr)


if __name__ == "__main__":
    if sys.argv[1:] == ["startup"]:
        startup_only()
    elif sys.argv[1:] == ["server"]:
        server_only()
    else:
        main()
