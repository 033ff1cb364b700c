"""A Vietnamese explanation of every point a unit lost, in the manner of the units' own reports.

Takes a ``UnitResult``; gives text: area by area, each criterion that lost points, each
deduction with its reason, the fact values and evidence documents it rests on, and the place
of the rule that produced it. Numbers are written the Vietnamese way (2,0 điểm; 86,75%).
"""

from __future__ import annotations

from decimal import Decimal

from dsl import ast
from engine import vn
from engine.evaluate import NodeResult, UnitResult, area_index

METHOD_VI = {"appraisal": "điểm thẩm định", "survey": "điểm điều tra xã hội học"}


def _label(n: NodeResult) -> str:
    word = "Tiêu chí" if n.depth == 1 else "Tiêu chí thành phần"
    mark = " [tiêu chí tái dựng]" if n.source and n.source.kind == "reconstructed" else ""
    survey = " (điều tra xã hội học)" if n.method == "survey" else ""
    return f"{word} {n.id} {n.title}{survey}{mark}"


def _deduction_lines(n: NodeResult, indent: str) -> list[str]:
    out: list[str] = []
    for d in n.deductions:
        if d.kind == "rounding":
            continue
        if d.points == 0:
            out.append(f"{indent}- không trừ thêm (đã trừ tối đa): {d.reason}")
        else:
            capped = (f" (theo quy tắc {vn.points(d.nominal)}, giới hạn mức trừ tối đa)"
                      if d.nominal is not None else "")
            out.append(f"{indent}- trừ {vn.points(d.points)} điểm{capped}: {d.reason}")
        for f in d.facts:
            line = f"{indent}    Số liệu: {f.label} [{f.key}] = {f.shown}"
            if f.reconstructed:
                line += f" (số liệu tái dựng: {f.reconstructed})"
            out.append(line)
            for e in f.evidence:
                out.append(f"{indent}    Tài liệu kiểm chứng: {e}")
        if d.rule is not None:
            out.append(f"{indent}    Quy tắc: {d.rule.path}:{d.rule.line}")
    return out


def _node_lines(n: NodeResult, indent: str) -> list[str]:
    if not n.applicable:
        return [f"{indent}{_label(n)}: không áp dụng đối với đơn vị (không tính vào điểm tối đa)"]
    if not n.scorable:
        return [f"{indent}{_label(n)}: CHƯA CHẤM ĐƯỢC: {n.problem}"]
    if n.lost == 0:
        return []
    head = (f"{indent}{_label(n)}: trừ {vn.points(n.lost)} điểm "
            f"(đạt {vn.points(n.achieved or Decimal(0))}/{vn.points(n.max)})")
    lines = [head + (" vì:" if n.deductions and not n.children else "")]
    if n.children:
        for c in n.children:
            lines += _node_lines(c, indent + "    ")
    else:
        lines += _deduction_lines(n, indent + "    ")
    if n.depth == 1:
        lines += [f"{indent}    ({d.reason})" for d in n.deductions if d.kind == "rounding"]
    return lines


def explain(r: UnitResult, decision: ast.Decision | None, index_step: Decimal | None) -> str:
    """The whole explanation of one unit's result."""
    lines = [f"GIẢI TRÌNH ĐIỂM CHỈ SỐ CẢI CÁCH HÀNH CHÍNH NĂM {r.year}",
             f"Đơn vị: {r.name} ({r.kind})"]
    if decision is not None:
        date = decision.get("date")
        issuer = decision.get("issuer")
        lines.append(f"Căn cứ: Quyết định số {decision.number}"
                     + (f" ngày {vn.date(date)}" if date else "")  # type: ignore[arg-type]
                     + (f" của {issuer}" if issuer else ""))
    lines.append(f"Hồ sơ số liệu: {r.path}")
    lines.append("")
    lines.append(f"Tổng điểm đạt: {vn.points(r.achieved)}/{vn.points(r.max)} điểm; "
                 f"Chỉ số CCHC: {vn.number(r.index)}%")
    lines.append("  " + "; ".join(f"{METHOD_VI.get(m, m).capitalize()}: {vn.points(got)}/"
                                  f"{vn.points(mx)}" for m, (mx, got) in r.by_method.items()))
    if not r.complete:
        lines.append("  KẾT QUẢ CHƯA ĐẦY ĐỦ: có tiêu chí chưa chấm được do thiếu số liệu "
                     "(xem dưới đây).")
    for a in r.areas:
        lines.append("")
        if not a.applicable:
            lines.append(f"{a.id}. {a.title}: không áp dụng đối với đơn vị")
            continue
        idx = area_index(a, index_step)
        got = vn.points(a.achieved) if a.achieved is not None else "chưa chấm được"
        lost = f", mất {vn.points(a.lost)} điểm" if a.scorable and a.lost else ""
        lines.append(f"{a.id}. {a.title}: đạt {got}/{vn.points(a.max)} điểm"
                     + (f" ({vn.number(idx)}%)" if idx is not None else "") + lost)
        body = [x for c in a.children for x in _node_lines(c, "   ")]
        lines += body or ["   Không bị trừ điểm."]
    return "\n".join(lines) + "\n"
