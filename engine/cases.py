"""Rule tests: cases that give a kind of unit and some facts, and expect criterion points.

Takes a rule set and a folder of case files; gives each case's outcome (what was expected and
what came out where they differ) and the coverage: which branches of which rules, and which
outcomes (full, partial, zero, not applicable) no case exercised. A case file::

    kind: huyen                       # the kind for every case (a case may set its own)
    base: ../../../facts/2022/huyen-muong-te.yaml   # optional: facts to start from
    cases:
      - name: "1.2: hai báo cáo chậm"
        facts:                        # given on top of the base's facts (partial is fine)
          bao_cao_cchc:
            - {ten: "Báo cáo quý I", han: 2022-03-15, ngay_gui: 2022-03-20}
        expect:
          "1.2": 1.5                  # points; or "not applicable"; or "not scorable"
          "1.3": {points: 0, reasons: ["…exact reason…"]}
          "3": not scored              # the kind's appendix has no such criterion or area
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from dsl import ast
from dsl.errors import Diagnostic, FactsError
from dsl.i18n import N_, _
from dsl.tree import branches, facts_for_kind, outcomes, scoped_tree
from engine import vn
from engine.evaluate import NodeResult, score
from engine.facts import read_yaml, record_from_data, schema_problems

NOT_APPLICABLE, NOT_SCORABLE, NOT_SCORED = "not applicable", "not scorable", "not scored"

# How the branches (named as dsl.tree.branches names them) and outcomes read in a report.
_BRANCH_WORDS = {
    "applies": N_("applies"), "does not apply": N_("does not apply"),
    "condition holds": N_("condition holds"), "condition fails": N_("condition fails"),
    "full": N_("full"), "below max": N_("below max"), "partial": N_("partial"),
    "zero": N_("zero"), "not applicable": N_("not applicable"),
}
_BRANCH_NUMBERED = [
    (re.compile(r"denominator (\d+) is 0"), N_("denominator {n} is 0")),
    (re.compile(r"denominator (\d+) is not 0"), N_("denominator {n} is not 0")),
    (re.compile(r"level (\d+)"), N_("level {n}")),
    (re.compile(r"deduction (\d+) applied"), N_("deduction {n} applied")),
    (re.compile(r"deduction (\d+) not applied"), N_("deduction {n} not applied")),
]


@dataclass
class CaseResult:
    file: str
    line: int | None
    name: str
    kind: str
    problems: list[str]
    nodes: dict[str, NodeResult] = field(default_factory=dict)

    @property
    def passed(self) -> bool:
        return not self.problems

    @property
    def where(self) -> str:
        return f"{self.file}:{self.line}" if self.line else self.file


def case_files(folder: str | Path) -> list[Path]:
    return sorted(Path(folder).rglob("*.yaml"))


def _points(v: Any) -> Decimal:
    """Points as a case writes them: 0.5, or the Vietnamese way, 0,5."""
    return Decimal(str(v).strip().replace(",", "."))


def _shown_points(value: Decimal) -> str:
    return _("{points} points").format(points=vn.points(value))


def _check_node(node: NodeResult | None, crit: str, want: Any) -> list[str]:
    if want == NOT_SCORED:  # the kind's appendix does not hold this criterion at all
        return [] if node is None else [
            _("{crit}: expected the kind not to be scored on it").format(crit=crit)]
    if node is None:
        return [_("{crit}: expected {want}, but the unit's kind is not scored on {crit}").format(
            crit=crit, want=repr(want))]
    if isinstance(want, str) and re.fullmatch(r"[0-9]+(,[0-9]+)?", want.strip()):
        want = {"points": want}  # points the Vietnamese way: 2,5
    got_state = (NOT_APPLICABLE if not node.applicable else
                 NOT_SCORABLE if not node.scorable else None)
    problem = f" ({node.problem})" if node.problem else ""
    if isinstance(want, str):
        if want not in (NOT_APPLICABLE, NOT_SCORABLE):
            return [_("{crit}: unknown expectation {want} (write points, '{not_applicable}', "
                      "'{not_scorable}' or '{not_scored}')").format(
                          crit=crit, want=repr(want), not_applicable=NOT_APPLICABLE,
                          not_scorable=NOT_SCORABLE, not_scored=NOT_SCORED)]
        if got_state != want:
            shown = (f"'{got_state}'" if got_state
                     else _shown_points(node.achieved))  # type: ignore[arg-type]
            return [_("{crit}: expected {want}, got {got}").format(
                crit=crit, want=f"'{want}'", got=shown) + problem]
        return []
    spec = want if isinstance(want, dict) else {"points": want}
    out = []
    if got_state is not None and "points" in spec:
        return [_("{crit}: expected {want}, got {got}").format(
            crit=crit, want=_shown_points(_points(spec["points"])), got=f"'{got_state}'")
            + problem]
    if "points" in spec and node.achieved != _points(spec["points"]):
        out.append(_("{crit}: expected {want}, got {got}").format(
            crit=crit, want=_shown_points(_points(spec["points"])),
            got=_shown_points(node.achieved)))  # type: ignore[arg-type]
    if "max" in spec and node.max != _points(spec["max"]):
        out.append(_("{crit}: expected max {want}, got {got}").format(
            crit=crit, want=vn.points(_points(spec["max"])), got=vn.points(node.max)))
    if "reasons" in spec:
        got = [d.reason for d in node.deductions if d.kind == "rule"]
        if got != list(spec["reasons"]):
            out.append(_("{crit}: expected reasons {want}, got {got}").format(
                crit=crit, want=repr(list(spec["reasons"])), got=repr(got)))
    return out


def case_schema(ruleset: ast.RuleSet) -> dict[str, Any]:
    """What a case file may hold: every key known, every expectation of a known form."""
    number = {"anyOf": [{"type": "number"},
                        {"type": "string", "pattern": "^[0-9]+(,[0-9]+)?$"}]}  # 0,5 as 0.5
    expectation = {"anyOf": [
        number, {"enum": [NOT_APPLICABLE, NOT_SCORABLE, NOT_SCORED]},
        {"type": "object", "additionalProperties": False, "minProperties": 1,
         "properties": {"points": number, "max": number,
                        "reasons": {"type": "array", "items": {"type": "string"}}}}]}
    kind = {"enum": [k.name for k in ruleset.kinds]}
    case = {"type": "object", "additionalProperties": False, "required": ["expect"],
            "properties": {"name": {"type": "string"}, "kind": kind,
                           "facts": {"type": "object"},
                           "expect": {"type": "object", "minProperties": 1,
                                      "additionalProperties": expectation}}}
    return {"type": "object", "additionalProperties": False, "required": ["cases"],
            "properties": {"kind": kind, "base": {"type": "string", "minLength": 1},
                           "cases": {"type": "array", "items": case}}}


def run_file(ruleset: ast.RuleSet, path: Path) -> list[CaseResult]:
    """Run every case of one file. Raises ``FactsError`` for a malformed file, located."""
    data, lines = read_yaml(path)
    where = str(path)
    if not isinstance(data, dict) or not isinstance(data.get("cases"), list):
        raise FactsError([Diagnostic(_("a case file needs a list 'cases'"), None, where, 1)])
    problems = schema_problems(case_schema(ruleset), data, where, lines)
    if problems:
        raise FactsError(problems)
    base: dict[str, Any] = {}
    if "base" in data:
        try:
            base_data, _lines = read_yaml((path.parent / data["base"]).resolve())
        except FactsError as err:
            raise FactsError([Diagnostic(_("the base '{base}': {problem}").format(
                base=data["base"], problem=err.diagnostics[0].message), None, where,
                lines.get(("base",)))]) from None
        facts = base_data.get("facts") if isinstance(base_data, dict) else None
        if not isinstance(facts, dict):
            raise FactsError([Diagnostic(_("the base '{base}' is not a fact record with "
                                           "'facts'").format(base=data["base"]), None, where,
                                         lines.get(("base",)))])
        base = dict(facts)
    results = []
    for i, case in enumerate(data["cases"]):
        line = lines.get(("cases", i))
        name = str(case.get("name", _("case {n}").format(n=i + 1)))
        kind = case.get("kind", data.get("kind"))
        if not kind or "expect" not in case:
            raise FactsError([Diagnostic(_("case '{name}' needs a 'kind' (here or at the top) "
                                           "and an 'expect'").format(name=name), None, where,
                                         line)])
        # a base record is a convenience: only the facts this kind is scored on are taken
        own = facts_for_kind(ruleset, kind) if isinstance(kind, str) else set()
        year = (ruleset.years() or (2000, None))[0]
        record = {"unit": {"id": "case", "name": name, "kind": kind}, "year": year,
                  "facts": {**{k: v for k, v in base.items() if k in own},
                            **case.get("facts", {})}}
        rec = record_from_data(ruleset, record, lines, where, ("cases", i))
        result = score(ruleset, rec)
        nodes = {n.id: n for a in result.areas for n in a.walk()}
        problems = []
        for crit, want in case["expect"].items():
            problems += _check_node(nodes.get(str(crit)), str(crit), want)
        results.append(CaseResult(where, line, name, kind, problems, nodes))
    return results


@dataclass
class Coverage:
    """Branches and outcomes per criterion: all that exist, and those some case exercised."""

    branches: dict[str, list[str]]
    outcomes: dict[str, list[str]]
    hit_branches: dict[str, set[str]]
    hit_outcomes: dict[str, set[str]]
    nodes: dict[str, ast.Node] = field(default_factory=dict)

    def missing(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for nid in sorted(set(self.branches) | set(self.outcomes), key=_key_order):
            miss = [b for b in self.branches.get(nid, []) if b not in self.hit_branches[nid]]
            miss += [f"outcome: {o}" for o in self.outcomes.get(nid, [])
                     if o not in self.hit_outcomes[nid]]
            if miss:
                out[nid] = miss
        return out

    def totals(self) -> tuple[int, int, int, int]:
        nb = sum(len(v) for v in self.branches.values())
        hb = sum(len(set(v) & self.hit_branches[k]) for k, v in self.branches.items())
        no = sum(len(v) for v in self.outcomes.values())
        ho = sum(len(set(v) & self.hit_outcomes[k]) for k, v in self.outcomes.items())
        return hb, nb, ho, no


def _outcome(n: NodeResult) -> str | None:
    if not n.applicable:
        return NOT_APPLICABLE
    if n.achieved is None:
        return None
    return "full" if n.achieved >= n.max else "zero" if n.achieved <= 0 else "partial"


def _key(span: ast.Span | None, node_id: str) -> str:
    """Criteria are named by file and id: two kinds' trees in one folder may share ids."""
    return f"{Path(span.path).name if span else '?'} {node_id}"


def _key_order(key: str) -> tuple[str, tuple[int, ...]]:
    file, _sep, node_id = key.rpartition(" ")
    return file, ast.id_key(node_id)


def coverage(ruleset: ast.RuleSet, results: list[CaseResult],
             about: set[tuple[str, str]] | None = None) -> Coverage:
    """``about``: only these criteria (kind, id), and what is under them, as the cases run
    expect them."""
    nodes: dict[str, ast.Node] = {}
    for kind in ruleset.kinds:
        for area in scoped_tree(ruleset, kind.name):
            for s in area.walk():
                if about is None or any(kind.name == k and (s.node.id == a or
                                                            s.node.id.startswith(a + "."))
                                        for k, a in about):
                    nodes[_key(s.node.span, s.node.id)] = s.node
    cov = Coverage(
        {nid: branches(n) for nid, n in nodes.items() if branches(n)},
        {nid: outcomes(n) for nid, n in nodes.items() if outcomes(n)},
        {nid: set() for nid in nodes}, {nid: set() for nid in nodes}, nodes,
    )
    for r in results:
        for n in r.nodes.values():
            nid = _key(n.span, n.id)
            if nid not in nodes:
                continue
            cov.hit_branches.setdefault(nid, set()).update(n.hits)
            o = _outcome(n)
            if o is not None:
                cov.hit_outcomes.setdefault(nid, set()).add(o)
    return cov


def branch_place(node: ast.Node, name: str) -> ast.Span | None:
    """Where in the rule file a branch is written: the level, the deduction, the condition."""
    if name in ("applies", "does not apply"):
        return node.applies_if.span if node.applies_if is not None else None
    m = re.fullmatch(r"denominator (\d+) is (?:not )?0", name)
    if m:
        zeros = node.on_zero
        return zeros[int(m.group(1)) - 1].span if int(m.group(1)) <= len(zeros) else None
    m = re.fullmatch(r"level (\d+)", name)
    if m:
        levels = [lv for r in node.rules if isinstance(r, ast.Levels) for lv in r.levels]
        return levels[int(m.group(1)) - 1].span if int(m.group(1)) <= len(levels) else None
    m = re.fullmatch(r"deduction (\d+) (?:not )?applied", name)
    if m:
        deducts = [r for r in node.rules if isinstance(r, ast.Deduct)]
        return deducts[int(m.group(1)) - 1].span if int(m.group(1)) <= len(deducts) else None
    rules = [r for r in node.rules if not isinstance(r, ast.Floor)]
    return rules[0].span if rules else node.span


def branch_text(name: str) -> str:
    """A branch or outcome as a report shows it (translated): 'level 2', 'outcome: zero'."""
    if name.startswith("outcome: "):
        return _("outcome: {outcome}").format(outcome=branch_text(name[len("outcome: "):]))
    if name in _BRANCH_WORDS:
        return _(_BRANCH_WORDS[name])
    for pattern, message in _BRANCH_NUMBERED:
        m = pattern.fullmatch(name)
        if m:
            return _(message).format(n=m.group(1))
    return name


def report(results: list[CaseResult], cov: Coverage | None) -> str:
    """The text ``cchc test`` prints: failures in full, then counts and coverage."""
    lines: list[str] = []
    for r in results:
        if not r.passed:
            lines.append(_("FAIL {where}: {name} ({kind})").format(where=r.where, name=r.name,
                                                                   kind=r.kind))
            lines += [f"    {p}" for p in r.problems]
    if cov is not None:
        missing = cov.missing()
        hb, nb, ho, no = cov.totals()
        lines.append(_("coverage: branches {hit_branches}/{branches} ({branch_share}), "
                       "outcomes {hit_outcomes}/{outcomes} ({outcome_share})").format(
                           hit_branches=hb, branches=nb, branch_share=_pct(hb, nb),
                           hit_outcomes=ho, outcomes=no, outcome_share=_pct(ho, no)))
        for nid, miss in missing.items():
            lines.append("    " + _("{node}: not exercised: {branches}").format(
                node=nid, branches=", ".join(_placed(cov, nid, b) for b in miss)))
    passed, failed = sum(r.passed for r in results), sum(not r.passed for r in results)
    summary = _("{passed} passed, {failed} failed").format(passed=passed, failed=failed)
    machine = f"{passed} passed, {failed} failed"
    if summary != machine:
        lines.append(summary)
    # The last line stays in English, whatever the language: CI tooling reads
    # 'N passed, N failed' from it. Do not translate it.
    lines.append(machine)
    return "\n".join(lines) + "\n"


def _placed(cov: Coverage, nid: str, b: str) -> str:
    """A branch not exercised, with the rule line it is written on."""
    node = cov.nodes.get(nid)
    place = branch_place(node, b) if node is not None and not b.startswith("outcome: ") \
        else None
    return branch_text(b) + (f" ({place.path}:{place.line})" if place else "")


def _pct(a: int, b: int) -> str:
    return "100%" if a == b else vn.fixed(Decimal(a * 100) / Decimal(b or 1), 1) + "%"


def select(target: str) -> tuple[list[Path], str | None]:
    """What ``cchc test`` runs: a folder's case files, one file, or one case (``FILE::CASE``)."""
    path, sep, case = target.partition("::")
    p = Path(path)
    files = case_files(p) if p.is_dir() else ([p] if p.is_file() else [])
    return files, (case if sep else None)


def chosen(results: list[CaseResult], case: str | None, words: str | None) -> list[CaseResult]:
    """The cases asked for: one by its name, or those whose name holds ``words``."""
    out = [r for r in results if case is None or r.name == case]
    if words:
        out = [r for r in out if words.casefold() in r.name.casefold()]
    return out


def expected_criteria(ruleset: ast.RuleSet, paths: list[Path]) -> set[tuple[str, str]]:
    """The criteria (kind, id) the cases of these files expect something of: what they are
    about."""
    out: set[tuple[str, str]] = set()
    for p in paths:
        data, _lines = read_yaml(p)
        for case in (data.get("cases") or []) if isinstance(data, dict) else []:
            if isinstance(case, dict) and isinstance(case.get("expect"), dict):
                kind = str(case.get("kind", data.get("kind")))
                out |= {(kind, str(k)) for k in case["expect"]}
    return out


def verbose_lines(results: list[CaseResult]) -> str:
    return "".join((_("PASS {where}: {name} ({kind})") if r.passed else
                    _("FAIL {where}: {name} ({kind})")).format(
        where=r.where, name=r.name, kind=r.kind) + "\n" for r in results)


def as_json(results: list[CaseResult], cov: Coverage | None) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "passed": sum(r.passed for r in results),
        "failed": sum(not r.passed for r in results),
        "cases": [{"file": r.file, "line": r.line, "name": r.name, "kind": r.kind,
                   "passed": r.passed, "problems": r.problems} for r in results],
    }
    if cov is not None:
        doc["coverage"] = {nid: [{"branch": b, "at": _at(cov, nid, b)} for b in miss]
                           for nid, miss in cov.missing().items()}
    return doc


def _at(cov: Coverage, nid: str, b: str) -> str | None:
    node = cov.nodes.get(nid)
    place = branch_place(node, b) if node is not None and not b.startswith("outcome: ") \
        else None
    return f"{place.path}:{place.line}" if place else None


def as_junit(results: list[CaseResult]) -> str:
    """JUnit XML, as CI systems read test results."""
    import xml.etree.ElementTree as ET

    suite = ET.Element("testsuite", name="cchc", tests=str(len(results)),
                       failures=str(sum(not r.passed for r in results)))
    for r in results:
        case = ET.SubElement(suite, "testcase", classname=r.file, name=r.name,
                             file=r.file, line=str(r.line or 0))
        if not r.passed:
            fail = ET.SubElement(case, "failure", message=r.problems[0])
            fail.text = "\n".join(r.problems)
    ET.indent(suite)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(suite, "unicode") + "\n"
