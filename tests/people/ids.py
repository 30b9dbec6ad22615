"""Valid resident ID numbers for tests, built with the GB 11643 check digit."""

from stdnum.cn import ric


def resident_id(birth: str = "19800101", seq: str = "123", area: str = "420921") -> str:
    body = area + birth + seq
    return body + ric.calc_check_digit(body + "0")
