"""Explanations as data: a reason is a code with parameters, never a sentence.

Analyses say *why* (a partner fits, a pair should meet, a buurt lacks something) with a
``Reason``; the API puts it into words in the caller's language (``api/words.py``: Dutch and
English, both complete). Parameters name what the reason rests on, by kind of value:

* ``n``, ``total``, ``capacity``, ``hops``: whole numbers;
* ``themes``: theme keys; ``needs``: need keys (``kinds.Need``);
* ``area``, ``other``: CBS area codes; ``nodes``: stakeholder or meeting ids;
* ``names``: display names already chosen (e.g. initiatives a partner worked with);
* ``source``, ``target``: a stakeholder, meeting or area id; ``relation``: a relation kind; ``on``: a day.

>>> Reason.of("THEMES_SHARED", themes=("care",), n=1, total=2).params["total"]
2
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any


@dataclass(frozen=True, slots=True)
class Reason:
    code: str
    params: Mapping[str, Any]

    @classmethod
    def of(cls, code: str, **params: Any) -> Reason:
        if not params:
            return cls(code, _NONE)
        return cls(code, MappingProxyType({k: tuple(v) if isinstance(v, list) else v for k, v in params.items()}))


_NONE: Mapping[str, Any] = MappingProxyType({})  # the parameters of a reason that has none (shared: read-only)
