"""Gentle prompts on how a concern is written. None of them blocks saving or submitting:
they help a colleague who was not there, and the DSL, read the record on its own."""

from __future__ import annotations

import re
from dataclasses import dataclass

from cerecorder.domain.model import ConcernContent, Urgency

#: "J.S." or "JS": initials standing in for a name (common school abbreviations aside)
INITIALS = re.compile(r"\b(?:[A-Z]\.\s?){2,3}|\b(?!(?:PE|IT|TA|DT|RE|UK|OK|MR|MS|TV|ID)\b)"
                      r"[A-Z]{2}\b")
#: a view rather than something seen or heard
OPINION = re.compile(
    r"\b(?:I (?:think|believe|feel|suspect|reckon|assume)|I'm sure|I am sure|in my opinion"
    r"|obviously|clearly|probably|definitely|no doubt)\b", re.IGNORECASE)
#: someone's words reported in the facts
SAID = re.compile(r"\b(?:said|says|saying|told (?:me|us|her|him|them)|disclosed)\b",
                  re.IGNORECASE)


@dataclass(frozen=True)
class Prompt:
    #: the ConcernContent field the prompt is about, so it shows beside that box
    field: str
    text: str
    #: shown beside the field as the person writes; the others wait for "Submit"
    live: bool = True


def writing_prompts(content: ConcernContent) -> list[Prompt]:
    c = content
    prompts: list[Prompt] = []
    opinion = OPINION.search(c.facts)
    if opinion:
        prompts.append(Prompt("facts", f"\u201c{opinion.group()}\u201d is an opinion: keep "
                              "here what you saw or heard, and your view under \u201cYour "
                              "opinion\u201d."))
    initials = INITIALS.search(f"{c.facts} {c.child_words}")
    if initials:
        prompts.append(Prompt("facts", f"\u201c{initials.group().strip()}\u201d looks like "
                              "initials: write the full name (and tick the pupil) so the "
                              "record stands on its own."))
    said = SAID.search(c.facts)
    if said and not c.child_words.strip():
        prompts.append(Prompt("child_words", f"The facts say \u201c{said.group()}\u201d: "
                              "write the child's own words here, in quotation marks where "
                              "you can."))
    if c.urgency in (Urgency.HIGH, Urgency.IMMEDIATE) and not c.informed.strip():
        prompts.append(Prompt("informed", "Urgency is high but nobody is recorded as "
                              "informed: tell the DSL in person or by phone now, and note "
                              "it."))
    if c.facts.strip() and len(c.facts.split()) < 8:
        prompts.append(Prompt("facts", "What was seen or heard is very short: could a "
                              "colleague who was not there understand what happened?",
                              live=False))
    if not c.indicator_codes and not c.indicators_other.strip():
        prompts.append(Prompt("indicator_codes", "No signs are ticked.", live=False))
    return prompts
