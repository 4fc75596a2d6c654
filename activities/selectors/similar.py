"""Similar items (issue 22): while a proposal or an opinion report is typed,
the past ones with a similar title and content, with what became of them.

Chinese has no spaces: titles and contents are cut into words by jieba
(「关于发展社区托育服务的提案」 → 发展 / 社区 / 托育 / 服务; a longer word also
gives its pairs of characters), words every
proposal uses (关于, 建议, 提案, 加强 …) and single characters are dropped,
and rapidfuzz compares the remaining words as sets (`token_set_ratio`), so
word order and extra words matter little. The title weighs more than the
content.

Fast enough to run on every pause in typing: the candidates are the
MAX_CANDIDATES most recent records of each kind the user may see (one query
each, title and the content's first CONTENT_CHARS characters only), and the
words of a text are cut once per process (`words`, an LRU cache) — the
second lookup over the same records only cuts the typed text.
"""

from __future__ import annotations

import functools
import logging
import re
from dataclasses import dataclass

import jieba
from django.conf import settings
from django.db.models.functions import Substr
from django.urls import reverse
from rapidfuzz import fuzz

from activities.models import OpinionReport, Proposal
from sectors.scope import scope

jieba.setLogLevel(logging.WARNING)

MAX_CANDIDATES = 3000  # per kind: about three years of a city committee's records
CONTENT_CHARS = 300
MIN_SCORE = 60
LIMIT = 5
TITLE_WEIGHT = 0.7

# Words nearly every title carries: they make everything look alike.
STOP_WORDS = frozenset(
    [
        "关于",
        "建议",
        "提案",
        "意见",
        "问题",
        "进一步",
        "加强",
        "推进",
        "推动",
        "加快",
        "完善",
        "做好",
        "工作",
        "我市",
        "温州",
        "温州市",
        "有关",
        "相关",
        "对策",
        "思考",
        "情况",
        "方面",
        "促进",
        "提升",
        "提高",
        "实施",
        "开展",
        "如何",
        "切实",
        "当前",
        "建设",
        "发展的",
    ]
)
WORD = re.compile(r"\w{2,}")


@functools.lru_cache(maxsize=20_000)
def words(text: str) -> str:
    """The text's meaningful words, sorted and space-separated (rapidfuzz's tokens)."""
    kept = set()
    for word in jieba.lcut(text):
        if WORD.fullmatch(word) and word not in STOP_WORDS:
            kept.add(word)
            # A new compound (「普惠托育」) is one word to jieba: its pairs of characters
            # let it meet 「托育」 typed alone.
            if len(word) >= 4:
                kept.update(word[i : i + 2] for i in range(len(word) - 1))
    return " ".join(sorted(kept - STOP_WORDS))


@dataclass(frozen=True)
class SimilarItem:
    kind: str  # "proposal" or "opinionreport"
    pk: int
    title: str
    date: object
    group: str
    status: str
    outcome: str  # the answer or the adoption, as a person reads it
    score: int

    @property
    def url(self) -> str:
        return reverse(f"{self.kind}_detail", args=[self.pk])


def score(query_title: str, query_content: str, title: str, content: str) -> int:
    """How alike two records are, 0–100."""
    title_score = fuzz.token_set_ratio(words(query_title), words(title)) if words(query_title) else 0
    if not query_content or not content:
        return round(title_score)
    content_score = fuzz.token_set_ratio(words(query_content[:CONTENT_CHARS]), words(content[:CONTENT_CHARS]))
    return round(TITLE_WEIGHT * title_score + (1 - TITLE_WEIGHT) * content_score)


def _shares_a_word(query: str, title: str) -> bool:
    return bool(set(words(query).split()) & set(words(title).split()))


def _proposal_outcome(row: dict) -> str:
    parts = [str(Proposal.Status(row["status"]).label)]
    if row["answered_on"]:
        parts.append(f"{row['answered_on']:%Y-%m-%d} {row['answer_text'][:120]}".strip())
    if row["implementation"]:
        parts.append(str(Proposal.Implementation(row["implementation"]).label))
    return " · ".join(parts)


def _report_outcome(row: dict) -> str:
    label = str(OpinionReport.Status(row["status"]).label)
    return f"{label} {row['adopted_on']:%Y-%m-%d}" if row["adopted_on"] else label


KINDS = {
    "proposal": (Proposal, ("answered_on", "answer_text", "implementation"), _proposal_outcome),
    "opinionreport": (OpinionReport, ("adopted_on",), _report_outcome),
}


def _candidates(user, kind: str, exclude: int | None) -> list[dict]:
    model, outcome_fields, _ = KINDS[kind]
    rows = scope(user, model.objects.filter(committee__code=settings.PORTAL_COMMITTEE_CODE))
    if exclude:
        rows = rows.exclude(pk=exclude)
    rows = rows.annotate(excerpt=Substr("content", 1, CONTENT_CHARS))
    fields = ("pk", "title", "excerpt", "submitted_on", "group__short_name", "status", *outcome_fields)
    return list(rows.order_by("-submitted_on", "-id").values(*fields)[:MAX_CANDIDATES])


def similar_items(*, user, title: str, content: str = "", exclude: tuple[str, int] | None = None) -> list[SimilarItem]:
    """The past proposals and opinion reports most like the typed title and
    content, best first, among those the user may see."""
    title, content = title.strip()[:200], content.strip()[:CONTENT_CHARS]
    if not words(title):
        return []
    found = []
    for kind, (_model, _fields, outcome) in KINDS.items():
        skipped = exclude[1] if exclude and exclude[0] == kind else None
        for row in _candidates(user, kind, skipped):
            if not _shares_a_word(title, row["title"]):
                continue
            value = score(title, content, row["title"], row["excerpt"] or "")
            if value >= MIN_SCORE:
                found.append(
                    SimilarItem(
                        kind=kind,
                        pk=row["pk"],
                        title=row["title"],
                        date=row["submitted_on"],
                        group=row["group__short_name"],
                        status=row["status"],
                        outcome=outcome(row),
                        score=value,
                    )
                )
    found.sort(key=lambda item: (-item.score, -item.date.toordinal()))
    return found[:LIMIT]
