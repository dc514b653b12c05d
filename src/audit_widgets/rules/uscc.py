"""统一社会信用代码 (Unified Social Credit Code) validation, GB 32100-2015.

The alphabet and weights are fixed by the national standard, not by the certification
scheme, so they live here rather than in parameters/scheme/.
"""
from __future__ import annotations

from dataclasses import dataclass

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
LENGTH = 18


@dataclass(frozen=True)
class UsccCheck:
    valid: bool
    zh: str = ""
    en: str = ""

    @property
    def reason(self) -> str:
        return f"{self.zh} / {self.en}" if not self.valid else ""


def check_character(first17: str) -> str:
    total = sum(ALPHABET.index(char) * weight for char, weight in zip(first17, WEIGHTS))
    return ALPHABET[(31 - total % 31) % 31]


def check_uscc(code: str) -> UsccCheck:
    """Validate a USCC; when invalid, say why in Chinese and English."""
    code = (code or "").strip()
    if len(code) != LENGTH:
        return UsccCheck(False, f"应为 18 位，实为 {len(code)} 位", f"must be 18 characters, got {len(code)}")
    for position, char in enumerate(code, start=1):
        if char not in ALPHABET:
            return UsccCheck(
                False,
                f"第 {position} 位「{char}」不是有效字符（不可用 I、O、Z、S、V 及小写字母）",
                f"character {position} '{char}' is not allowed (I, O, Z, S, V and lower case are not used)",
            )
    expected = check_character(code[:17])
    if code[17] != expected:
        return UsccCheck(
            False,
            f"校验位应为「{expected}」，实为「{code[17]}」",
            f"check character should be '{expected}', got '{code[17]}'",
        )
    return UsccCheck(True)
