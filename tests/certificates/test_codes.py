import re

import pytest

from certificates.codes import ALPHABET, code_display, code_generate, code_normalise


def test_codes_have_80_random_bits_in_an_unambiguous_alphabet():
    assert len(ALPHABET) == 32
    assert not set("ILOU") & set(ALPHABET)
    codes = {code_generate() for _ in range(2000)}
    assert len(codes) == 2000
    assert all(re.fullmatch(f"[{ALPHABET}]{{16}}", code) for code in codes)
    # Every character of the alphabet turns up in every position: the draw is uniform.
    for position in (0, 7, 15):
        assert {code[position] for code in codes} == set(ALPHABET)


def test_codes_print_in_groups_of_four():
    assert code_display("7KQ2M9XD4HZBR0TW") == "7KQ2-M9XD-4HZB-R0TW"


@pytest.mark.parametrize(
    "typed",
    [
        "7KQ2-M9XD-4HZB-R0TW",
        "7kq2-m9xd-4hzb-r0tw",
        "7KQ2M9XD4HZBR0TW",
        " 7KQ2 M9XD 4HZB R0TW ",
        "7KQ2–M9XD–4HZB–R0TW",  # en dashes from a word processor
        "7KQ2-M9XD-4HZB-ROTW",  # O for 0
    ],
)
def test_codes_are_read_forgivingly(typed):
    assert code_normalise(typed) == "7KQ2M9XD4HZBR0TW"


def test_i_and_l_are_read_as_one():
    assert code_normalise("1111-IIII-llll-LLLL") == "1" * 16


@pytest.mark.parametrize(
    "typed", ["", "7KQ2-M9XD-4HZB", "7KQ2-M9XD-4HZB-R0TW-AAAA", "UKQ2-M9XD-4HZB-R0TW", "7KQ2/M9XD"]
)
def test_what_cannot_be_a_code_is_refused(typed):
    assert code_normalise(typed) is None
