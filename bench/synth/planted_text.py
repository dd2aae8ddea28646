"""The parts of a plan's text that only a planted plan has: its own body, its targets, a preamble
without "Thực hiện".

Reads: a :class:`~bench.synth.model.Plan` whose ``body`` and ``targets`` the
planting step set (:mod:`bench.synth.body`), the text's random stream, and the
fill values of the rendering. Returns: :func:`planted_body` (sections I to IV:
the plan's own sentences between the fixed lines every plan prints) and
:func:`hidden_preamble` ("Nhằm …, <subject> ban hành Kế hoạch như sau:").

Why apart from :mod:`bench.synth.render`: the unplanted text must stay as it
was, byte for byte, so what changes with planting is drawn here and only for
plans that carry it. The fixed lines (the "Việc tổ chức triển khai thực hiện …"
line, "Các cơ quan, đơn vị căn cứ Kế hoạch này …", "Trên đây là Kế hoạch …") are
the same in every plan but for the place and the references: the truth's reuse
share counts the plan's own sentences only. A plan whose "Thực hiện" sentence is
removed prints no reference anywhere (none of those fixed lines either).
"""

from __future__ import annotations

import random
from typing import Any

from bench.synth.issuers import issuer_name, subject
from bench.synth.model import Plan
from bench.synth.phrases import PURPOSE
from bench.synth.prose import INDICATORS

__all__ = ["hidden_preamble", "planted_body", "target_lines"]


def planted_body(p: Plan, rng: random.Random, fill: dict[str, Any]) -> list[str]:
    """Sections I to IV of a planted plan: its own sentences, its targets, the fixed lines."""
    assert p.body is not None
    purpose, tasks, organise = p.body
    out = ["I. MỤC ĐÍCH, YÊU CẦU", *purpose]
    if not p.hidden:
        out.append(PURPOSE[1].format(**fill))
    out.append("II. MỤC TIÊU")
    out += target_lines(p, rng)
    out.append("III. NHIỆM VỤ, GIẢI PHÁP")
    out += [f"{i}. {s}" for i, s in enumerate(tasks, 1)]
    out.append("IV. TỔ CHỨC THỰC HIỆN")
    out += organise
    out.append(
        f"Các cơ quan, đơn vị căn cứ Kế hoạch này xây dựng kế hoạch cụ thể, định kỳ báo cáo kết quả về "
        f"{subject(p, rng)} để tổng hợp báo cáo theo quy định."
    )
    if not p.hidden and rng.random() < 0.6:
        out.append(
            f"Trên đây là Kế hoạch triển khai thực hiện Kết luận số 70-KL/TW của {issuer_name(p, rng)}/."
        )
    return out


def target_lines(p: Plan, rng: random.Random) -> list[str]:
    """Section II: each target as "<phrasing> đạt trên N% …", in one sentence or one line each."""
    parts = []
    for key, v in p.targets or ():
        phrasings, value, _cmp, _range = INDICATORS[key]
        parts.append(f"{rng.choice(phrasings)} {value.format(v=v)}")
    if not parts:
        return ["Nâng cao chất lượng, hiệu quả phong trào thể dục, thể thao quần chúng trong giai đoạn mới."]
    if len(parts) == 1 or rng.random() < 0.6:
        return [f"Phấn đấu đến năm 2030, {'; '.join(parts)}."]
    return (
        ["Phấn đấu đến năm 2030:"] + [f"- {x[0].upper()}{x[1:]};" for x in parts[:-1]] + [f"- {parts[-1]}."]
    )


def hidden_preamble(p: Plan, rng: random.Random) -> str:
    """The preamble of a plan whose "Thực hiện" sentence is removed: a purpose, no reference."""
    who = subject(p, rng)
    what = f"Kế hoạch năm {p.annual}" if p.annual else "Kế hoạch"
    return (
        "Nhằm phát triển phong trào thể dục, thể thao quần chúng, nâng cao sức khỏe, thể lực của Nhân dân, "
        f"{who} ban hành {what} như sau:"
    )
