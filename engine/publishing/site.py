"""The auditors' site: an mkdocs project written from the rules and the records, then built.

Takes rule-set folders and records folders; gives a folder with the mkdocs project (``mkdocs.yml``,
``docs/``) and the static site built from it (``site/``), with search. Pages: a home page; per
decision and kind, the appendix; per rule file, its text with numbered lines; per unit, a
scorecard with every deduction, linked to its criterion's row in the appendix and to the rule's
line; per records folder, the rankings and charts; the comparison of each decision with the
one it replaces; the rule-language reference. Every string that comes from a rule file or a
record is escaped: pages are raw HTML blocks, never Markdown made from data.

The site is built in a temporary folder beside the target and put in place when complete: an
existing site is replaced whole, or not at all.
"""

from __future__ import annotations

import html
import posixpath
import re
import shutil
import subprocess
import sys
import tempfile
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

from dsl import ast
from dsl.errors import CchcError, Diagnostic
from dsl.i18n import _
from dsl.tree import scoped_tree
from engine import vn
from engine.evaluate import NodeResult, UnitResult, area_index

MARK = ".cchc-site"  # a folder with this file is a site this command wrote: it may replace it
e = html.escape


def plain(text: str) -> str:
    """Text without Vietnamese diacritics, so that search finds "ke hoach" in "kế hoạch"."""
    text = text.replace("đ", "d").replace("Đ", "D")
    return "".join(c for c in unicodedata.normalize("NFD", text)
                   if unicodedata.category(c) != "Mn")


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", plain(text).lower()).strip("-") or "x"


@dataclass
class Page:
    path: str  # under docs/, ending in .md
    title: str  # plain text; escaped when written
    body: str  # HTML, already escaped where it holds data
    words: list[str] = field(default_factory=list)  # searched without diacritics too
    searched: bool = True  # rule files are left out of search: their criteria are found instead


@dataclass
class Decision:
    folder: str
    rs: ast.RuleSet
    slug: str
    label: str


@dataclass
class Unit:
    decision: Decision
    result: UnitResult
    page: str
    record: Any = None  # its FactRecord: the self-assessment and the appraisal rounds


class Site:
    def __init__(self) -> None:
        self.pages: list[Page] = []
        self.files: dict[str, bytes] = {}  # other files under docs/ (charts)
        self.nav: list[Any] = []
        self.footer: str | None = None  # at the foot of every page

    def add(self, page: Page) -> str:
        self.pages.append(page)
        return page.path


def link(src: str, dst: str, anchor: str = "") -> str:
    """A relative link from page ``src`` to page ``dst`` (both under docs/, .md), as built."""
    rel = posixpath.relpath(dst, posixpath.dirname(src) or ".")
    return e(rel[:-3] + ".html" + (f"#{anchor}" if anchor else ""), quote=True)


def row_id(node_id: str) -> str:
    return "tc-" + node_id.replace(".", "-")


# ---- pages ------------------------------------------------------------------------------

def appendix_page(d: Decision, kind: ast.KindDecl) -> Page:
    from engine.publishing.appendix import as_html, build

    ap = build(d.rs, kind.name)
    body = as_html(ap, standalone=False)
    body = re.sub(r'<tr class="(d\d)" id="([^"]*)">',
                  lambda m: f'<tr class="{m.group(1)}" id="{row_id(html.unescape(m.group(2)))}">',
                  body)
    return Page(f"{d.slug}/phu-luc-{slug(kind.name)}.md",
                _("Appendix: {kind}").format(kind=kind.label), body)


def criteria_page(d: Decision) -> Page:
    """Every criterion of the decision as a section of its own (a search result leads to it):
    its maxima, the kinds it applies to, its guidance, its rule and its source; each title is
    also written without diacritics, for search."""
    from engine.citations import source_text

    here = criteria_page_of(d)
    parts = []
    maxima: dict[int, list[tuple[ast.KindDecl, Decimal]]] = {}
    for k in d.rs.kinds:
        for a in scoped_tree(d.rs, k.name):
            for s in a.walk():
                maxima.setdefault(id(s.node), []).append((k, s.max))

    def visit(node: ast.Node, depth: int) -> None:
        tag = "h2" if depth == 0 else "h3"
        parts.append(f'<{tag} id="{row_id(node.id)}">{e(node.id)} {e(node.title)}</{tag}>')
        parts.append(f'<p class="cchc-khong-dau">{e(plain(node.id + " " + node.title))}</p>')
        facts = []
        kinds = maxima.get(id(node), [])
        if kinds:
            facts.append(_("Maximum points: {max}").format(max="; ".join(
                f"{k.label} {vn.maximum(top)}" for k, top in kinds)))
        if node.guidance:
            facts.append(_("Guidance: {text}").format(text=node.guidance))
        cited = source_text(d.rs, node.source)
        if cited:
            facts.append(_("Source: {source}").format(source=cited))
        parts.append("<ul>" + "".join(f"<li>{e(x)}</li>" for x in facts) + "</ul>")
        if node.rules:
            span = node.rules[0].span
            parts.append(f'<p><a href="{link(here, rule_page_of(d, span.path), f"L-{span.line}")}">'
                         f"{e(f'{span.path}:{span.line}')}</a></p>")
        for c in node.children:
            visit(c, depth + 1)

    for a in d.rs.areas:
        visit(a, 0)
    return Page(here, _("Criteria of {decision}").format(decision=d.label), "\n".join(parts))


def criteria_page_of(d: Decision) -> str:
    return f"{d.slug}/tieu-chi.md"


def rule_pages(d: Decision) -> list[Page]:
    from pygments import highlight
    from pygments.formatters import HtmlFormatter

    from dsl.lexer import CchcLexer

    out = []
    for path, text in sorted(d.rs.texts.items()):
        name = Path(path).name
        fmt = HtmlFormatter(linenos="inline", lineanchors="L", anchorlinenos=True,
                            cssclass="cchc-src")
        body = highlight(text, CchcLexer(), fmt)
        out.append(Page(f"{d.slug}/quy-tac/{slug(Path(path).stem)}.md",
                        _("Rule file {name}").format(name=name), body, searched=False))
    return out


def rule_page_of(d: Decision, path: str) -> str:
    return f"{d.slug}/quy-tac/{slug(Path(path).stem)}.md"


def _pts(v: Decimal | None) -> str:
    return vn.fixed(v, 2) if v is not None else "—"


def scorecard(u: Unit, appendix: str) -> Page:
    r, d = u.result, u.decision
    here = u.page
    year = _("year {year}").format(year=r.year)
    parts = [f'<p class="cchc-who">{e(r.kind_label or r.kind)} · {e(year)} · {e(d.label)}</p>']
    if r.complete:
        total = _("Total: {got}/{max} points; PAR Index: {index}%").format(
            got=vn.fixed(r.achieved, 2), max=vn.maximum(r.max), index=vn.fixed(r.index, 2))
    else:
        total = _("RESULT INCOMPLETE: {n} criteria could not be scored, so there is no total "
                  "and no index yet.").format(n=len(r.problems))
    parts.append(f'<p class="cchc-total"><strong>{e(total)}</strong></p>')
    if r.band:
        band = _("Classification: {band}").format(band=r.band)
        parts.append(f"<p>{e(band)}</p>")
    step = d.rs.rounding("index")
    parts.append("<table><thead><tr>" + "".join(
        f"<th>{e(h)}</th>" for h in (_("Area"), _("Points"), _("Max"), _("Index")))
        + "</tr></thead><tbody>")
    for a in r.areas:
        idx = area_index(a, step)
        parts.append(
            f'<tr><td><a href="{link(here, appendix, row_id(a.id))}">{e(a.id)}. {e(a.title)}'
            f'</a></td><td class="n">{e(_pts(a.achieved) if a.applicable else "×")}</td>'
            f'<td class="n">{e(vn.maximum(a.max))}</td>'
            f'<td class="n">{e(vn.fixed(idx, 2) + "%" if idx is not None else "—")}</td></tr>')
    parts.append("</tbody></table>")
    parts += _assessment_table(u)
    lost = [n for a in r.areas for n in a.walk() if n.depth >= 1 and not n.children
            and n.applicable and (n.deductions or not n.scorable)]
    if lost:
        why = _("Points deducted, and why")
        parts.append(f"<h2>{e(why)}</h2>")
    for n in lost:
        parts.append(_criterion_block(u, n, appendix))
    return Page(here, r.name, "\n".join(parts), [r.name])


def _assessment_table(u: Unit) -> list[str]:
    """Tự đánh giá beside each appraisal round and the rules' points, where the record has them."""
    rec = u.record
    if rec is None or not (rec.self_assessment or rec.appraisal):
        return []
    rounds = sorted(rec.appraisal, key=lambda x: x.number)
    ids = set(rec.self_assessment) | {k for x in rounds for k in x.points}
    head = [_("Criterion"), _("Self-assessment")]
    head += [_("Appraisal round {n}").format(n=x.number) for x in rounds]
    head.append(_("By the rules"))
    title = _("Self-assessment and appraisal")
    out = [f"<h2>{e(title)}</h2><table><thead><tr>"
           + "".join(f"<th>{e(h)}</th>" for h in head) + "</tr></thead><tbody>"]
    for n in (x for a in u.result.areas for x in a.walk()):
        if n.id not in ids:
            continue
        cells = [f"{n.id} {n.title}", _pts(rec.self_assessment.get(n.id))]
        cells += [_pts(x.points.get(n.id)) for x in rounds]
        cells.append(_pts(n.achieved))
        out.append("<tr>" + "".join(f'<td class="n">{e(c)}</td>' if i else f"<td>{e(c)}</td>"
                                    for i, c in enumerate(cells)) + "</tr>")
    out.append("</tbody></table>")
    return out


def _criterion_block(u: Unit, n: NodeResult, appendix: str) -> str:
    here = u.page
    crit = link(here, criteria_page_of(u.decision), row_id(n.id))
    head = (f'<h3 id="{row_id(n.id)}"><a href="{crit}">{e(n.id)} {e(n.title)}</a></h3>')
    if not n.scorable:
        problem = _("NOT SCORED: {problem}").format(problem=n.problem)
        return head + f"<p>{e(problem)}</p>"
    got = _("{got}/{max} points").format(got=_pts(n.achieved), max=vn.maximum(n.max))
    out = [head, f"<p>{e(got)}</p>", "<ul>"]
    for dd in n.deductions:
        rule = ""
        if dd.rule is not None:
            src = rule_page_of(u.decision, dd.rule.path)
            rule = (f' <a class="cchc-rule" href="{link(here, src, f"L-{dd.rule.line}")}">'
                    f"{e(f'{dd.rule.path}:{dd.rule.line}')}</a>")
        text = (_("{points} points deducted: {reason}") if dd.kind == "rule" else "{reason}")
        line = text.format(points=vn.points(dd.points), reason=dd.reason)
        facts = "".join(_fact_item(f) for f in dd.facts)
        out.append(f"<li>{e(line)}{rule}" + (f"<ul>{facts}</ul>" if facts else "") + "</li>")
    out.append("</ul>")
    return "\n".join(out)


def _fact_item(f: Any) -> str:
    shown = [_("Fact: {label} [{key}] = {value}").format(label=f.label, key=f.key,
                                                         value=f.shown)]
    shown += [_("Evidence: {document}").format(document=x) for x in f.evidence]
    if f.reconstructed:
        shown.append(_(" (reconstructed figure: {why})").format(why=f.reconstructed).strip())
    return "<li>" + "<br>".join(e(x) for x in shown) + "</li>"


def ranking_page(d: Decision, folder: str, results: list[UnitResult], figures: list,
                 site: Site, units: dict[str, str]) -> Page:
    from engine.outputs.charts import chart_bytes
    from engine.outputs.ranking import sections
    from engine.results.ranking import rank

    ranking = rank(d.rs, results, None, figures)
    here = f"{d.slug}/xep-hang-{slug(Path(folder).name)}.md"
    parts = []
    for t in ranking.groups:
        if t.rows and t.id:
            name = f"{d.slug}/img/chi-so-{slug(Path(folder).name)}-{slug(t.id)}.svg"
            site.files[name] = chart_bytes(t, "svg")
            parts.append(f'<figure><img src="{link(here, name[:-4] + ".md")[:-5]}.svg" '
                         f'alt="{e(t.label, quote=True)}"><figcaption>{e(t.label)}'
                         "</figcaption></figure>")
    for s in sections(ranking):
        parts.append(f"<h2>{e(s.title)}</h2><table><thead><tr>"
                     + "".join(f"<th>{e(h)}</th>" for h in s.head) + "</tr></thead><tbody>")
        for row in s.rows:
            cells = []
            for i, c in enumerate(row):
                page = units.get(c) if i <= 1 else None
                cells.append(f'<td><a href="{link(here, page)}">{e(c)}</a></td>' if page
                             else f"<td>{e(c)}</td>")
            parts.append("<tr>" + "".join(cells) + "</tr>")
        parts.append("</tbody></table>" + "".join(f"<p>{e(n)}</p>" for n in s.notes))
    if ranking.mismatches:
        differ = _("Published figures that differ from the computed ones ({n})").format(
            n=len(ranking.mismatches))
        parts.append(f"<h2>{e(differ)}</h2><ul>")
        for m in ranking.mismatches:
            parts.append(f"<li>{e(m.unit)} · {e(str(m.field))}: {e(str(m.published))} ≠ "
                         f"{e(str(m.computed))}" + (f" ({e(m.note)})" if m.note else "")
                         + (f"<br><small>{e(m.source)}</small>" if m.source else "") + "</li>")
        parts.append("</ul>")
    return Page(here, _("Rankings: {folder}").format(folder=folder), "\n".join(parts),
                [r.name for r in results])


def diff_page(a: Decision, b: Decision) -> Page:
    from engine.publishing.diff import compare
    from engine.publishing.diff_render import as_text

    body = f'<pre class="cchc-diff">{e(as_text(compare(a.rs, b.rs)))}</pre>'
    return Page(f"so-sanh-{a.slug}-{b.slug}.md",
                _("What changes: {old} → {new}").format(old=a.label, new=b.label), body)


# ---- the project ------------------------------------------------------------------------

CSS = """.cchc-khong-dau{display:none}
:root{--md-text-font:"DejaVu Sans","Liberation Sans",Arial,sans-serif;
--md-code-font:"DejaVu Sans Mono","Liberation Mono",monospace}
.cchc-src .linenos{color:#999;user-select:none;margin-right:.6em}
.cchc-src :target{background:#fff3a0}
.cchc-src span[id]:target{background:#fff3a0;display:inline-block;width:100%}
td.n{text-align:right;white-space:nowrap}
tr.d0 td{font-weight:bold}
.guidance{font-style:italic;font-size:.9em}
"""


def _md(page: Page) -> str:
    meta: dict[str, Any] = {"title": e(page.title, quote=False)}
    if not page.searched:
        meta["search"] = {"exclude": True}
    head = yaml.safe_dump(meta, allow_unicode=True)
    hidden = ""
    if page.words:
        hidden = ('\n<div class="cchc-khong-dau">'
                  + e(" · ".join(plain(w) for w in page.words)) + "</div>")
    return f"---\n{head}---\n\n<div class=\"cchc\">\n{page.body}{hidden}\n</div>\n"


def _config(title: str, nav: list[Any], footer: str | None = None) -> str:
    cfg = {
        "site_name": title,
        "use_directory_urls": False,
        # no web fonts: the site is read offline too, and the system's fonts have every
        # Vietnamese letter
        "theme": {"name": "material", "language": "vi", "font": False,
                  "features": ["search.highlight"]},
        "plugins": [{"search": {"lang": ["en"]}}],
        "extra_css": ["cchc.css"],
        "markdown_extensions": ["tables", "attr_list", {"toc": {"permalink": True}}],
        "nav": nav,
    }
    if footer:
        cfg["copyright"] = e(footer, quote=False)
    return yaml.safe_dump(cfg, allow_unicode=True, sort_keys=False)


def write_project(root: Path, site: Site, title: str) -> None:
    docs = root / "docs"
    for page in site.pages:
        target = docs / page.path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(_md(page), "utf-8")
    for name, data in site.files.items():
        target = docs / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    (docs / "cchc.css").write_text(CSS, "utf-8")
    (root / "mkdocs.yml").write_text(_config(title, site.nav, site.footer), "utf-8")
    (root / MARK).write_text("cchc site\n", "utf-8")


def mkdocs_build(root: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet",
                           "-f", str(root / "mkdocs.yml"), "-d", str(root / "site")],
                          capture_output=True, text=True, timeout=600)
    if done.returncode != 0:
        text = (done.stderr or done.stdout).strip()
        raise CchcError([Diagnostic(_("mkdocs could not build the site: {why}").format(
            why=text[-2000:]), None, str(root))])


def put_in_place(built: Path, out: Path) -> None:
    """Replace ``out`` with ``built`` whole: only a folder this command wrote is replaced."""
    if out.exists():
        if not out.is_dir() or (any(out.iterdir()) and not (out / MARK).exists()):
            raise CchcError([Diagnostic(_(
                "this folder exists and is not a site cchc wrote: give an empty or new folder"),
                None, str(out))])
        old = out.with_name(out.name + ".old-cchc")
        if old.exists():
            shutil.rmtree(old)
        out.rename(old)
        built.rename(out)
        shutil.rmtree(old)
    else:
        built.rename(out)


def _label(rs: ast.RuleSet, folder: str) -> str:
    d = rs.decision
    return _("Decision {number}").format(number=d.number) if d else folder


def _decision_for(decisions: list[Decision], year: int) -> Decision | None:
    for d in decisions:
        span = d.rs.years()
        if span and span[0] <= year and (span[1] is None or year <= span[1]):
            return d
    return None


def _year_of(folder: Path) -> int | None:
    from engine.facts import read_yaml

    for f in sorted(folder.glob("*.yaml")):
        try:
            data, _lines = read_yaml(f)
        except CchcError:
            continue
        if isinstance(data, dict) and isinstance(data.get("year"), int):
            return data["year"]
    return None


def build_site(rulesets: list[tuple[str, ast.RuleSet]], fact_dirs: list[str], out: Path,
               read: Callable[[ast.RuleSet, tuple[str, ...], list], list],
               docs: Path | None = None, stamp: dict | None = None) -> None:
    """Write the project and build it into ``out`` (see the module's text); ``stamp``: on the
    home page (its token: what ``cchc verify`` reads) and, in words, at the foot of every page."""
    from engine.evaluate import score

    site = Site()
    decisions = [Decision(folder, rs, slug(Path(folder).name or folder), _label(rs, folder))
                 for folder, rs in rulesets]
    nav: list[Any] = [{_("Home"): "index.md"}]
    intro = _("Criteria, scores and explanations of the PAR Index, made from the rule files "
              "and the fact records.")
    home = [f"<p>{e(intro)}</p>"]
    appendix_of: dict[tuple[str, str], str] = {}
    for d in decisions:
        home.append(f"<h2>{e(d.label)}</h2><ul>")
        appendices = []
        for k in d.rs.kinds:
            p = appendix_page(d, k)
            appendix_of[(d.slug, k.name)] = site.add(p)
            appendices.append({e(k.label, quote=False): p.path})
            home.append(f'<li><a href="{link("index.md", p.path)}">{e(p.title)}</a></li>')
        home.append("</ul>")
        crit = site.add(criteria_page(d))
        rules = []
        for p in rule_pages(d):
            site.add(p)
            rules.append({e(p.title, quote=False): p.path})
        nav.append({e(d.label, quote=False): [{_("Criteria"): crit},
                                             {_("Appendices"): appendices},
                                             {_("Rule files"): rules}]})
    for folder in fact_dirs:
        year = _year_of(Path(folder))
        d = _decision_for(decisions, year) if year is not None else None
        if d is None:
            raise CchcError([Diagnostic(_(
                "no rule set given scores the records of this folder (year {year}): add the "
                "folder of the decision in force that year").format(year=year or "?"),
                None, folder)])
        files = tuple(str(p) for p in sorted(Path(folder).glob("*.yaml")))
        figures: list = []
        records = read(d.rs, files, figures)
        results = [score(d.rs, r) for r in records]
        record_of = {id(res): rec for res, rec in zip(results, records)}
        units: dict[str, str] = {}
        unit_nav = []
        heading = _("Units of {folder}").format(folder=folder)
        home.append(f"<h2>{e(heading)}</h2><ul>")
        for r in sorted(results, key=lambda x: x.name):
            u = Unit(d, r, f"{d.slug}/don-vi/{slug(r.unit_id)}.md", record_of.get(id(r)))
            site.add(scorecard(u, appendix_of[(d.slug, r.kind)]))
            units[r.name] = u.page
            unit_nav.append({e(r.name, quote=False): u.page})
            shown = f"{r.name}: " + (vn.fixed(r.index, 2) + "%" if r.complete else
                                     _("incomplete"))
            home.append(f'<li><a href="{link("index.md", u.page)}">{e(shown)}</a></li>')
        home.append("</ul>")
        rp = ranking_page(d, folder, results, figures, site, units)
        site.add(rp)
        home.append(f'<p><a href="{link("index.md", rp.path)}">{e(rp.title)}</a></p>')
        nav.append({e(_("Units of {folder}").format(folder=folder), quote=False):
                    [{_("Rankings"): rp.path}, *unit_nav]})
    by_number = {d.rs.decision.number: d for d in decisions if d.rs.decision}
    for b in decisions:
        old = b.rs.decision.get("replaces") if b.rs.decision else None
        a = by_number.get(old) if isinstance(old, str) else None
        if a is not None:
            p = site.add(diff_page(a, b))
            nav.append({e(site.pages[-1].title, quote=False): p})
            home.append(f'<p><a href="{link("index.md", p)}">{e(site.pages[-1].title)}</a></p>')
    if docs is not None and docs.is_dir():
        guides = []
        for f in sorted(docs.glob("*.md")):
            target = f"tai-lieu/{f.name}"
            (site.files)[target] = f.read_bytes()
            guides.append(target)
        nav.append({_("Guides and the rule language"): guides})
        ref = _("The rule language: reference")
        home.append(f'<p><a href="{link("index.md", "tai-lieu/rule-language.md")}">'
                    f"{e(ref)}</a></p>")
    if stamp is not None:
        from engine.stamp import token, words
        home.append(f'<p class="cchc-stamp"><small>{e(words(stamp))}<br>'
                    f"<code>{token(stamp)}</code></small></p>")
        site.footer = words(stamp)
    site.pages.insert(0, Page("index.md", _("PAR Index: rules, scores, explanations"),
                              "\n".join(home)))
    site.nav = nav
    out = out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.tmp-", dir=out.parent))
    try:
        write_project(tmp, site, _("PAR Index: rules, scores, explanations"))
        mkdocs_build(tmp)
        put_in_place(tmp, out)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
