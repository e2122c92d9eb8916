"""The translation tasks this project generates: (source, target) string pairs,
deterministic per seed. Standard library only: the exported script ships this file as
it is (`translate/codegen.py`).

- "dates": a date written one of DATE_FORMS ways ("7 December 2026", "Dec 7, 2026",
  "07/12/2026", "2026年12月7日", ...) -> ISO "2026-12-07". Years 1000-2999, so no
  digit of a year follows from another (with 1950-2049, "19" or "20" follows from the
  second digit, and the network read the first digit from there).
- "en_zh" / "zh_en": English number words <-> Chinese numerals ("three hundred and
  twelve" <-> "三百一十二"), numbers 1-99,999 (1 to 5 digits, each as likely).
- "en_digits": English number words -> digits ("three hundred and twelve" -> "312").
- "reverse": a string of 4-30 lowercase letters -> the same letters backwards.

Every generated date also knows where its digits sit: `date_alignment` gives, for each
digit of the ISO target, the position of the source digit it copies (or -1: a month
written as a name, a padding zero), which the attention lesson checks against.
"""

import datetime
import random

TASKS = ("dates", "en_zh", "zh_en", "en_digits", "reverse")

MONTHS = (
    "January", "February", "March", "April", "May", "June", "July", "August",
    "September", "October", "November", "December",
)  # fmt: skip
# Each date form: parts, each a literal or a field: "d" day, "dd" day padded to two
# digits, "m" / "mm" month, "Month" / "Mon" its English name / first three letters,
# "th" the day's ordinal suffix, "Y" the four-digit year.
DATE_FORMS: tuple[tuple[str, ...], ...] = (
    ("d", " ", "Month", " ", "Y"),  # 7 December 2026
    ("Mon", " ", "d", ", ", "Y"),  # Dec 7, 2026
    ("Month", " ", "d", ", ", "Y"),  # December 7, 2026
    ("Month", " ", "d", "th", ", ", "Y"),  # December 7th, 2026
    ("dd", "/", "mm", "/", "Y"),  # 07/12/2026
    ("d", ".", "m", ".", "Y"),  # 7.12.2026
    ("Y", "年", "m", "月", "d", "日"),  # 2026年12月7日
    ("d", " ", "Mon", " ", "Y"),  # 7 Dec 2026
)
FIRST_DAY = datetime.date(1000, 1, 1)
LAST_DAY = datetime.date(2999, 12, 31)
FIELDS = {"d", "dd", "m", "mm", "Month", "Mon", "th", "Y"}


def ordinal_suffix(day: int) -> str:
    """ "st", "nd", "rd" or "th" for a day of the month."""
    if day in (11, 12, 13):
        return "th"
    return {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")


def date_parts(day: datetime.date, form: tuple[str, ...]) -> list[tuple[str, str]]:
    """(text, field) of each part of `day` written in `form` (field "" for a literal)."""
    values = {
        "d": str(day.day),
        "dd": f"{day.day:02d}",
        "m": str(day.month),
        "mm": f"{day.month:02d}",
        "Month": MONTHS[day.month - 1],
        "Mon": MONTHS[day.month - 1][:3],
        "th": ordinal_suffix(day.day),
        "Y": str(day.year),
    }
    return [(values[p], p) if p in FIELDS else (p, "") for p in form]


def write_date(day: datetime.date, form: tuple[str, ...]) -> str:
    """`day` written in `form`: ("d", " ", "Month", " ", "Y") -> "7 December 2026"."""
    return "".join(text for text, _ in date_parts(day, form))


def date_alignment(day: datetime.date, form: tuple[str, ...]) -> list[int]:
    """For each character of the ISO target (10), the source position of the digit it
    copies, or -1 (a dash, a month written as a name, a zero the source does not
    write). Numbers are aligned from their last digit: "7" -> "07" copies the 7."""
    where: dict[str, tuple[int, str]] = {}  # field group -> (start, text) in the source
    at = 0
    for text, name in date_parts(day, form):
        group = {"d": "day", "dd": "day", "m": "month", "mm": "month", "Y": "year"}.get(name)
        if group:
            where[group] = (at, text)
        at += len(text)
    out = [-1] * 10
    for group, (first, width) in (("year", (0, 4)), ("month", (5, 2)), ("day", (8, 2))):
        if group not in where:
            continue
        start, text = where[group]
        for k in range(1, min(width, len(text)) + 1):  # from the last digit back
            out[first + width - k] = start + len(text) - k
    return out


def random_day(rng: random.Random) -> datetime.date:
    """A day drawn evenly from FIRST_DAY to LAST_DAY."""
    return FIRST_DAY + datetime.timedelta(days=rng.randrange((LAST_DAY - FIRST_DAY).days + 1))


def date_pair(rng: random.Random) -> tuple[str, str]:
    """One date in a random form and its ISO form."""
    day = random_day(rng)
    return write_date(day, DATE_FORMS[rng.randrange(len(DATE_FORMS))]), day.isoformat()


# ---- Numbers --------------------------------------------------------------------------
ONES = (
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
    "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen",
    "eighteen", "nineteen",
)  # fmt: skip
TENS = ("", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")
ZH_DIGITS = "零一二三四五六七八九"
ZH_UNITS = ("", "十", "百", "千")
LARGEST = 99_999  # numbers drawn: 1 .. LARGEST


def english_below_1000(n: int) -> str:
    """0 < n < 1000 in British English words: 312 -> "three hundred and twelve"."""
    hundreds, rest = divmod(n, 100)
    words = []
    if hundreds:
        words.append(f"{ONES[hundreds]} hundred")
    if rest:
        tens, ones = divmod(rest, 10)
        small = ONES[rest] if rest < 20 else TENS[tens] + (f"-{ONES[ones]}" if ones else "")
        words.append(("and " if hundreds else "") + small)
    return " ".join(words)


def english_words(n: int) -> str:
    """0 <= n < 1,000,000 in British English words: 21005 -> "twenty-one thousand and
    five" (the "and" before a last part below 100, as British English says it)."""
    if n == 0:
        return "zero"
    thousands, rest = divmod(n, 1000)
    words = []
    if thousands:
        words.append(f"{english_below_1000(thousands)} thousand")
    if rest:
        tail = english_below_1000(rest)
        words.append(("and " if thousands and rest < 100 else "") + tail)
    return " ".join(words)


def parse_english(text: str) -> int:
    """The number `english_words` wrote (raises ValueError on other words)."""
    value = {w: i for i, w in enumerate(ONES)} | {w: 10 * i for i, w in enumerate(TENS) if w}
    total, current = 0, 0
    for word in text.replace("-", " ").split():
        if word == "and":
            continue
        if word == "hundred":
            current *= 100
        elif word == "thousand":
            total, current = total + current * 1000, 0
        elif word in value:
            current += value[word]
        else:
            raise ValueError(f"not a number word: {word!r}")
    return total + current


def chinese_below_10000(n: int, leading: bool) -> str:
    """0 < n < 10000 in Chinese numerals; `leading`: nothing stands before it, so 10-19
    read 十, 十一 ... rather than 一十, 一十一."""
    digits = [int(c) for c in f"{n:04d}"]  # thousands, hundreds, tens, ones
    out, zero = [], False
    for i, d in enumerate(digits):
        unit = ZH_UNITS[3 - i]
        if d == 0:
            zero = bool(out)
            continue
        if zero:
            out.append("零")
            zero = False
        if d == 1 and unit == "十" and leading and not out:
            out.append("十")
        else:
            out.append(ZH_DIGITS[d] + unit)
    return "".join(out)


def chinese_numeral(n: int) -> str:
    """0 <= n < 100,000,000 in Chinese numerals: 312 -> "三百一十二", 10005 -> "一万零五",
    15 -> "十五"."""
    if n == 0:
        return "零"
    wan, rest = divmod(n, 10_000)
    out = chinese_below_10000(wan, leading=True) + "万" if wan else ""
    if rest:
        if wan and rest < 1000:
            out += "零"
        out += chinese_below_10000(rest, leading=not wan)
    return out


def parse_chinese(text: str) -> int:
    """The number `chinese_numeral` wrote (raises ValueError on other characters)."""
    units = {"十": 10, "百": 100, "千": 1000}
    total, section, digit = 0, 0, None
    for c in text:
        if c in ZH_DIGITS:
            digit = ZH_DIGITS.index(c)
        elif c in units:
            section += (1 if digit is None else digit) * units[c]
            digit = None
        elif c == "万":
            total, section, digit = (section + (digit or 0)) * 10_000, 0, None
        else:
            raise ValueError(f"not a Chinese numeral: {c!r}")
    return total + section + (digit or 0)


def random_number(rng: random.Random) -> int:
    """1 .. LARGEST, its digit count drawn evenly (1 to 5)."""
    digits = rng.randrange(1, len(str(LARGEST)) + 1)
    return rng.randrange(10 ** (digits - 1) if digits > 1 else 1, min(10**digits, LARGEST + 1))


def reverse_pair(rng: random.Random, shortest: int = 4, longest: int = 30) -> tuple[str, str]:
    """Random lowercase letters, `shortest` to `longest` of them, and them reversed."""
    letters = "".join(chr(97 + rng.randrange(26)) for _ in range(rng.randint(shortest, longest)))
    return letters, letters[::-1]


def make_pair(task: str, rng: random.Random) -> tuple[str, str]:
    """One (source, target) pair of `task`."""
    if task == "dates":
        return date_pair(rng)
    if task == "reverse":
        return reverse_pair(rng)
    n = random_number(rng)
    if task == "en_zh":
        return english_words(n), chinese_numeral(n)
    if task == "zh_en":
        return chinese_numeral(n), english_words(n)
    if task == "en_digits":
        return english_words(n), str(n)
    raise ValueError(f"unknown task {task!r}; choose from {TASKS}")


def make_pairs(task: str, count: int, seed: int) -> list[tuple[str, str]]:
    """`count` pairs of `task` with distinct sources (fewer if the task has fewer),
    in the order drawn from a generator seeded by (task, seed)."""
    rng = random.Random(f"{task}-{seed}")
    seen: dict[str, str] = {}
    tries = 0
    while len(seen) < count and tries < 20 * count:
        source, target = make_pair(task, rng)
        seen.setdefault(source, target)
        tries += 1
    return list(seen.items())


def split_pairs(
    pairs: list[tuple[str, str]], held_out: float, seed: int
) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """(train, held-out): the pairs shuffled by a generator seeded with `seed`, the last
    `held_out` share (at least one) held out."""
    order = list(range(len(pairs)))
    random.Random(f"split-{seed}").shuffle(order)
    n_test = max(1, round(held_out * len(pairs)))
    shuffled = [pairs[i] for i in order]
    return shuffled[:-n_test], shuffled[-n_test:]
