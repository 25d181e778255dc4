"""A title taken from a sentence that states the article's subject.

Chinese notes say what they are about in a few set ways, and each gives a noun
phrase that makes a title:

- purpose: `为了加速 DDPM 的采样过程,DDIM …` -> `DDIM:加速 DDPM 的采样过程`
- aim: `本文…梳理重排的一般方法` -> `重排的一般方法`; `本文将对这些方法进行总结`
  after `…提高小目标检测性能的解决方案` -> `小目标检测方法综述`
- definition: `这里的混合精度训练是指…` -> `混合精度训练`
- subject: `YOLO的核心思想就是…` -> `YOLO的核心思想`; `Medusa 是…` -> `Medusa`
- frame: `在电商搜索中,query推荐有…` -> `电商搜索中的query推荐`

Only the opening sentences are read: a note states its subject up front.
"""
from __future__ import annotations

import re

from ..spans import PROSE, split_spans
from .salience import Terms

OPENING_CHARS = 700
MAX_PHRASE = 32
_SECTION = re.compile(r"^(?:💡\s*)?(?:引言与背景|引言|背景介绍|背景|概述|简介|前言|摘要|导读)\s+")
_DISCOURSE = re.compile(r"^(?:一般来说|通常来说|最近|近年来|首先|其实|简单来说|众所周知)[,\uff0c]\s*")
_PURPOSE = re.compile(r"为了\s*([^,。;:]{2,16}?)\s*[,\uff0c]\s*([A-Za-z][A-Za-z0-9\-]{1,20})\s*"
                      r"(?=在|通过|采用|使用|提出|利用)")
_AIM = re.compile(r"(?:本文|这篇文章|本篇|文章|笔者)[^。,;:]{0,40}?"
                  r"(?:介绍|讲解|讲讲|推导|梳理|总结|解读|探讨|给出|回顾|整理)(?:了|一下)?\s*([^,。;:!?]{2,40})")
_AIM_OBJECT = re.compile(r"(?:本文|这篇文章|本篇)[^。,;:]{0,8}?对\s*([^,。;:]{2,24}?)\s*"
                         r"进行(讲解|分析|介绍|总结|梳理|整理)")
_ANAPHOR = re.compile(r"^(?:这些|上述|以上|这类|这几种)(方法|工作|方案|技术)$")
_ANTECEDENT = re.compile(r"(?:提高|改进|提升|解决|一些|多种|各种)([^,。;:\s的]{2,12}?)(?:性能|效果|精度)?"
                         r"的(?:解决方案|方法|工作|技术)")
_REPLACES = re.compile(r"(?:本文|这篇文章)[^。,;:]{0,6}?将(?:之前的|原来的|传统的)?\s*([^,。;:]{2,16}?)\s*"
                       r"(?:改为|替换为|换成)\s*([^,。;:]{2,16}?)\s*(?:的形式|的结构)?(?=[,。;:]|$)")
_DEFINITION = re.compile(r"(?:这里的|所谓的?)\s*([^,。;:\s]{2,16}?)\s*(?:是指|指的是|就是指)")
_HEAD_NOUN = r"(?:的(?:核心思想|关键创新|总体思路|主要思想|基本思想|核心思路|基本原理))"
_SUBJECT = re.compile(rf"^([^,。;:!?]{{2,30}}?{_HEAD_NOUN}?)\s*(?:就是|是|在于|也叫|又称为|又称|指)")
_FRAME = re.compile(r"(?:^|[,\uff0c])\s*(在|对于)\s*([^,。;:]{2,16}?)\s*(中|来说|而言)\s*[,\uff0c]\s*"
                    r"([^,。;:]{2,20}?)\s*(?:有|是|的加入|的作用|在于|一直)")
_QUOTES = re.compile(r"[\"“”]")
_GLOSS = re.compile(r"\s*([((][A-Za-z][A-Za-z \-]{2,30}[))])")  # after a phrase: its Latin name
_SUMMING = ("总结", "梳理", "整理", "综述")


def statement_title(text: str, terms: Terms, names_subject) -> str | None:
    prose = _opening_prose(text)
    sentences = [s.strip() for s in re.split(r"(?<=[。!?\uff01\uff1f])\s*", prose) if s.strip()]
    if not sentences:
        return None
    first = _DISCOURSE.sub("", _SECTION.sub("", sentences[0]))
    candidates = []
    for sentence in sentences[:4]:
        m = _PURPOSE.search(sentence)
        if m and m.group(2) in terms.top(8):
            candidates.append(f"{m.group(2)}\uff1a{m.group(1)}")
    for k, sentence in enumerate(sentences[:8]):
        for aim in (_AIM_OBJECT.search(sentence), _AIM.search(sentence)):
            if aim:
                candidates.append(_aim_phrase(aim, sentences[k - 1] if k else "", sentence))
        m = _REPLACES.search(sentence)
        if m:  # `本文就是将之前的RNN的结构改为Transfomer的形式` -> `用Transfomer代替RNN`
            old = re.sub(r"的(?:结构|形式|方法)$", "", m.group(1).strip())
            candidates.append(f"用{m.group(2).strip()}代替{old}")
    for sentence in sentences[:6]:
        m = _DEFINITION.search(sentence)
        if m:
            candidates.append(m.group(1))
    m = _SUBJECT.match(first)
    if m:
        candidates.append(_QUOTES.sub("", m.group(1)).strip())
    m = _FRAME.search(sentences[0])
    if m:
        place, subject = m.group(2).strip(), m.group(4).strip()
        if not re.fullmatch(r"特别|尤其|主要|其中|这里", subject):
            candidates.append(f"{place}中的{subject}" if m.group(3) == "中" else f"{place}的{subject}")
    for candidate in candidates:
        if candidate and _is_phrase(candidate) and names_subject(candidate):
            return _with_gloss(candidate, prose)
    return None


def _opening_prose(text: str) -> str:
    """The opening of the text with formulas as `…`, so no sentence runs through one."""
    out = [s.text if s.kind == PROSE else " … " for s in split_spans(text[:OPENING_CHARS])]
    return " ".join("".join(out).split())


def _aim_phrase(m: re.Match, before: str, sentence: str) -> str | None:
    phrase = m.group(1).strip()
    phrase = re.sub(r"^(?:我们|笔者)?(?:自研的|所提出的|提出的)?", "", phrase)
    after = sentence[m.end():]
    if after.startswith((":", "\uff1a")) and re.search(r"(?:工作|内容|问题|部分|方面|知识)$", phrase):
        # `…的经典工作:BERT模型的原理及其变体`: the words after the colon say which
        detail = re.match(r"[:\uff1a]([^\s,。;:!?][^,。;:!?]{1,24})", after)  # no space: the same sentence
        if detail:
            phrase = detail.group(1).strip()
    anaphor = _ANAPHOR.match(phrase)
    if anaphor:
        antecedent = _ANTECEDENT.search(before)
        if not antecedent:
            return None
        core = re.sub(r"^(?:一些|一种|多种|各种|几种)", "", antecedent.group(1))
        core = re.sub(r"^(?:提高|改进|提升|解决)", "", core)
        verb = m.group(2) if m.re is _AIM_OBJECT else ""
        phrase = core + anaphor.group(1) + ("综述" if any(v in sentence for v in _SUMMING) and verb else "")
    return phrase


def _is_phrase(phrase: str) -> bool:
    return 2 <= len(phrase) <= MAX_PHRASE and not re.search(r"[,。;!?、…\uff0c]|\.\.\.", phrase) \
        and not re.match(r"^(?:一下|这|那|其|它|我们)", phrase) and "我们" not in phrase \
        and not re.search(r"(?:都|也|就|还|又|会|将)$", phrase)


def _with_gloss(phrase: str, prose: str) -> str:
    """`重参数` -> `重参数(Reparameterization)` when the text glosses it so."""
    m = _glossed_at(phrase, prose)
    if m and len(phrase) + len(m.group(1)) <= MAX_PHRASE + 4 and "(" not in phrase:
        return phrase + m.group(1)
    return phrase


def _glossed_at(phrase: str, prose: str) -> re.Match | None:
    """The first gloss right after a mention of `phrase`, as a search for the phrase
    and its gloss in one pattern would find it, without compiling one per phrase."""
    at = prose.find(phrase)
    while at >= 0:
        if m := _GLOSS.match(prose, at + len(phrase)):
            return m
        at = prose.find(phrase, at + 1)
    return None
