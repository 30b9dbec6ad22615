"""Valid resident ID numbers for tests, built with the GB 11643 check digit."""

from stdnum.cn import ric


def resident_id(birth: str = "19800101", seq: str = "123", area: str = "420921") -> str:
    body = area + birth + seq
    return body + ric.calc_check_digit(body + "0")


def resident_id_ending_in_x(birth: str = "19800101", area: str = "420921") -> str:
    for seq in range(1000):
        number = resident_id(birth, f"{seq:03d}", area)
        if number.endswith("X"):
            return number
    raise AssertionError("no X check digit found")


def full_width(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)
