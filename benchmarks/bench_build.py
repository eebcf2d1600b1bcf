"""Build time of the sample KB and the Hugo docs (992, 3,000, 10,000 pages): ours vs plain Material vs the floor.

    python benchmarks/bench_build.py                  # sample, 992, 3000, 10000; 3 runs each
    python benchmarks/bench_build.py --quick          # sample and 992 only
    python benchmarks/bench_build.py --sizes 3000 --runs 5 --profile

The configurations render the same pages (see benchmarks/corpus.py), each in a fresh
subprocess, interleaved within every repetition (the order rotates) so drift hits all alike:

- floor: read every file and render it with python-markdown and the same extensions, no MkDocs;
- plain: `mkdocs build`, Material with navigation.prune, plugins: [search], no supportkb;
- ours:  `mkdocs build` with the repository's settings, plugins: [search, supportkb];
- plain-nav (control, --no-control skips it): plain, but with the nav our plugin sets (Home +
  category pages). Ours has a much smaller nav than plain's automatic one, so ours/plain mixes
  the plugin's cost with that saving; ours/plain-nav is the plugin's own cost.

Wall-clock medians are printed with ratios; raw runs, child CPU times and machine info go to
benchmarks/results/build.json. Target: ours/plain <= 1.30.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import pstats
import re
import resource
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH_DIR))
sys.path.insert(1, str(BENCH_DIR.parent))
# benchmarks/corpus.py (and with it supportkb) is imported where needed, not here: the floor
# runs this file in a subprocess and must not pay for importing supportkb.

TARGET_RATIO = 1.30
CONFIGS = ("floor", "plain", "ours", "plain-nav")
DEFAULT_SIZES = ("sample", "992", "3000", "10000")
QUICK_SIZES = ("sample", "992")
PROFILE_SIZE = 3000
_CHILD_ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONHASHSEED": "0"}


@dataclass
class Run:
    """One timed subprocess."""

    config: str
    wall_s: float
    cpu_s: float
    """User + system CPU time of the child."""
    warnings: int


@dataclass
class Corpus:
    """A prepared corpus and its timings."""

    name: str
    root: Path
    pages: int
    articles: int
    prepare_s: float
    runs: list[Run] = field(default_factory=list)
    site_bytes: dict[str, int] = field(default_factory=dict)
    check_runs: list[float] = field(default_factory=list)

    def walls(self, config: str) -> list[float]:
        return [r.wall_s for r in self.runs if r.config == config]

    def cpus(self, config: str) -> list[float]:
        return [r.cpu_s for r in self.runs if r.config == config]

    def median(self, config: str) -> float:
        return statistics.median(self.walls(config))

    def cpu_median(self, config: str) -> float:
        return statistics.median(self.cpus(config))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", help=f"comma-separated: 'sample' and/or article counts (default: {','.join(DEFAULT_SIZES)})")
    parser.add_argument("--runs", type=int, default=3, help="repetitions per corpus (default: 3)")
    parser.add_argument("--quick", action="store_true", help=f"only {', '.join(QUICK_SIZES)}; results go to build-quick.json")
    parser.add_argument("--work-dir", type=Path, default=BENCH_DIR / "work" / "build", help="where corpora and sites go (git-ignored)")
    parser.add_argument("--out", type=Path, help="results JSON (default: benchmarks/results/build.json)")
    parser.add_argument("--no-check", action="store_true", help="skip timing `kb check` on each corpus")
    parser.add_argument("--no-control", action="store_true", help="skip the plain-nav control build")
    parser.add_argument("--profile", action="store_true", help=f"profile one supportkb build of {PROFILE_SIZE} articles (done anyway when over target)")
    parser.add_argument("--render-floor", type=Path, metavar="MKDOCS_YML", help=argparse.SUPPRESS)
    parser.add_argument("--time-hooks", nargs=2, type=Path, metavar=("MKDOCS_YML", "SITE_DIR"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.render_floor:
        render_floor(args.render_floor)
        return 0
    if args.time_hooks:
        print(json.dumps(time_plugin_hooks(*args.time_hooks)))
        return 0
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    sizes = _parse_sizes(args.sizes or ",".join(QUICK_SIZES if args.quick else DEFAULT_SIZES), parser)
    out = args.out or BENCH_DIR / "results" / ("build-quick.json" if args.quick and not args.sizes else "build.json")
    work = args.work_dir.resolve()
    started = time.time()
    load_before = os.getloadavg()

    settings = {"runs": args.runs, "sizes": sizes, "timing": "wall clock of each subprocess, interpreter start included"}
    corpora: list[Corpus] = []
    for size in sizes:
        item = prepare(size, work)
        _progress(f"{item.name}: {item.pages} pages ({item.articles} articles), prepared in {item.prepare_s:.1f} s")
        measure(item, args.runs, configs=CONFIGS[:3] if args.no_control else CONFIGS)
        if not args.no_check:
            item.check_runs = [time_check(item) for _ in range(args.runs)]
        corpora.append(item)
        write_results(out, corpora, settings, started=started, load_before=load_before, profile=None, complete=False)

    print()
    print(format_table(corpora))
    print()
    if not args.no_control:
        print(format_control_table(corpora))
        print()
    print(format_cpu_table(corpora))
    if not args.no_check:
        print()
        print(format_check_table(corpora))

    worst = max((c.median("ours") / c.median("plain") for c in corpora), default=0.0)
    profile: dict[str, Any] | None = None
    if args.profile or worst > TARGET_RATIO:
        item = prepare(str(PROFILE_SIZE), work)  # Reused when still there; cheap to check.
        profile = profile_build(item, out.parent)
        print()
        print(profile["summary"])

    duration = write_results(out, corpora, settings, started=started, load_before=load_before, profile=profile, complete=True)
    print(f"\nwrote {_shown(out)} ({duration:.0f} s in all)")
    return 0


def write_results(
    out: Path,
    corpora: list[Corpus],
    settings: dict[str, Any],
    *,
    started: float,
    load_before: tuple[float, float, float],
    profile: dict[str, Any] | None,
    complete: bool,
) -> float:
    """Write the results JSON atomically (after every corpus too, so a long run leaves a trace)."""
    worst = max((c.median("ours") / c.median("plain") for c in corpora), default=0.0)
    duration = round(time.time() - started, 1)
    results = {
        "benchmark": "build",
        "complete": complete,
        "target_ours_over_plain": TARGET_RATIO,
        "within_target": worst <= TARGET_RATIO,
        "started": time.strftime("%Y-%m-%dT%H:%M:%S%z", time.localtime(started)),
        "duration_s": duration,
        "machine": machine_info(load_before),
        "versions": versions(),
        "settings": settings,
        "corpora": [corpus_json(c) for c in corpora],
        "profile": profile,
    }
    out.parent.mkdir(parents=True, exist_ok=True)
    temp = out.with_name(out.name + ".tmp")
    temp.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    os.replace(temp, out)
    return duration


def _parse_sizes(text: str, parser: argparse.ArgumentParser) -> list[str]:
    sizes = [s.strip() for s in text.split(",") if s.strip()]
    for size in sizes:
        if size != "sample" and not (size.isdigit() and int(size) > 0):
            parser.error(f"--sizes: {size!r} is neither 'sample' nor a number of articles")
    return sizes


# -- preparing ---------------------------------------------------------------------------------


def prepare(size: str, work: Path) -> Corpus:
    """Write (or reuse) the corpus, plain-docs and the mkdocs.yml files; check it validates cleanly."""
    import corpus

    started = time.perf_counter()
    if size == "sample":
        name, root = "sample", work / "sample"
        kb_dir = corpus.prepare_sample_kb(root)
    else:
        name, root = f"hugo-{size}", work / f"hugo-{size}"
        kb_dir = corpus.prepare_hugo_corpus(root, int(size))
    corpus.write_plain_docs(kb_dir, root / "plain-docs")
    corpus.write_supportkb_config(root)
    corpus.write_plain_config(root)
    corpus.write_plain_config(root, name="mkdocs-plain-nav.yml", category_nav=True)
    articles, findings = corpus.check_kb(kb_dir)
    errors = [f for f in findings if f.is_error]
    if findings:
        _progress(f"{name}: {len(errors)} error(s), {len(findings) - len(errors)} warning(s), first: {findings[0].format()}")
    if errors:
        raise SystemExit(f"{name}: the corpus has validation errors, so a supportkb build would stop; fix it first")
    return Corpus(
        name=name,
        root=root,
        pages=corpus.count_pages(root / "plain-docs"),
        articles=articles,
        prepare_s=time.perf_counter() - started,
    )


# -- measuring ---------------------------------------------------------------------------------


def measure(item: Corpus, runs: int, *, configs: tuple[str, ...] = CONFIGS) -> None:
    """Time every configuration `runs` times, rotating their order in each repetition."""
    for rep in range(runs):
        order = configs[rep % len(configs):] + configs[: rep % len(configs)]
        for config in order:
            run = time_config(item, config, record_size=rep == 0)
            item.runs.append(run)
            _progress(f"  {item.name} run {rep + 1}/{runs} {config:<9} {run.wall_s:7.2f} s wall, {run.cpu_s:7.2f} s cpu")
    for config in configs:
        shutil.rmtree(item.root / f"site-{config}", ignore_errors=True)


def time_config(item: Corpus, config: str, *, record_size: bool = False) -> Run:
    if config == "floor":
        command = [sys.executable, str(Path(__file__).resolve()), "--render-floor", str(item.root / "mkdocs-plain.yml")]
        site = None
    else:
        config_file = item.root / {"ours": "mkdocs.yml", "plain": "mkdocs-plain.yml", "plain-nav": "mkdocs-plain-nav.yml"}[config]
        site = item.root / f"site-{config}"
        shutil.rmtree(site, ignore_errors=True)  # Both build into an empty folder; clearing is not timed.
        command = [sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(config_file), "-d", str(site)]
    wall, cpu, completed = _timed(command, cwd=item.root)
    if completed.returncode != 0:
        raise SystemExit(f"{item.name} {config} failed ({completed.returncode}):\n{completed.stderr[-4000:]}")
    warnings = len(re.findall(r"^(WARNING|ERROR)", completed.stderr, flags=re.MULTILINE))
    if site is not None:
        _check_site(item, config, site)
        if record_size:
            item.site_bytes[config] = _tree_bytes(site)
    return Run(config=config, wall_s=wall, cpu_s=cpu, warnings=warnings)


def time_check(item: Corpus) -> float:
    """Wall time of `kb check` on the corpus (what an editor runs before every push)."""
    command = [sys.executable, "-m", "supportkb", "check", "-f", str(item.root / "mkdocs.yml")]
    wall, _cpu, completed = _timed(command, cwd=item.root)
    if completed.returncode != 0:
        raise SystemExit(f"kb check failed on {item.name}:\n{completed.stdout[-2000:]}{completed.stderr[-2000:]}")
    return wall


def _timed(command: list[str], *, cwd: Path) -> tuple[float, float, subprocess.CompletedProcess[str]]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    completed = subprocess.run(command, cwd=cwd, env=_CHILD_ENV, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, completed


def _check_site(item: Corpus, config: str, site: Path) -> None:
    """A build that silently skipped pages would look fast: count the rendered pages."""
    rendered = sum(1 for _ in site.rglob("index.html"))
    if rendered < item.pages:
        raise SystemExit(f"{item.name} {config}: {rendered} pages rendered, {item.pages} expected")


def _tree_bytes(root: Path) -> int:
    return sum(entry.stat().st_size for entry in root.rglob("*") if entry.is_file())


def render_floor(config_file: Path) -> None:
    """The floor: read every page of the config's docs_dir and render it with python-markdown."""
    import markdown
    import yaml

    config = yaml.safe_load(config_file.read_text(encoding="utf-8"))
    names: list[str] = ["toc", "tables", "fenced_code"]  # MkDocs always adds these first.
    options: dict[str, Any] = {}
    for entry in config.get("markdown_extensions", []):
        name, settings = next(iter(entry.items())) if isinstance(entry, dict) else (entry, None)
        if name not in names:
            names.append(name)
        if settings:
            options[name] = settings
    renderer = markdown.Markdown(extensions=names, extension_configs=options)
    front_matter = re.compile(r"\A-{3}\s*\n.*?\n(?:-{3}|\.{3})\s*\n", re.DOTALL)
    for directory, folders, files in os.walk(config["docs_dir"]):
        folders.sort()
        for name in sorted(files):
            if name.endswith(".md"):
                text = Path(directory, name).read_text(encoding="utf-8-sig")
                renderer.reset().convert(front_matter.sub("", text, count=1))


# -- profiling ---------------------------------------------------------------------------------


def time_plugin_hooks(config_file: Path, site_dir: Path) -> dict[str, Any]:
    """Build in this process with every supportkb hook timed (CPU and wall), no profiler overhead."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    from supportkb.generator.site.plugin import SupportKBPlugin

    spent: dict[str, list[float]] = {}

    def timed(name: str, method: Any) -> Any:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            cpu, wall = time.process_time(), time.perf_counter()
            try:
                return method(*args, **kwargs)
            finally:
                totals = spent.setdefault(name, [0.0, 0.0, 0])
                totals[0] += time.process_time() - cpu
                totals[1] += time.perf_counter() - wall
                totals[2] += 1

        wrapper.__wrapped__ = method  # type: ignore[attr-defined]
        return wrapper

    for name in [n for n in vars(SupportKBPlugin) if n.startswith("on_")]:
        original = getattr(SupportKBPlugin, name)
        replacement = timed(name, original)
        for attribute in ("mkdocs_priority",):  # Keep @event_priority.
            if hasattr(original, attribute):
                setattr(replacement, attribute, getattr(original, attribute))
        setattr(SupportKBPlugin, name, replacement)
    cpu, wall = time.process_time(), time.perf_counter()
    build(load_config(str(config_file), site_dir=str(site_dir)))
    return {
        "build_cpu_s": time.process_time() - cpu,
        "build_wall_s": time.perf_counter() - wall,
        "hooks": {name: {"cpu_s": c, "wall_s": w, "calls": n} for name, (c, w, n) in spent.items()},
    }


def profile_build(item: Corpus, results_dir: Path) -> dict[str, Any]:
    """Time supportkb's hooks, then cProfile a supportkb build and the plain-nav control."""
    results_dir.mkdir(parents=True, exist_ok=True)
    site = item.root / "site-hooks"
    shutil.rmtree(site, ignore_errors=True)
    _progress(f"timing supportkb's hooks in a build of {item.name} ...")
    command = [sys.executable, str(Path(__file__).resolve()), "--time-hooks", str(item.root / "mkdocs.yml"), str(site)]
    _wall, _cpu, completed = _timed(command, cwd=item.root)
    shutil.rmtree(site, ignore_errors=True)
    if completed.returncode != 0:
        raise SystemExit(f"hook-timed build failed:\n{completed.stderr[-4000:]}")
    hook_times = json.loads(completed.stdout.strip().splitlines()[-1])
    build_cpu = hook_times["build_cpu_s"]
    hook_lines = [
        f"supportkb hooks in one build of {item.name} (no profiler; {build_cpu:.1f} s CPU, {hook_times['build_wall_s']:.1f} s wall in mkdocs' build()):",
        *[
            f"    {h['cpu_s']:7.2f} s cpu {h['cpu_s'] / build_cpu:6.1%}  {name}  ({h['calls']} calls)"
            for name, h in sorted(hook_times["hooks"].items(), key=lambda kv: -kv[1]["cpu_s"])
            if h["cpu_s"] >= 0.005
        ],
        f"    {sum(h['cpu_s'] for h in hook_times['hooks'].values()):7.2f} s cpu in all hooks",
    ]
    ours = _profile_config(item, "ours")
    control = _profile_config(item, "plain-nav")
    total, control_total = ours["total"], control["total"]
    hooks = sorted(((cum, name, calls) for name, (_tt, cum, calls) in ours["functions"].items() if re.search(r"generator/plugin\.py:\d+\(on_", name)), reverse=True)
    own = sorted(((cum, name) for name, (_tt, cum, _calls) in ours["functions"].items() if name.startswith("generator/")), reverse=True)
    # Code that never runs in the control is the plugin's own cost, whatever the machine's load;
    # the shared code (MkDocs, Material, Markdown) is compared as one sum, as wall-clock profiles
    # of single runs on a busy machine are too noisy to compare function by function.
    only_ours: dict[str, float] = {}
    for name, tt in ours["files"].items():
        if name not in control["files"]:
            group = name if name.startswith("generator/") else name.split("/", 1)[0]
            only_ours[group] = only_ours.get(group, 0.0) + tt
    shared_ours = sum(tt for name, tt in ours["files"].items() if name in control["files"])
    shared_control = sum(control["files"].values())
    lines = [
        f"cProfile (wall clock, one run each): supportkb build {total:.1f} s, plain-nav control {control_total:.1f} s.",
        "  supportkb plugin hooks (cumulative, share of the supportkb build):",
        *[f"    {cum:7.2f} s {cum / total:6.1%}  {name}  ({calls} calls)" for cum, name, calls in hooks[:8]],
        "  supportkb code and templates by cumulative time (templates include the Material blocks they call):",
        *[f"    {cum:7.2f} s {cum / total:6.1%}  {name}" for cum, name in own[:16]],
        f"  own time in code the control never runs ({sum(only_ours.values()):.2f} s in all), by file or package:",
        *[f"    {tt:7.2f} s {tt / total:6.1%}  {name}" for name, tt in sorted(only_ours.items(), key=lambda kv: -kv[1])[:14] if tt >= 0.01],
        f"  own time in code both run: {shared_ours:.1f} s in the supportkb build, {shared_control:.1f} s in the control.",
    ]
    summary = "\n".join(hook_lines + lines)
    (results_dir / f"profile-ours-{item.name}.txt").write_text(summary + "\n", encoding="utf-8")
    return {
        "corpus": item.name,
        "hook_times": hook_times,
        "stats_files": [_shown(ours["stats_file"]), _shown(control["stats_file"])],
        "ours_profiled_s": round(total, 2),
        "plain_nav_profiled_s": round(control_total, 2),
        "plugin_hooks": [{"function": n, "cumulative_s": round(c, 3), "fraction": round(c / total, 4)} for c, n, _calls in hooks],
        "only_in_supportkb_build": {n: round(t, 3) for n, t in sorted(only_ours.items(), key=lambda kv: -kv[1]) if t >= 0.01},
        "summary": summary,
    }


def _profile_config(item: Corpus, config: str) -> dict[str, Any]:
    stats_file = item.root / f"profile-{config}.prof"  # Binary and large: kept in the git-ignored work dir.
    config_file = item.root / {"ours": "mkdocs.yml", "plain-nav": "mkdocs-plain-nav.yml"}[config]
    site = item.root / f"site-profile-{config}"
    shutil.rmtree(site, ignore_errors=True)
    command = [sys.executable, "-m", "cProfile", "-o", str(stats_file), "-m", "mkdocs", "build", "-q", "-f", str(config_file), "-d", str(site)]
    _progress(f"profiling a {config} build of {item.name} ...")
    _wall, _cpu, completed = _timed(command, cwd=item.root)
    shutil.rmtree(site, ignore_errors=True)
    if completed.returncode != 0:
        raise SystemExit(f"profiled {config} build failed:\n{completed.stderr[-4000:]}")
    stats = pstats.Stats(str(stats_file))
    functions: dict[str, tuple[float, float, int]] = {}
    files: dict[str, float] = {}
    for (filename, line, function), (_cc, calls, tottime, cumtime, _callers) in stats.stats.items():  # type: ignore[attr-defined]
        short = _short_file(filename)
        name = f"{short}:{line}({function})"
        tt, cum, count = functions.get(name, (0.0, 0.0, 0))
        functions[name] = (tt + tottime, max(cum, cumtime), count + calls)
        files[short] = files.get(short, 0.0) + tottime
    return {"total": max(stats.total_tt, 1e-9), "functions": functions, "files": files, "stats_file": stats_file}  # type: ignore[attr-defined]


def _short_file(filename: str) -> str:
    for marker in ("/site-packages/", f"{BENCH_DIR.parent}/"):
        if marker in filename:
            return filename.split(marker, 1)[1]
    return filename.rsplit("/lib/python", 1)[-1] if "/lib/python" in filename else filename


# -- reporting ---------------------------------------------------------------------------------


def format_table(corpora: list[Corpus]) -> str:
    header = "| corpus | pages | floor s | plain Material s | ours s | ours/plain | ours/floor |"
    lines = [header, "|---|---:|---:|---:|---:|---:|---:|"]
    for c in corpora:
        floor, plain, ours = c.median("floor"), c.median("plain"), c.median("ours")
        lines.append(f"| {c.name} | {c.pages:,} | {floor:.2f} | {plain:.2f} | {ours:.2f} | {ours / plain:.2f} | {ours / floor:.2f} |")
    runs = len(corpora[0].walls("ours")) if corpora else 0
    lines.append(f"Wall-clock medians of {runs} runs; target ours/plain <= {TARGET_RATIO:.2f}.")
    return "\n".join(lines)


def format_control_table(corpora: list[Corpus]) -> str:
    lines = [
        "Control: plain Material with the nav our plugin sets (Home + category pages), no supportkb:",
        "| corpus | plain-nav s | ours s | ours/plain-nav | cpu ours/plain-nav |",
        "|---|---:|---:|---:|---:|",
    ]
    for c in corpora:
        control, ours = c.median("plain-nav"), c.median("ours")
        cpu = c.cpu_median("ours") / c.cpu_median("plain-nav")
        lines.append(f"| {c.name} | {control:.2f} | {ours:.2f} | {ours / control:.2f} | {cpu:.2f} |")
    return "\n".join(lines)


def format_cpu_table(corpora: list[Corpus]) -> str:
    lines = [
        "CPU time (user + system of each build process; less sensitive to other load on the machine):",
        "| corpus | floor cpu s | plain cpu s | ours cpu s | ours/plain | plain pages/s | site MB plain / ours |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for c in corpora:
        floor, plain, ours = c.cpu_median("floor"), c.cpu_median("plain"), c.cpu_median("ours")
        sizes = " / ".join(f"{c.site_bytes[k] / 1e6:.0f}" for k in ("plain", "ours"))
        lines.append(f"| {c.name} | {floor:.2f} | {plain:.2f} | {ours:.2f} | {ours / plain:.2f} | {c.pages / c.median('plain'):.0f} | {sizes} |")
    return "\n".join(lines)


def format_check_table(corpora: list[Corpus]) -> str:
    lines = ["`kb check` (load + validate, no rendering):", "| corpus | articles | kb check s | articles/s |", "|---|---:|---:|---:|"]
    for c in corpora:
        median = statistics.median(c.check_runs)
        lines.append(f"| {c.name} | {c.articles:,} | {median:.2f} | {c.articles / median:,.0f} |")
    return "\n".join(lines)


def corpus_json(c: Corpus) -> dict[str, Any]:
    configs = [k for k in CONFIGS if c.walls(k)]
    medians = {k: round(c.median(k), 3) for k in configs}
    return {
        "name": c.name,
        "pages": c.pages,
        "articles": c.articles,
        "prepare_s": round(c.prepare_s, 2),
        "median_wall_s": medians,
        "median_cpu_s": {k: round(c.cpu_median(k), 3) for k in configs},
        "ratios": {
            "ours_over_plain": round(medians["ours"] / medians["plain"], 3),
            "ours_over_floor": round(medians["ours"] / medians["floor"], 3),
            "plain_over_floor": round(medians["plain"] / medians["floor"], 3),
            "ours_over_plain_cpu": round(c.cpu_median("ours") / c.cpu_median("plain"), 3),
            **(
                {
                    "ours_over_plain_nav": round(medians["ours"] / medians["plain-nav"], 3),
                    "ours_over_plain_nav_cpu": round(c.cpu_median("ours") / c.cpu_median("plain-nav"), 3),
                }
                if "plain-nav" in medians
                else {}
            ),
        },
        "site_bytes": c.site_bytes,
        "runs": [{"config": r.config, "wall_s": round(r.wall_s, 3), "cpu_s": round(r.cpu_s, 3), "warnings": r.warnings} for r in c.runs],
        "kb_check_s": [round(s, 3) for s in c.check_runs],
    }


def machine_info(load_before: tuple[float, float, float]) -> dict[str, Any]:
    cpu_model = ""
    try:
        cpu_model = next(
            (line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines() if line.startswith("model name")),
            "",
        )
    except OSError:
        pass  # Not Linux; the rest still identifies the machine.
    return {
        "platform": platform.platform(),
        "cpu": cpu_model,
        "cpus": os.cpu_count(),
        "memory_gb": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1),
        "python": platform.python_version(),
        "loadavg_before": [round(x, 2) for x in load_before],
        "loadavg_after": [round(x, 2) for x in os.getloadavg()],
    }


def versions() -> dict[str, str]:
    found = {}
    for name in ("supportkb", "mkdocs", "mkdocs-material", "markdown", "pymdown-extensions", "pygments", "pyyaml", "jinja2"):
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = "not installed"
    return found


def _progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _shown(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


if __name__ == "__main__":
    sys.exit(main())
