"""The ``cchc`` command: check rules, print the fact schema, score units, explain deductions.

Exit status: 0 when all is well; 1 when the input (rules or facts) is wrong; 3 when a result is
incomplete (criteria not scored: its figures are not final); 2 when the command
itself is misused (unknown option, missing folder). Errors are printed in the one display
format, never as a Python traceback.
"""

from __future__ import annotations

import contextlib
import gc
import io
import json
import sys
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

import click

from dsl.errors import CchcError, Diagnostic, UsageError, error_count, suggest
from dsl.i18n import N_, _, ngettext, set_language
from engine.cli_i18n import (
    CLICK_VERSION_OPTION,
    Group,
    Option,
    lang_from_args,
    localise_click,
    plain_streams,
)
from engine.cli_i18n import Path as PathType

if TYPE_CHECKING:
    from dsl import ast

# Each command imports what it needs when it runs: 'cchc --help' and a mistyped option answer
# without loading the parser, the validator or the models (a cold start is what users feel).

def write_output(text: str, output: str | None) -> None:
    """Print, or write a file atomically: a reader never sees half a file."""
    from engine.outputs.files import write_file
    
    if output is None:
        click.echo(text, nl=False)
        return
    write_file(Path(output), text.encode("utf-8"))


def index_step(ruleset: ast.RuleSet) -> Decimal | None:
    return ruleset.rounding("index")


def _records(ruleset: ast.RuleSet, files: tuple[str, ...], figures: list | None = None):
    """The records of ``files``; with ``figures``, a file of the province's published figures
    (``figures:``, no ``unit:``) is read into it instead of as a record."""
    from engine.facts import read_yaml, record_from_data
    from engine.results.summary import is_summary, read_summary
    
    problems: list[Diagnostic] = []
    records = []
    with _progress(files, _("Reading records")) as shown:
        for f in shown:
            try:
                if str(f).lower().endswith(".xlsx"):  # a form filled in (cchc template)
                    from engine.records.xlsx_record import load_xlsx
                    records.append(load_xlsx(ruleset, f))
                    continue
                data, lines = read_yaml(f)
                if is_summary(data) and figures is None:
                    raise CchcError([Diagnostic(_(
                        "this file holds the province's published figures ('figures:'), not a "
                        "unit's record: 'cchc rank' reads it with the records of its folder"),
                        None, f, 1)])
                if figures is not None and is_summary(data):
                    figures.extend(read_summary(ruleset, data, lines, f))
                else:
                    records.append(record_from_data(ruleset, data, lines, f))
            except CchcError as err:
                problems.extend(err.diagnostics)
    if problems:
        raise CchcError(problems)
    return records


SHOWN_UNITS = 10  # units named in the one-line "incomplete" message; the rest are counted
@contextlib.contextmanager
def _bulk():
    """Many records read and scored: the cyclic garbage collector paused meanwhile, and the
    results set aside from its later passes (``gc.freeze``). Results are trees (no cycles) that
    all stay alive to the end, so its passes over them found nothing and, over thousands of
    results, took half the time."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if was:
            gc.enable()


PROGRESS_FROM = 20  # records: below this a run is too short to need a progress display


def _progress(items: tuple[str, ...], label: str):
    """A progress bar on stderr for a long run on a terminal; nothing otherwise."""
    shown = len(items) >= PROGRESS_FROM and sys.stderr.isatty()
    return click.progressbar(items, label=label, file=sys.stderr if shown else io.StringIO(),
                             show_pos=True)


localise_click()  # click's own words (Usage:, its errors) through our catalogue

# Help texts are English message ids (N_), translated when shown: see engine/cli_i18n.py.
OUTPUT = click.option("-o", "--output", type=PathType(dir_okay=False), cls=Option,
                      help=N_("Write to this file (atomically) instead of the screen."))


@click.group(cls=Group, context_settings={"help_option_names": ["-h", "--help"]},
             help=N_("The PAR Index (Chỉ số cải cách hành chính) as code: rules, scores and "
                     "explanations."))
@click.version_option(package_name="cchc", cls=Option, help=CLICK_VERSION_OPTION)
def cli() -> None:
    pass


@cli.command(help=N_("Check the rule files of RULESET_DIR and report every problem."))
@click.argument("ruleset_dir")
@click.option("--strict", is_flag=True, cls=Option,
              help=N_("Fail on warnings too (for CI)."))
def check(ruleset_dir: str, strict: bool) -> None:
    from dsl.check import load_ruleset
    from dsl.errors import render
    from dsl.warnings import warnings

    rs = load_ruleset(ruleset_dir)
    found = warnings(rs)
    if found:
        click.echo(render(found, rs.texts, warning=True), err=True)
        click.echo(ngettext("{n} warning", "{n} warnings", len(found)).format(n=len(found)),
                   err=True)
        if strict:
            raise SystemExit(1)
    decision = rs.decision
    areas = rs.areas
    criteria = sum(1 for a in areas for _c in a.children)
    click.echo(_("{folder}: Decision {decision}: {files} rule files, {kinds} kinds of unit, "
                 "{areas} areas, {criteria} criteria: no problems found").format(
                     folder=ruleset_dir, decision=decision.number if decision else "?",
                     files=len(rs.files), kinds=len(rs.kinds), areas=len(areas),
                     criteria=criteria))


@cli.command(help=N_("Print the JSON Schema of a fact record for RULESET_DIR."))
@click.argument("ruleset_dir")
@click.option("--kind", cls=Option,
              help=N_("Only the facts that this kind of unit is scored on."))
@OUTPUT
def schema(ruleset_dir: str, kind: str | None, output: str | None) -> None:
    from dsl.check import load_ruleset
    from engine.facts import schema_for
    from engine.stamp import stamp_for, token, words

    rs = load_ruleset(ruleset_dir)
    if kind is not None:
        _known_kind(rs, kind, ruleset_dir)
    stamp = stamp_for([rs], [])
    doc = {**schema_for(rs, kind), "$comment": f"{words(stamp)} {token(stamp)}"}
    text = json.dumps(doc, ensure_ascii=False, indent=2) + "\n"
    write_output(text, output)


@cli.command(help=N_("Score each FACT_FILE against the rules of RULESET_DIR."))
@click.argument("ruleset_dir")
@click.argument("fact_files", nargs=-1, required=True)
@click.option("--json", "as_json", is_flag=True, cls=Option,
              help=N_("One JSON object {\"units\": [...]}."))
@OUTPUT
def score(ruleset_dir: str, fact_files: tuple[str, ...], as_json: bool,
          output: str | None) -> None:
    from dsl.check import load_ruleset
    from engine.evaluate import score as score_unit
    from engine.report import results_json, table
    from engine.stamp import stamp_for, stamped

    rs = load_ruleset(ruleset_dir)
    step = index_step(rs)
    with _bulk():
        results = [score_unit(rs, r) for r in _records(rs, fact_files)]
    if as_json:
        text = results_json(results, rs, step)
    else:
        text = "\n\n".join(table(r, rs, step) for r in results) + "\n"
    write_output(stamped(text, "json" if as_json else "text", stamp_for([rs], fact_files)),
                 output)
    _complete_or_exit(results)


@cli.command(help=N_("Rank the units of FACTS_DIR in the groups the rules of RULESET_DIR "
                     "declare, and check every published figure."))
@click.argument("ruleset_dir")
@click.argument("facts_dir")
@click.option("--previous", type=PathType(file_okay=False), cls=Option,
              help=N_("A folder of the previous year's records: its indices and the change."))
@click.option("--format", "fmt", type=click.Choice(["text", "md", "json", "xlsx"]),
              default="text", cls=Option,
              help=N_("text (default), md (Markdown), json, or xlsx (with --out)."))
@click.option("--out", "out_dir", type=PathType(file_okay=False), cls=Option,
              help=N_("Write the tables in the chosen format and the charts (PNG, SVG) into "
                      "this folder."))
@OUTPUT
def rank(ruleset_dir: str, facts_dir: str, previous: str | None, fmt: str,
         out_dir: str | None, output: str | None) -> None:
    from dsl.check import load_ruleset
    from engine.evaluate import score as score_unit
    from engine.outputs.files import write_file
    from engine.outputs.ranking import render as render_ranking
    from engine.outputs.ranking import write_all as write_ranking
    from engine.results.ranking import rank as rank_units
    from engine.results.ranking import read_previous
    from engine.stamp import stamp_for, stamped
    
    rs = load_ruleset(ruleset_dir)
    files = tuple(str(p) for p in sorted(Path(facts_dir).glob("*.yaml")))
    if not files:
        raise UsageError([Diagnostic(_("no .yaml records in this folder"), None, facts_dir)])
    if fmt == "xlsx" and out_dir is None:
        raise UsageError([Diagnostic(_("--format xlsx writes a file: add --out FOLDER"), None,
                                     facts_dir)])
    figures: list = []
    with _bulk():
        results = [score_unit(rs, r) for r in _records(rs, files, figures)]
    ranking = rank_units(rs, results, read_previous(rs, previous) if previous else None, figures)
    read = list(files) + (sorted(str(p) for p in Path(previous).glob("*.yaml")) if previous
                          else [])
    stamp = stamp_for([rs], read, [facts_dir] + ([previous] if previous else []))
    if out_dir is None:
        write_output(stamped(render_ranking(ranking, fmt), fmt, stamp), output)
    else:
        write_ranking(Path(out_dir), ranking, fmt, write_file, stamp)
    _complete_or_exit(results)


@cli.command(help=N_("Explain every point the unit of FACT_FILE lost, and why."))
@click.argument("ruleset_dir")
@click.argument("fact_file")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True, cls=Option,
              help=N_("Text, or the whole trace as JSON (docs/giai-trinh.schema.json)."))
@OUTPUT
def explain(ruleset_dir: str, fact_file: str, fmt: str, output: str | None) -> None:
    from dsl.check import load_ruleset
    from engine.evaluate import score as score_unit
    from engine.explain import explain as explain_unit
    from engine.report import to_json_doc
    from engine.stamp import stamp_for, stamped
    from engine.trace import trace_data

    rs = load_ruleset(ruleset_dir)
    (record,) = _records(rs, (fact_file,))
    result = score_unit(rs, record)
    if fmt == "json":
        text = to_json_doc(trace_data(result, rs, record.values, index_step(rs)))
    else:
        text = explain_unit(result, rs, index_step(rs))
    write_output(stamped(text, fmt, stamp_for([rs], [fact_file])), output)
    _complete_or_exit([result])


@cli.command(help=N_("Show the criteria tree one KIND of unit is scored on, with maxima and "
                     "counts."))
@click.argument("ruleset_dir")
@click.option("--kind", required=True, cls=Option,
              help=N_("The kind of unit whose criteria to show."))
@click.option("--json", "as_json", is_flag=True, cls=Option, help=N_("The tree as JSON."))
@OUTPUT
def structure(ruleset_dir: str, kind: str, as_json: bool, output: str | None) -> None:
    from dsl.check import load_ruleset
    from engine.report import to_json_doc
    from engine.stamp import stamp_for, stamped
    from engine.structure import as_text as structure_text
    from engine.structure import structure as structure_of
    
    rs = load_ruleset(ruleset_dir)
    _known_kind(rs, kind, ruleset_dir)
    doc = structure_of(rs, kind)
    text = to_json_doc(doc) if as_json else structure_text(doc)
    write_output(stamped(text, "json" if as_json else "text", stamp_for([rs], [])), output)


@cli.command(help=N_("Write the criteria appendix of one KIND of unit as its decision publishes "
                     "it, made from the rules; with --facts, one unit's points fill it."))
@click.argument("ruleset_dir")
@click.option("--kind", required=True, cls=Option, help=N_("The kind of unit (its appendix)."))
@click.option("--format", "fmt", type=click.Choice(["md", "html", "docx"]), default="md",
              show_default=True, cls=Option, help=N_("Markdown, HTML or Word."))
@click.option("--facts", "fact_file", cls=Option,
              help=N_("A unit's fact record: its points fill the score columns."))
@click.option("-o", "--output", "--out", type=PathType(dir_okay=False), cls=Option,
              help=N_("Write to this file (atomically) instead of the screen."))
def appendix(ruleset_dir: str, kind: str, fmt: str, fact_file: str | None,
             output: str | None) -> None:
    from dsl.check import load_ruleset
    from engine.publishing.make import appendix_bytes
    from engine.stamp import stamp_for

    rs = load_ruleset(ruleset_dir)
    _known_kind(rs, kind, ruleset_dir)
    if fmt == "docx" and output is None:
        raise UsageError([Diagnostic(_("a Word document is not printed on the screen: add "
                                       "--out FILE.docx"), None, ruleset_dir)])
    record = _records(rs, (fact_file,))[0] if fact_file else None
    data = appendix_bytes(rs, kind, fmt, record, stamp_for([rs], [fact_file] if fact_file else []))
    if output is None:
        click.echo(data.decode("utf-8"), nl=False)
    else:
        from engine.outputs.files import write_file
        write_file(Path(output), data)


@cli.command(help=N_("Show what the rules of RULESET_B change from those of RULESET_A: "
                     "criteria, maxima, scoring rules, facts, scales and counts."))
@click.argument("ruleset_a")
@click.argument("ruleset_b")
@click.option("--kind", cls=Option, help=N_("Compare the criteria one kind of unit is scored on."))
@click.option("--facts", "fact_file", cls=Option,
              help=N_("A unit's fact record (of the older decision): its points under both."))
@click.option("--format", "fmt", type=click.Choice(["text", "md", "json"]), default="text",
              show_default=True, cls=Option, help=N_("Text, Markdown or JSON."))
@OUTPUT
def diff(ruleset_a: str, ruleset_b: str, kind: str | None, fact_file: str | None, fmt: str,
         output: str | None) -> None:
    from dsl.check import load_ruleset
    from engine.publishing.make import diff_text
    from engine.stamp import stamp_for, stamped

    a, b = load_ruleset(ruleset_a), load_ruleset(ruleset_b)
    for rs, where in ((a, ruleset_a), (b, ruleset_b)):
        if kind is not None:
            _known_kind(rs, kind, where)
    stamp = stamp_for([a, b], [fact_file] if fact_file else [])
    write_output(stamped(diff_text(a, b, kind, fact_file, fmt), fmt, stamp), output)


@cli.command(help=N_("Write and build the auditors' site: appendices, rule files, one "
                     "scorecard per unit, rankings and what each decision changes."))
@click.argument("ruleset_dirs", nargs=-1, required=True)
@click.option("--facts", "fact_dirs", multiple=True, cls=Option,
              type=PathType(exists=True, file_okay=False),
              help=N_("A folder of fact records (repeat for several years)."))
@click.option("--out", "out_dir", required=True, type=PathType(file_okay=False), cls=Option,
              help=N_("The folder to write the project and the site (site/) into."))
def site(ruleset_dirs: tuple[str, ...], fact_dirs: tuple[str, ...], out_dir: str) -> None:
    from dsl.check import load_ruleset
    from engine.publishing.site import build_site
    from engine.stamp import stamp_for

    rulesets = [(d, load_ruleset(d)) for d in ruleset_dirs]
    # the guides and the rule-language reference: the project's docs/ (run from the project)
    docs = next((p for p in (Path("docs"), Path(__file__).resolve().parent.parent / "docs")
                 if (p / "rule-language.md").is_file()), None)
    records = [str(p) for d in fact_dirs for p in sorted(Path(d).glob("*.yaml"))]
    stamp = stamp_for([rs for _d, rs in rulesets], records, fact_dirs)
    build_site(rulesets, list(fact_dirs), Path(out_dir),
               lambda rs, files, figures: _records(rs, files, figures), docs, stamp)
    click.echo(_("Site written: {path}").format(path=Path(out_dir) / "site" / "index.html"))


@cli.command(help=N_("Check the stamp of an OUTPUT (a file cchc wrote, or its stamp) against "
                     "the rule and record files as they are now."))
@click.argument("output_or_stamp")
@click.option("--rules", "rule_dirs", multiple=True, required=True, cls=Option,
              type=PathType(exists=True, file_okay=False),
              help=N_("A rule-set folder the output was made with (repeat for several)."))
@click.option("--facts", "fact_paths", multiple=True, cls=Option,
              type=PathType(exists=True),
              help=N_("A record, or a folder of records, the output was made from."))
def verify(output_or_stamp: str, rule_dirs: tuple[str, ...], fact_paths: tuple[str, ...]) -> None:
    from engine.stamp import check, read_stamp, verdict

    stamp = read_stamp(output_or_stamp)
    result = check(stamp, rule_dirs, fact_paths)
    click.echo(verdict(stamp, result))
    if not result.confirmed:
        raise SystemExit(1)


@cli.command(help=N_("List every criterion where a unit's self-assessment, an appraisal round "
                     "and the rules disagree, with the rules' reasons."))
@click.argument("ruleset_dir")
@click.argument("fact_files", nargs=-1, required=True)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True, cls=Option, help=N_("Text or JSON."))
@OUTPUT
def audit(ruleset_dir: str, fact_files: tuple[str, ...], fmt: str, output: str | None) -> None:
    from dsl.check import load_ruleset
    from engine.audit import as_data, as_text
    from engine.audit import audit as audit_unit
    from engine.evaluate import score as score_unit
    from engine.report import to_json_doc
    from engine.stamp import stamp_for, stamped

    rs = load_ruleset(ruleset_dir)
    audits = [audit_unit(score_unit(rs, r), r) for r in _records(rs, fact_files)]
    text = to_json_doc(as_data(audits, rs)) if fmt == "json" else as_text(audits)
    write_output(stamped(text, fmt, stamp_for([rs], fact_files)), output)


@cli.command(help=N_("Every point the unit of FACT_FILE lost, ranked by the points a change of "
                     "facts recovers, and the index it would reach by fixing the first ones."))
@click.argument("ruleset_dir")
@click.argument("fact_file")
@click.option("--group-facts", "group_dir", type=PathType(exists=True, file_okay=False),
              cls=Option, help=N_("The records of the unit's group: its rank before and after."))
@click.option("--top", default=5, show_default=True, type=click.IntRange(1, 1000), cls=Option,
              help=N_("How many of the first items the predicted index fixes."))
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True, cls=Option, help=N_("Text or JSON."))
@OUTPUT
def plan(ruleset_dir: str, fact_file: str, group_dir: str | None, top: int, fmt: str,
         output: str | None) -> None:
    from dsl.check import load_ruleset
    from engine.facts import read_yaml
    from engine.outputs.plan import plan_data, plan_text
    from engine.plan import make_plan
    from engine.report import to_json_doc
    from engine.stamp import stamp_for, stamped

    rs = load_ruleset(ruleset_dir)
    data, lines = read_yaml(fact_file)
    group = _group(rs, group_dir)
    p = make_plan(rs, data, lines, fact_file, top, group)
    text = to_json_doc(plan_data(p, ruleset_dir, fact_file)) if fmt == "json" else \
        plan_text(p, ruleset_dir, fact_file)
    write_output(stamped(text, fmt, stamp_for([rs], [fact_file], [group_dir] if group_dir
                                              else [])), output)


@cli.command(help=N_("Score the unit of FACT_FILE again with facts changed, and show every "
                     "difference."))
@click.argument("ruleset_dir")
@click.argument("fact_file")
@click.option("--set", "sets", multiple=True, required=True, cls=Option,
              help=N_("A change: FACT=VALUE or LIST[N].FIELD=VALUE (repeat for several)."))
@click.option("--group-facts", "group_dir", type=PathType(exists=True, file_okay=False),
              cls=Option, help=N_("The records of the unit's group: its rank before and after."))
@OUTPUT
def whatif(ruleset_dir: str, fact_file: str, sets: tuple[str, ...], group_dir: str | None,
           output: str | None) -> None:
    from dsl.check import load_ruleset
    from engine.evaluate import score as score_unit
    from engine.facts import read_yaml, record_from_data
    from engine.outputs.plan import whatif_text
    from engine.plan import _rank_in, apply, carried, differences, missing_facts, parse_set
    from engine.stamp import stamp_for, stamped

    rs = load_ruleset(ruleset_dir)
    changes = [parse_set(rs, x) for x in sets]
    data, lines = read_yaml(fact_file)
    data, dropped = carried(rs, data)
    before = score_unit(rs, record_from_data(rs, data, lines, fact_file))
    record = record_from_data(rs, apply(data, changes), lines, fact_file)
    after = score_unit(rs, record)
    group = _group(rs, group_dir)
    ranks = (_rank_in(rs, before, group), _rank_in(rs, after, group)) if group else None
    text = whatif_text(before, after, changes, differences(before, after), dropped,
                       missing_facts(rs, record, after), ranks)
    write_output(stamped(text, "text", stamp_for([rs], [fact_file])), output)


def _group(rs: ast.RuleSet, group_dir: str | None) -> list | None:
    if group_dir is None:
        return None
    from engine.evaluate import score as score_unit

    files = tuple(str(p) for p in sorted(Path(group_dir).glob("*.yaml")))
    return [score_unit(rs, r) for r in _records(rs, files, [])]


@cli.command(help=N_("Write a fact record to fill in for one KIND of unit: YAML with every fact "
                     "explained, or an Excel form."))
@click.argument("ruleset_dir")
@click.option("--kind", required=True, cls=Option, help=N_("The kind of unit."))
@click.option("--format", "fmt", type=click.Choice(["yaml", "xlsx"]), default="yaml",
              show_default=True, cls=Option, help=N_("YAML or an Excel form."))
@click.option("-o", "--output", "--out", type=PathType(dir_okay=False), cls=Option,
              help=N_("Write to this file (atomically) instead of the screen."))
def template(ruleset_dir: str, kind: str, fmt: str, output: str | None) -> None:
    from dsl.check import load_ruleset
    from engine.records.template import template_xlsx, template_yaml

    rs = load_ruleset(ruleset_dir)
    _known_kind(rs, kind, ruleset_dir)
    if fmt == "xlsx":
        if output is None:
            raise UsageError([Diagnostic(_("an Excel form is not printed on the screen: add "
                                           "--out FILE.xlsx"), None, ruleset_dir)])
        from engine.outputs.files import write_file
        write_file(Path(output), template_xlsx(rs, kind))
        return
    write_output(template_yaml(rs, kind), output)


@cli.command(help=N_("Check fact records (YAML, or Excel forms) against the rules of "
                     "RULESET_DIR without scoring them."))
@click.argument("ruleset_dir")
@click.argument("fact_files", nargs=-1, required=True)
def validate(ruleset_dir: str, fact_files: tuple[str, ...]) -> None:
    from dsl.check import load_ruleset

    rs = load_ruleset(ruleset_dir)
    records = _records(rs, fact_files)
    for r in records:
        click.echo(_("{path}: valid ({name}, {kind}, {year})").format(
            path=r.path, name=r.unit.name, kind=r.unit.kind, year=r.year))


@cli.command(help=N_("Start the rules of the next decision in NEW_DIR from those of "
                     "RULESET_DIR: copied, its number set, 'replaces' filled, then checked."))
@click.argument("ruleset_dir")
@click.argument("new_dir")
@click.option("--decision", "number", required=True, cls=Option,
              help=N_("The new decision's number, e.g. 123/QĐ-UBND."))
def new(ruleset_dir: str, new_dir: str, number: str) -> None:
    from dsl.check import load_ruleset
    from engine.publishing.new import start_next

    rs = load_ruleset(ruleset_dir)
    start_next(rs, Path(ruleset_dir), Path(new_dir), number)
    checked = load_ruleset(new_dir)
    click.echo(_("{folder}: the rules of {number} started from those of {old}; they check "
                 "without error. Next: write the decision's date and title, then follow "
                 "docs/soan-quy-tac.md.").format(folder=new_dir, number=checked.decision.number,
                                                 old=rs.decision.number))


@cli.command(help=N_("Lay out rule files the one way (and, with --lang vi or --lang en, write "
                     "their keywords in Vietnamese or English); comments kept, meaning checked "
                     "unchanged."))
@click.argument("paths", nargs=-1, required=True)
@click.option("--check", "only_check", is_flag=True, cls=Option,
              help=N_("Change nothing; fail if a file is not laid out the one way (for CI)."))
@click.option("--diff", "show_diff", is_flag=True, cls=Option,
              help=N_("Change nothing; print what would change."))
def fmt(paths: tuple[str, ...], only_check: bool, show_diff: bool) -> None:
    """With --lang (the option every command has), the keywords are written in that language
    too; without it, they stay as they are."""
    from engine.publishing.fmt import format_paths

    changed = format_paths(paths, _ASKED["lang"], write=not (only_check or show_diff),
                           diff=show_diff)
    if only_check and changed:
        raise SystemExit(1)


@cli.command(help=N_("Print the rule text of criterion ID (or area) from RULESET_DIR, "
                     "highlighted on a terminal."))
@click.argument("ruleset_dir")
@click.argument("node_id")
@click.option("--kind", cls=Option, help=N_("The kind of unit whose criterion to show."))
def show(ruleset_dir: str, node_id: str, kind: str | None) -> None:
    from dsl.check import load_ruleset
    from engine.publishing.show import node_text

    rs = load_ruleset(ruleset_dir)
    if kind is not None:
        _known_kind(rs, kind, ruleset_dir)
    click.echo(node_text(rs, node_id, kind, color=sys.stdout.isatty()), nl=False)


@cli.command(help=N_("Run the language server for rule files (diagnostics, hover, "
                     "go-to-definition, completion) over standard input and output."))
def lsp() -> None:
    from dsl.lsp import serve

    serve()


@cli.command("test", help=N_("Run the rule test cases of CASES (a folder, a file, or "
                             "FILE::CASE) against RULESET_DIR."))
@click.argument("ruleset_dir")
@click.argument("cases")
@click.option("--coverage", "with_coverage", is_flag=True, cls=Option,
              help=N_("Also report the branches and outcomes no case exercised."))
@click.option("-k", "words", cls=Option, help=N_("Only the cases whose name holds this text."))
@click.option("-v", "--verbose", is_flag=True, cls=Option,
              help=N_("Say every case, passed or not."))
@click.option("--format", "fmt", type=click.Choice(["text", "json", "junit"]), default="text",
              show_default=True, cls=Option, help=N_("Text, JSON or JUnit XML."))
def test_cases(ruleset_dir: str, cases: str, with_coverage: bool, words: str | None,
               verbose: bool, fmt: str) -> None:
    from dsl.check import load_ruleset
    from engine.cases import (
        as_json,
        as_junit,
        chosen,
        coverage,
        expected_criteria,
        run_file,
        select,
        verbose_lines,
    )
    from engine.cases import report as case_report
    from engine.report import to_json_doc

    rs = load_ruleset(ruleset_dir)
    files, case = select(cases)
    if not files:
        raise UsageError([Diagnostic(_("no .yaml case files here"), None, cases)])
    results = []
    problems: list[Diagnostic] = []
    for f in files:
        try:
            results += run_file(rs, f)
        except CchcError as err:
            problems += err.diagnostics
    if problems:
        raise CchcError(problems)
    picked = chosen(results, case, words)
    if case is not None and not picked:
        raise UsageError([Diagnostic(_("no case named '{name}' here; the cases: {names}").format(
            name=case, names="; ".join(r.name for r in results)), None, cases)])
    about = None if Path(cases.partition("::")[0]).is_dir() else expected_criteria(rs, files)
    cov = coverage(rs, picked, about) if with_coverage else None
    if fmt == "json":
        click.echo(to_json_doc(as_json(picked, cov)), nl=False)
    elif fmt == "junit":
        click.echo(as_junit(picked), nl=False)
    else:
        click.echo((verbose_lines(picked) if verbose else "") + case_report(picked, cov),
                   nl=False)
    if any(not r.passed for r in picked):
        raise SystemExit(1)


@cli.command(help=N_("Time each stage on synthetic records made from the rules of each "
                     "RULESET_DIR (default rules/2022 and rules/2024)."))
@click.argument("ruleset_dirs", nargs=-1)
@click.option("--sizes", default="1,100,1000,4000", show_default=True, cls=Option,
              help=N_("How many units, comma-separated."))
@click.option("--seed", default=1, show_default=True, type=int, cls=Option,
              help=N_("The seed of the synthetic records (the same seed, the same records)."))
def bench(ruleset_dirs: tuple[str, ...], sizes: str, seed: int) -> None:
    from engine.bench.run import as_text, measure

    try:
        counts = [int(x) for x in sizes.split(",") if x.strip()]
    except ValueError:
        counts = []
    if not counts or min(counts) < 1:
        raise UsageError([Diagnostic(_("--sizes takes whole numbers above 0, such as "
                                       "1,100,1000"), None, sizes)])
    for folder in ruleset_dirs or ("rules/2022", "rules/2024"):
        rs, rows = measure(folder, counts, seed,
                           lambda s: click.echo(s, err=True) if sys.stderr.isatty() else None)
        click.echo(as_text(rs, folder, rows))


class Incomplete(Exception):
    """Some unit has criteria that could not be scored: its figures are not final (exit 3)."""

    def __init__(self, units: list[str]):
        super().__init__(", ".join(units))
        self.units = units


def _complete_or_exit(results: list) -> None:
    incomplete = [r.name for r in results if not r.complete]
    if incomplete:
        raise Incomplete(incomplete)


def _known_kind(rs: ast.RuleSet, kind: str, where: str) -> None:
    if kind not in {k.name for k in rs.kinds}:
        raise UsageError([Diagnostic(_("the rules score no kind '{kind}'").format(kind=kind)
                                     + suggest(kind, [k.name for k in rs.kinds]), None, where)])


_ASKED: dict[str, str | None] = {"lang": None}


def main(argv: list[str] | None = None) -> int:
    """Run the command; return its exit status."""
    # the language first, so that even click's usage errors are in it; then streams that
    # cannot show Vietnamese letters write them without their diacritics
    asked = lang_from_args(sys.argv[1:] if argv is None else argv)
    _ASKED["lang"] = asked  # 'cchc fmt --lang': the keywords' language as well
    set_language(asked)
    plain_streams()
    try:
        return _run(argv)
    finally:
        gc.unfreeze()  # what a command set aside (see _bulk) is collectable again


def _run(argv: list[str] | None) -> int:
    try:
        cli.main(args=argv, prog_name="cchc", standalone_mode=False)
    except click.exceptions.Exit as exc:
        return exc.exit_code
    except SystemExit as exc:
        return int(exc.code or 0)
    except click.ClickException as exc:
        exc.show()
        return exc.exit_code
    except click.exceptions.Abort:
        click.echo(_("Aborted."), err=True)
        return 1
    except Incomplete as exc:
        named = ", ".join(exc.units[:SHOWN_UNITS])
        if len(exc.units) > SHOWN_UNITS:
            named += " " + _("and {n} more").format(n=len(exc.units) - SHOWN_UNITS)
        click.echo(_("incomplete result (criteria not scored) for: {units}; the figures are "
                     "not final").format(units=named), err=True)
        return 3
    except UsageError as err:
        click.echo(err.format_message(getattr(err, "texts", None)), err=True)
        return 2
    except CchcError as err:
        click.echo(err.format_message(getattr(err, "texts", None)), err=True)
        click.echo(error_count(len(err.diagnostics)), err=True)
        return 1
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
