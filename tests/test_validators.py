"""ID-card and mobile validation, and the masked forms shown to most users."""

import pytest
from django.core.exceptions import ValidationError

from portal.validators import id_card_check_char, mask_id_card, mask_mobile, validate_id_card, validate_mobile

from .factories import valid_id_card


def test_it_computes_the_gb11643_check_character():
    # The standard's worked example: 11010519491231002X.
    assert id_card_check_char("11010519491231002") == "X"
    validate_id_card("11010519491231002X")


def test_it_accepts_a_lower_case_x():
    validate_id_card("11010519491231002x")


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("", "id_card_shape"),
        ("33030219800101123", "id_card_shape"),  # 17 characters
        ("3303021980010112345", "id_card_shape"),  # 19 characters
        ("03030219800101123X", "id_card_shape"),  # leading zero
        ("3303021980010112A4", "id_card_shape"),  # letter inside
        ("330302198002301234", "id_card_birth"),  # 30 February
        ("330302289901011234", "id_card_birth"),  # born in 2899
        ("110105194912310021", "id_card_check"),  # wrong check digit
    ],
)
def test_it_rejects_bad_id_cards_with_a_reason(value, code):
    with pytest.raises(ValidationError) as error:
        validate_id_card(value)
    assert error.value.code == code


def test_it_accepts_generated_id_cards():
    for _ in range(20):
        validate_id_card(valid_id_card())


@pytest.mark.parametrize("value", ["13812345678", "19912345678", "15000000000"])
def test_it_accepts_mobiles(value):
    validate_mobile(value)


@pytest.mark.parametrize("value", ["", "1381234567", "138123456789", "12812345678", "23812345678", "1381234567a"])
def test_it_rejects_bad_mobiles(value):
    with pytest.raises(ValidationError):
        validate_mobile(value)


def test_it_masks_personal_numbers():
    assert mask_id_card("330302198001011234") == "330302********1234"
    assert mask_mobile("13812345678") == "138****5678"
    assert mask_id_card("") == ""
    assert mask_mobile("") == ""
