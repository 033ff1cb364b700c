"""Checks of what a rule set declares besides its criteria: documents, kinds, ranking groups,
classification bands, published columns, fact ranges and relations.

Takes the ``RuleSet``; reports through the checker's ``error``. ``check.Checker`` mixes this in,
so that a decision's own vocabulary (its kinds, groups, bands and documents) lives in its rule
files and nowhere in the code.
"""

from __future__ import annotations

from decimal import Decimal

from dsl import ast
from dsl.errors import suggest
from dsl.i18n import _
from dsl.intervals import Interval, describe, interval_of, subtract
from dsl.typecheck import ExprChecker, family, type_name

HUNDRED = Interval(Decimal(0), True, Decimal(100), True)


def band_bound(b: ast.Bound) -> ast.Bound:
    """A band's bound in index points: 95% and 95 both mean an index of 95."""

    def points(lit: ast.Literal | None) -> ast.Literal | None:
        if lit is None or lit.type != "percent":
            return lit
        return ast.Literal(lit.value * 100, "number", lit.span)  # type: ignore[operator]

    return ast.Bound(b.kind, points(b.low), points(b.high), b.span)


class DeclarationChecker(ExprChecker):
    """Needs ``self.rs``, ``self.kinds``, ``self.facts`` and ``self.error``."""

    rs: ast.RuleSet
    kinds: dict[str, ast.KindDecl]

    def check_years(self, d: ast.Decision) -> None:
        years = d.get("years")
        if years is None:
            self.error(_("the decision has no 'years': say which years it scores, e.g. "
                         "years 2022 to 2023, or years from 2024"), d.span)
            return
        first, last = years  # type: ignore[misc]
        if last is not None and last < first:
            span = next(s for k, _v, s in d.fields if k == "years")
            self.error(_("the years run backwards: {first} to {last}").format(
                first=first, last=last), span)

    def check_documents(self) -> None:
        seen: dict[str, ast.DocumentDecl] = {}
        for f in self.rs.files:
            for doc in f.documents:
                if doc.name in seen:
                    self.error(_("document '{name}' is declared twice (first at {where})").format(
                        name=doc.name, where=seen[doc.name].span), doc.span)
                seen[doc.name] = doc
                names = [k for k, _v, _s in doc.fields]
                for k, _v, span in doc.fields:
                    if names.count(k) > 1:
                        self.error(_("'{what}' is given twice").format(what=k), span)
                for required in ("title", "issuer"):
                    if required not in names:
                        self.error(_("document '{name}' has no '{field}'").format(
                            name=doc.name, field=required), doc.span)

    def check_citation(self, cite: ast.Citation) -> None:
        if cite.document not in self.rs.documents:
            self.error(_("unknown document '{name}'").format(name=cite.document)
                       + suggest(cite.document, self.rs.documents)
                       + _("; declare it with: document {name} \"…\" {{ title \"…\" issuer \"…\" }}"
                           ).format(name=cite.document), cite.span)

    def check_groups(self) -> None:
        groups = self.rs.groups
        owner: dict[str, ast.GroupDecl] = {}
        names: set[str] = set()
        for g in groups:
            if g.name in names:
                self.error(_("group '{name}' is declared twice").format(name=g.name), g.span)
            names.add(g.name)
            if not g.kinds:
                self.error(_("group '{name}' has no 'kinds'").format(name=g.name), g.span)
            for kind, span in g.kinds:
                if kind not in self.kinds:
                    self.error(_("unknown kind '{kind}'").format(kind=kind)
                               + suggest(kind, self.kinds), span)
                elif kind in owner:
                    self.error(_("kind '{kind}' is already in group '{group}'; a kind is ranked "
                                 "in one group").format(kind=kind, group=owner[kind].name), span)
                else:
                    owner[kind] = g
            if g.ranked and g.rank is None:
                self.error(_("group '{name}' says neither 'rank by index high to low' nor "
                             "'not ranked'").format(name=g.name), g.span)
            if not g.ranked and (g.rank is not None or g.ties is not None):
                self.error(_("group '{name}' is 'not ranked' but has a ranking key").format(
                    name=g.name), g.span)
            if g.ranked and g.rank is not None and g.ties is None:
                self.error(_("group '{name}' has no tie rule: add 'ties share rank' or "
                             "'ties by total high to low'").format(name=g.name), g.span)
            if isinstance(g.ties, ast.RankKey) and g.rank is not None and g.ties.key == g.rank.key:
                self.error(_("a tie is broken by another key than '{key}'").format(
                    key=g.rank.key), g.ties.span)
        if groups:
            for kind in self.kinds:
                if kind not in owner:
                    self.error(_("kind '{kind}' is in no group; add it to the 'kinds' of one")
                               .format(kind=kind), self.kinds[kind].span)

    def check_bands(self) -> None:
        blocks = [b for f in self.rs.files for b in f.bands]
        for extra in blocks[1:]:
            self.error(_("a second 'bands' block; a decision has one classification"),
                       extra.span)
        if not blocks:
            return
        taken: list[Interval] = []
        labels: set[str] = set()
        for band in blocks[0].bands:
            if band.label in labels:
                self.error(_("band '{label}' is given twice").format(label=band.label), band.span)
            labels.add(band.label)
            bound = band_bound(band.bound)
            for lit in (bound.low, bound.high):
                if lit is not None and lit.type != "number":
                    self.error(_("a band is bounded by an index such as 95, not {what}").format(
                        what=type_name(lit.type)), lit.span)
                    return
            interval = interval_of(bound, HUNDRED)
            if interval is None or interval.empty:
                self.error(_("band '{label}' admits no index from 0 to 100").format(
                    label=band.label), band.span)
                continue
            for prev in taken:
                if not subtract(interval, prev) == [interval]:
                    self.error(_("band '{label}' overlaps a band above it").format(
                        label=band.label), band.span)
                    break
            taken.append(interval)
        gaps = [HUNDRED]
        for x in taken:
            gaps = [piece for g in gaps for piece in subtract(g, x)]
        if gaps:
            self.error(_("no band covers the index {values}; the bands must cover 0 to 100")
                       .format(values=describe(gaps[0], "number")), blocks[0].span)

    def check_columns(self) -> None:
        area_ids = {a.id for a in self.rs.areas}
        owner: dict[str, str] = {}
        names: set[str] = set()
        columns = self.rs.columns
        for col in columns:
            if col.name in names:
                self.error(_("column '{name}' is declared twice").format(name=col.name), col.span)
            names.add(col.name)
            for area, span in col.areas:
                if area not in area_ids:
                    self.error(_("there is no area {id}").format(id=area), span)
                elif area in owner:
                    self.error(_("area {id} is already in column '{column}'").format(
                        id=area, column=owner[area]), span)
                else:
                    owner[area] = col.name
        if columns:
            for area in sorted(area_ids - set(owner), key=ast.id_key):
                self.error(_("area {id} is in no column; the columns must add up to the total")
                           .format(id=area), columns[0].span)

    def check_ranges(self) -> None:
        for d in self.rs.facts.values():
            self.check_range(d.range, d.type)
            for x in d.fields:
                self.check_range(x.range, x.type)
        for c in self.rs.checks:
            self.expect(c.condition, {}, ("yesno",), _("'check' needs a yes/no"))
            self.check_template(c.because, {}, value=False)

    def check_range(self, r: ast.Range | None, type_: str) -> None:
        if r is None:
            return
        if type_ in ("yesno", "text", "date"):
            self.error(_("a fact of type {type} has no range").format(type=type_name(type_)),
                       r.span)
            return
        for lit in (r.low, r.high):
            if lit is not None and family(lit.type) != family(type_):
                hint = _(" (write a percentage as 80%)") if type_ == "percent" else ""
                self.error(_("the range of {type} is written with {what}{hint}").format(
                    type=type_name(type_), what=type_name(lit.type), hint=hint), lit.span)
                return
        if r.low is not None and r.high is not None and r.low.value > r.high.value:  # type: ignore[operator]
            self.error(_("the range is empty: its lower bound is above its upper bound"), r.span)
