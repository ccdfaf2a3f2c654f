"""Vietnamese alphabetical order by table: GIVEN names, WHEN sorted with vietnamese_key, THEN this order."""

from __future__ import annotations

import unicodedata

import pytest

from chamcong.rules.collation import vietnamese_key


@pytest.mark.parametrize(("names", "ordered"), [
    # đ is a letter of its own, after d: Đặng comes after Dương and long before Phạm
    (["Phạm Thu Dung", "Đặng Văn Hải", "Dương Thị Lan"], ["Dương Thị Lan", "Đặng Văn Hải", "Phạm Thu Dung"]),
    (["Đinh", "Dung", "Em"], ["Dung", "Đinh", "Em"]),
    # a ă â, e ê, o ô ơ, u ư are letters in that order
    (["Âu", "Ăn", "Anh"], ["Anh", "Ăn", "Âu"]),
    (["Ơn", "Ôn", "Oanh"], ["Oanh", "Ôn", "Ơn"]),
    (["Ưng", "Uyên", "Vân"], ["Uyên", "Ưng", "Vân"]),
    (["Êm", "Ez"], ["Ez", "Êm"]),
    # the letters decide before the tones (Bạch before Bảo), and Bảo is a shorter name than Bao Ngọc
    (["Bảo", "Bao Ngọc", "Bạch"], ["Bạch", "Bảo", "Bao Ngọc"]),
    # tones break ties, in the order none, huyền, hỏi, ngã, sắc, nặng
    (["mạ", "má", "mã", "mả", "mà", "ma"], ["ma", "mà", "mả", "mã", "má", "mạ"]),
    # a shorter name first, and a word before a longer one (An, An Bình, Anh)
    (["Anh", "An Bình", "An"], ["An", "An Bình", "Anh"]),
    # case does not matter
    (["nguyễn văn b", "Nguyễn Văn A"], ["Nguyễn Văn A", "nguyễn văn b"]),
    # foreign letters where the Latin alphabet has them; digits before letters
    (["Zoe", "Yến", "Will", "Vy"], ["Vy", "Will", "Yến", "Zoe"]),
    (["Tổ 2", "Tổ 10", "Tổ A"], ["Tổ 10", "Tổ 2", "Tổ A"]),
    # unit names: Ủy ban before Văn phòng (a code-point sort puts Ủ after V)
    (["Văn phòng HĐND và UBND", "Ủy ban nhân dân", "Phòng Nội vụ"],
     ["Phòng Nội vụ", "Ủy ban nhân dân", "Văn phòng HĐND và UBND"]),
])
def test_names_sort_in_vietnamese_alphabetical_order(names: list[str], ordered: list[str]) -> None:
    assert sorted(names, key=vietnamese_key) == ordered


def test_composed_and_decomposed_spellings_sort_as_the_same_name() -> None:
    composed = "Nguyễn Thị Hoà"
    decomposed = unicodedata.normalize("NFD", composed)
    assert vietnamese_key(composed) == vietnamese_key(decomposed)
    # and the old and new placements of a tone (Hoà, Hòa) differ only in the last tie-break
    assert vietnamese_key("Hoà")[:2] == vietnamese_key("Hòa")[:2]


def test_the_key_is_a_tuple_and_takes_empty_text() -> None:
    assert isinstance(vietnamese_key(""), tuple)
    assert sorted(["b", "", "a"], key=vietnamese_key) == ["", "a", "b"]
