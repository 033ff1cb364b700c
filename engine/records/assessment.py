"""The points a record says were claimed and awarded, checked against the criteria tree.

Takes a rule set, a kind and a record's data; gives located problems: a self-assessment, an
appraisal round or an explanation that names a criterion the kind is not scored on (with the
nearest id), points above the criterion's maximum, a round numbered twice.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from dsl import ast
from dsl.errors import suggest
from dsl.i18n import _
from dsl.tree import scoped_tree


def assessment_problems(ruleset: ast.RuleSet, kind: str, data: dict[str, Any]
                        ) -> list[tuple[tuple, str]]:
    maxima = {s.node.id: s.max for a in scoped_tree(ruleset, kind) for s in a.walk()}
    out: list[tuple[tuple, str]] = []

    def ids(where: tuple, given: Any, points: bool) -> None:
        if not isinstance(given, dict):
            return
        for key, value in given.items():
            if key not in maxima:
                out.append(((*where, key), _(
                    "no criterion '{id}' for this kind of unit").format(id=key)
                    + suggest(str(key), list(maxima))))
            elif points and Decimal(str(value)) > maxima[key]:
                out.append(((*where, key), _(
                    "{points} points is above the criterion's maximum {max}").format(
                    points=value, max=maxima[key].normalize())))

    ids(("self_assessment",), data.get("self_assessment"), True)
    ids(("explanations",), data.get("explanations"), False)
    seen: set[int] = set()
    for i, r in enumerate(data.get("appraisal") or []):
        if not isinstance(r, dict):
            continue
        if r.get("round") in seen:
            out.append((("appraisal", i, "round"), _("round {n} is given twice").format(
                n=r.get("round"))))
        seen.add(r.get("round"))
        ids(("appraisal", i, "points"), r.get("points"), True)
        ids(("appraisal", i, "notes"), r.get("notes"), False)
    return out
