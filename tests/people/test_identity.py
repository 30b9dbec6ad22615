import datetime

import pytest
from django.core.exceptions import ValidationError

from fangkong.people import identity
from fangkong.people.cleaning import clean_person_fields
from tests.people.ids import full_width, resident_id, resident_id_ending_in_x


def test_valid_resident_id_is_returned_normalised():
    number = resident_id("19800101", "123")
    assert identity.check_resident_id(number) == number


def test_area_code_created_after_the_birth_year_is_accepted():
    # 孝昌县 (420921) exists since 1993; its residents born earlier hold 420921 IDs too.
    number = resident_id("19500601", "456", area="420921")
    assert identity.check_resident_id(number) == number


def test_bad_check_digit_is_refused():
    number = resident_id()
    wrong = number[:17] + ("1" if number[17] != "1" else "2")
    with pytest.raises(ValidationError, match="校验位"):
        identity.check_resident_id(wrong)


def test_bad_date_is_refused():
    with pytest.raises(ValidationError, match="出生日期无效"):
        identity.check_resident_id(resident_id("19800231"))


def test_impossible_birth_year_is_refused():
    with pytest.raises(ValidationError, match="不可能"):
        identity.check_resident_id(resident_id("18800101"))
    future = (datetime.date.today() + datetime.timedelta(days=400)).strftime("%Y%m%d")
    with pytest.raises(ValidationError, match="不可能"):
        identity.check_resident_id(resident_id(future))


def test_unknown_area_code_is_refused():
    with pytest.raises(ValidationError, match="地区码"):
        identity.check_resident_id(resident_id(area="429999"))


def test_wrong_length_is_refused():
    with pytest.raises(ValidationError, match="18位"):
        identity.check_resident_id("4209211980010112")


def test_fifteen_digit_number_is_converted():
    legacy = "420921800101123"  # area, YYMMDD, sequence
    assert identity.check_resident_id(legacy) == resident_id("19800101", "123")


def test_full_width_digits_spaces_and_lowercase_x_are_accepted():
    number = resident_id_ending_in_x()
    typed = " " + full_width(number[:10]) + " " + number[10:17] + "x "
    assert identity.check_resident_id(typed) == number


def test_phone_check():
    assert identity.check_phone("138 1234 5678") == "13812345678"
    assert identity.check_phone("+86 13812345678") == "13812345678"
    assert identity.check_phone("0712-1234567") == "07121234567"
    with pytest.raises(ValidationError):
        identity.check_phone("12345678901")


def test_masking():
    assert identity.mask_id("42092119800101123X") == "4209**********123X"
    assert identity.mask_phone("13812345678") == "138****5678"
    assert identity.mask_id("") == "" and identity.mask_phone("") == ""
    assert identity.mask_id("E1234567") == "E*******"


def test_digest_is_keyed_per_kind_and_stable():
    number = resident_id()
    assert identity.digest("resident_id", number) == identity.digest("resident_id", number)
    assert identity.digest("resident_id", number) != identity.digest("passport", number)
    assert number not in identity.digest("resident_id", number)


def test_digest_depends_on_the_key(settings):
    number = resident_id()
    first = identity.digest("resident_id", number)
    settings.FANGKONG_DIGEST_KEY = "another key"
    assert identity.digest("resident_id", number) != first


class TestCleanPersonFields:
    def test_resident_id_gives_sex_and_birth_date(self):
        number = resident_id("19800101", "124")  # 17th digit even: female
        out = clean_person_fields(name=" 李 四 ", id_type="居民身份证", id_number=number, phone="13812345678")
        assert out["name"] == "李 四" and out["id_type"] == "resident_id"
        assert out["sex"] == "female" and out["birth_date"] == datetime.date(1980, 1, 1)
        assert out["id_digest"] == identity.digest("resident_id", number)
        assert out["phone_digest"] == identity.digest("phone", "13812345678")

    def test_other_document_normalised(self):
        out = clean_person_fields(name="Tom", id_type="护照", id_number=" e-1234 567 ", sex="男",
                                  birth_date="1990-05-06")
        assert out["id_type"] == "passport" and out["id_number"] == "E1234567"
        assert out["sex"] == "male" and out["birth_date"] == datetime.date(1990, 5, 6)
        assert out["phone"] == "" and out["phone_digest"] == ""

    @pytest.mark.parametrize("number", ["E12", "E" * 41, "E12345#"])
    def test_other_document_bad_number(self, number):
        with pytest.raises(ValidationError) as exc:
            clean_person_fields(name="Tom", id_type="passport", id_number=number)
        assert list(exc.value.message_dict) == ["id_number"]

    def test_every_bad_field_is_named(self):
        with pytest.raises(ValidationError) as exc:
            clean_person_fields(name="张" * 51, id_type="驾照", id_number="x", phone="abc", address="地" * 201,
                                workplace="单" * 101)
        assert set(exc.value.message_dict) == {"name", "id_type", "phone", "address", "workplace"}

    def test_name_and_number_required(self):
        with pytest.raises(ValidationError) as exc:
            clean_person_fields(name="  ", id_type="", id_number=" ")
        assert set(exc.value.message_dict) == {"name", "id_number"}

    def test_impossible_birth_date_for_other_documents(self):
        with pytest.raises(ValidationError) as exc:
            clean_person_fields(name="Tom", id_type="passport", id_number="E1234567", birth_date="1800-01-01")
        assert list(exc.value.message_dict) == ["birth_date"]


@pytest.mark.parametrize("key", ["short key", "k" * 64, "a key longer than the block of SHA-256, " * 3])
def test_digest_is_the_hmac_sha256_of_kind_and_number(settings, key):
    import hmac
    settings.FANGKONG_DIGEST_KEY = key
    expected = hmac.new(key.encode(), b"resident_id:420921198001011234", "sha256").hexdigest()[:40]
    assert identity.digest("resident_id", "420921198001011234") == expected
    assert identity.digester()("resident_id", "420921198001011234") == expected
    assert identity.digest("phone", "13812345678") != identity.digest("resident_id", "13812345678")


def test_the_fast_resident_id_check_agrees_with_the_full_one():
    today = datetime.date.today()
    good = resident_id("19800101", "123")
    assert identity.is_valid_resident_id(good, today)
    wrong_digit = good[:17] + ("1" if good[17] != "1" else "2")
    for bad in (wrong_digit, resident_id("19800231"), resident_id("18800101"), resident_id(area="429999"),
                "A" + good[1:]):
        assert not identity.is_valid_resident_id(bad, today)
        with pytest.raises(ValidationError):
            identity.check_resident_id(bad)
