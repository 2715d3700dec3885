"""Figures as Indonesian staff type them: "12,5", "1.234.567", "85%", "Rp 1,2 juta".

The bot echoes the understood value back for confirmation, so the rules below
prefer refusing with a precise hint over guessing. Rules:

* The comma is the decimal separator and may appear once: ``12,5`` -> 12.5 and
  ``1,234`` -> 1.234 (Indonesian reading; the echo catches English habits).
* The dot only groups thousands: ``1.234.567`` -> 1234567, ``1.234,5`` -> 1234.5.
  The first group has 1-3 digits and must not start with 0; every later group
  has exactly 3 digits.
* A dot followed by anything other than exactly 3 digits is an English decimal
  point and is refused with the fix: ``1.5`` -> "gunakan koma: 1,5".
  ``0.500`` is refused too (0,5 or 500?).
* English thousands (``1,234,567``, ``1,234.56``), several commas, a dot after
  the comma, a separator without digits on both sides (``12,`` ``,5``) and
  groups of other sizes (``1.23.456``) are refused.
* Units: ``Rp``/``Rp.``/``IDR`` before, or ``rupiah``/``Rp`` after the number;
  ``%`` or ``persen`` after it. ``Rp 1.500.000,-`` (round rupiah) is accepted.
* Magnitude words after the number: ``ribu``/``rb``, ``juta``/``jt``,
  ``miliar``/``milyar``, ``triliun``/``trilyun`` (not with %). "M" and "T" are
  refused: they read as miliar to some and as meter/ton to others.
* One leading ``+`` or ``-`` (also the Unicode minus), before or after ``Rp``.
  Surrounding spaces, including non-breaking ones, are ignored; spaces between
  the number and a word or unit are allowed, spaces inside the number are not
  (``1 234`` reads as two numbers).
* Refused: empty text, only a sign or a unit, other words ("10 atau 12"),
  several numbers, other characters, and texts longer than 64 characters.

Values are exact ``Decimal`` s; nothing goes through ``float``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, localcontext

MAX_LENGTH = 64
DEFAULT_MAX_ABS = Decimal(10) ** 13
"""Beyond ten trillion (Rp 10 triliun is several years of a kabupaten's budget) a figure is
a typo, not a realisation; it also keeps every figure inside the database's NUMERIC(20, 6)."""
MAX_PERCENT = Decimal(1000)

_MAGNITUDES = {"ribu": 3, "rb": 3, "juta": 6, "jt": 6, "miliar": 9, "milyar": 9}
_MAGNITUDES |= {"triliun": 12, "trilyun": 12}
_CURRENCY_BEFORE = {"rp", "idr"}
_UNIT_AFTER = {"rp": "Rp", "rupiah": "Rp", "persen": "%"}
_AMBIGUOUS_WORDS = {"m": "miliar? meter?", "t": "triliun? ton?", "k": "ribu? kilo?"}
_KNOWN_WORDS = set(_MAGNITUDES) | _CURRENCY_BEFORE | set(_UNIT_AFTER)
_EXAMPLE = "1.234.567 atau 12,5"
_TOKEN = re.compile(
    r"(?P<space>\s+)|(?P<num>[0-9.,]*[0-9][0-9.,]*)|(?P<sign>[-+\u2212\u2013])"
    r"|(?P<pct>%)|(?P<word>[^\W\d_]+\.?)|(?P<other>.)"
)
_ROUND_RUPIAH = re.compile(r"(?<=\d),\s*[-\u2013\u2014]{1,2}\s*(?=\s*(?:rupiah|rp)?\s*$)", re.I)
_ENGLISH = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d{1,3},\d{3}\.\d+")


class NumberError(ValueError):
    """A figure that cannot be read, or is not plausible; ``str()`` is for the user.

    ``reason`` is a stable code for tests and logs.
    """

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason
        self.message = message


@dataclass(frozen=True)
class ParsedNumber:
    """What was understood: the exact value, the unit typed (if any) and the input."""

    value: Decimal
    unit_hint: str | None
    text: str
    magnitude: str | None = None

    @property
    def places(self) -> int:
        """Decimal places as typed (after the magnitude word is applied)."""
        return _places(self.value)

    def display(self) -> str:
        """The value as the bot echoes it for confirmation: "Rp 1.500.000", "85,5%"."""
        shown = format_number(self.value, self.places)
        if self.unit_hint == "%":
            return f"{shown}%"
        if self.unit_hint == "Rp":
            return f"Rp {shown}"
        return shown


def _fail(reason: str, problem: str, example: str = _EXAMPLE) -> NumberError:
    stop = " " if problem.endswith("?") else ". "
    return NumberError(reason, f"{problem}{stop}Contoh: {example}")


def parse_number(text: str) -> ParsedNumber:
    """Read one figure typed by a person; raise ``NumberError`` with a hint otherwise."""
    raw = text or ""
    if len(raw) > MAX_LENGTH:
        raise _fail("too_long", f"Teks terlalu panjang (lebih dari {MAX_LENGTH} huruf)")
    shown = raw.strip()
    if not shown:
        raise _fail("empty", "Belum ada angka yang diketik")
    tokens = _tokenize(_ROUND_RUPIAH.sub("", shown))
    kinds = [kind for kind, _ in tokens]
    for kind, value in tokens:
        if kind == "other":
            raise _fail("invalid_char", f"Tanda {value!r} dalam '{shown}' tidak dikenal")
    if kinds.count("num") > 1:
        raise _fail(
            "several_numbers", f"'{shown}' berisi lebih dari satu angka; kirim satu angka saja"
        )
    if "num" not in kinds:
        raise _fail("no_digits", f"'{shown}' tidak berisi angka")
    for kind, value in tokens:
        if kind == "word" and _word(value) in _AMBIGUOUS_WORDS:
            raise _fail(
                "ambiguous_abbreviation",
                f"Singkatan {value!r} meragukan ({_AMBIGUOUS_WORDS[_word(value)]}); tulis lengkap",
                "2,5 miliar atau 3 ribu",
            )
        if kind == "word" and _word(value) not in _KNOWN_WORDS:
            raise _fail(
                "unknown_word",
                f"Kata {value!r} tidak dikenal; yang dikenal hanya Rp, %, persen, ribu/rb, "
                "juta/jt, miliar, triliun",
                "1,2 juta atau Rp 1.500.000",
            )
    return _assemble(tokens, shown)


def _tokenize(text: str) -> list[tuple[str, str]]:
    tokens = []
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup or "other"
        if kind != "space":
            tokens.append((kind, match.group()))
    return tokens


def _word(value: str) -> str:
    return value.lower().rstrip(".")


def _assemble(tokens: list[tuple[str, str]], shown: str) -> ParsedNumber:
    """Walk ``[sign] [Rp] [sign] number [magnitude] [% | persen | rupiah]``."""
    rest = list(tokens)
    negative: bool | None = None
    unit: str | None = None
    magnitude: str | None = None

    def take(kind: str, words: set[str] | dict[str, object] | None = None) -> str | None:
        if rest and rest[0][0] == kind and (words is None or _word(rest[0][1]) in words):
            return rest.pop(0)[1]
        return None

    if (sign := take("sign")) is not None:
        negative = sign != "+"
    if take("word", _CURRENCY_BEFORE) is not None:
        unit = "Rp"
    if negative is None and (sign := take("sign")) is not None:
        negative = sign != "+"
    number = take("num")
    if number is None:
        raise _misplaced(rest, shown)
    if (word := take("word", _MAGNITUDES)) is not None:
        magnitude = _word(word)
    if unit is None and take("pct") is not None:
        unit = "%"
    elif unit is None and (word := take("word", _UNIT_AFTER)) is not None:
        unit = _UNIT_AFTER[_word(word)]
    if rest:
        raise _misplaced(rest, shown)
    if unit == "%" and magnitude:
        raise _fail("unit_conflict", f"Persen tidak bisa digabung dengan '{magnitude}'", "85,5%")
    value = _digits(number, magnitude)
    return ParsedNumber(
        value.copy_negate() if negative and value else value, unit, shown, magnitude
    )


def _misplaced(rest: list[tuple[str, str]], shown: str) -> NumberError:
    kind, value = rest[0]
    if kind == "sign":
        return _fail("sign", f"Tanda {value!r} hanya boleh satu kali, di depan angka", "-12,5")
    return _fail(
        "misplaced",
        f"Urutan dalam '{shown}' tidak dikenali ({value!r} salah tempat)",
        "Rp 1.500.000, 85% atau 1,2 juta",
    )


def _digits(number: str, magnitude: str | None) -> Decimal:
    """Read the digits-and-separators part by the module's rules."""
    if number.count(",") > 1 or "." in number.partition(",")[2]:
        if _ENGLISH.fullmatch(number):
            fixed = number.replace(",", " ").replace(".", ",").replace(" ", ".")
            raise _fail(
                "english_format",
                f"'{number}' ditulis gaya Inggris; "
                "gunakan titik untuk ribuan dan koma untuk desimal",
                fixed,
            )
        raise _fail(
            "separators",
            f"'{number}' tidak dapat dibaca sebagai angka: koma desimal hanya satu, "
            "titik ribuan hanya di depannya",
        )
    whole, comma, fraction = number.partition(",")
    groups = whole.split(".")
    if len(groups) == 2 and not comma and groups[1].isdigit() and len(groups[1]) != 3:
        fixed = f"{groups[0] or '0'},{groups[1]}"
        raise _fail(
            "dot_decimal", f"'{number}' memakai titik desimal; gunakan koma untuk desimal", fixed
        )
    if not all(groups) or (comma and not fraction):
        raise _fail(
            "incomplete", f"'{number}' tidak lengkap: ada titik/koma tanpa angka di sisinya", "0,5"
        )
    if len(groups) > 1 and (len(groups[0]) > 3 or any(len(g) != 3 for g in groups[1:])):
        raise _fail("group_size", f"'{number}': pemisah ribuan (titik) harus per 3 angka")
    if len(groups) > 1 and groups[0].startswith("0"):
        raise _fail(
            "leading_zero", f"'{number}' meragukan: maksudnya pecahan atau ribuan?", "0,5 atau 500"
        )
    exponent = _MAGNITUDES[magnitude] if magnitude else 0
    value = Decimal(f"{''.join(groups)}.{fraction or '0'}e{exponent}")
    with localcontext() as ctx:
        ctx.prec = MAX_LENGTH * 2
        places = max(0, len(fraction) - exponent)
        return value.quantize(Decimal(1).scaleb(-places))


def format_number(value: Decimal | int, precision: int = 0) -> str:
    """Print Indonesian style, rounded half up: ``format_number(Decimal("1234567.45"), 1)``
    -> ``"1.234.567,5"``. Negative zero prints without a sign."""
    if precision < 0:
        raise ValueError("precision tidak boleh negatif")
    if isinstance(value, float) or not Decimal(value).is_finite():
        raise ValueError(f"bukan Decimal hingga: {value!r}")
    value = Decimal(value)
    with localcontext() as ctx:
        ctx.prec = max(28, value.adjusted() + precision + 3)
        rounded = value.quantize(Decimal(1).scaleb(-precision), rounding=ROUND_HALF_UP)
    whole, _, fraction = f"{rounded.copy_abs():f}".partition(".")
    groups = []
    while whole:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    sign = "-" if rounded < 0 else ""
    return sign + ".".join(groups) + (f",{fraction}" if fraction else "")


def format_percent(value: Decimal | int, precision: int = 2) -> str:
    """``format_percent(Decimal("85.456"))`` -> ``"85,46%"``."""
    return f"{format_number(value, precision)}%"


def is_percent_unit(satuan: str | None) -> bool:
    return (satuan or "").strip().lower() in {"%", "persen", "persentase"}


def is_rupiah_unit(satuan: str | None) -> bool:
    words = re.findall(r"[a-z]+", (satuan or "").lower())
    return "rp" in words or "rupiah" in words


def validate_magnitude(
    value: Decimal,
    *,
    allow_negative: bool = False,
    satuan: str | None = None,
    max_abs: Decimal | None = None,
) -> NumberError | None:
    """Say what is implausible about a parsed value, or ``None`` if it is fine.

    Returned, not raised: the conversation shows ``str(error)`` and asks again.
    """
    limit = DEFAULT_MAX_ABS if max_abs is None else max_abs
    if value < 0 and not allow_negative:
        return _fail(
            "negative",
            f"Nilai tidak boleh negatif ({format_number(value, _places(value))})",
            "0 atau 12,5",
        )
    if is_percent_unit(satuan) and value.copy_abs() > MAX_PERCENT:
        return _fail(
            "percent_too_large",
            f"{format_percent(value, _places(value))} tidak masuk akal untuk persentase "
            f"(lebih dari {format_number(MAX_PERCENT)}%); periksa lagi",
            "85 atau 85,5%",
        )
    if value.copy_abs() > limit:
        return _fail(
            "too_large",
            f"{format_number(value, _places(value))} terlalu besar (batas {format_number(limit)}); "
            "mungkin kelebihan angka 0",
            "1.500.000 atau 1,5 juta",
        )
    return None


def validate_unit(parsed: ParsedNumber, satuan: str | None) -> NumberError | None:
    """Refuse a unit typed against the indicator's satuan ("Rp 5" for a % indicator)."""
    if parsed.unit_hint == "%" and not is_percent_unit(satuan):
        return _fail("unit_mismatch", f"Satuan indikator ini {satuan or '-'}, bukan persen", "12")
    if parsed.unit_hint == "Rp" and not is_rupiah_unit(satuan):
        return _fail("unit_mismatch", f"Satuan indikator ini {satuan or '-'}, bukan rupiah", "12")
    return None


_MONEY = re.compile(r"\b(?:rp|idr|rupiah|usd|dolar|dollar)\b|[$\u20ac\u00a3]", re.I)
_FOREIGN_MONEY_UNIT = {"usd", "dolar", "dollar"}


def is_money_unit(satuan: str | None) -> bool:
    """Rupiah, or a foreign currency an indicator might be kept in (USD, dolar)."""
    words = set(re.findall(r"[a-z]+", (satuan or "").lower()))
    return is_rupiah_unit(satuan) or bool(words & _FOREIGN_MONEY_UNIT)


def parse_value(text: str, unit: str | None) -> ParsedNumber:
    """Read a realisation typed for an indicator kept in ``unit``: the one reader of every
    front end (chat, CLI, workbooks).

    Like ``parse_number``, and refuses what does not fit the unit: text that looks like
    money (Rp, rupiah, a currency word or sign) for an indicator that is not money, and a
    percent for one that is not a percentage. "Rp 1.250.000" typed as a number of
    activities would otherwise be read as 1.250.000 activities.
    """
    raw = text or ""
    if not is_money_unit(unit) and len(raw) <= MAX_LENGTH and _MONEY.search(raw):
        shown = raw.strip()
        raise _fail(
            "money_for_non_money",
            f"'{shown}' tampak seperti nilai uang, padahal satuan indikator ini "
            f"{unit or '-'}. Ketik jumlahnya saja, tanpa Rp atau mata uang",
            "2",
        )
    parsed = parse_number(raw)
    problem = validate_unit(parsed, unit)
    if problem is not None:
        raise problem
    return parsed


def _places(value: Decimal) -> int:
    exponent = value.as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0
