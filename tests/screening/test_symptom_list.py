"""One list of symptoms: the daily check (and the registration) and the isolation follow-up offer the same
symptoms in the same order; the ledger keeps their Chinese words, a follow-up their values."""

from django.utils import translation

from fangkong.quarantine.forms import FollowUpForm
from fangkong.quarantine.models import Symptom as FollowUpSymptom
from fangkong.screening.forms import CheckForm, RegisterForm, split_symptoms, symptoms_text
from fangkong.screening.models import Symptom


def _labels(field) -> list[str]:
    return [str(label) for _value, label in field.choices]


def test_the_daily_check_and_the_follow_up_ask_about_the_same_symptoms():
    daily, registration = CheckForm().fields["symptom_tags"], RegisterForm().fields["symptom_tags"]
    follow_up = FollowUpForm().fields["symptoms"]

    assert FollowUpSymptom is Symptom
    assert _labels(daily) == _labels(registration) == _labels(follow_up) == [
        "发热", "咳嗽", "乏力", "咽痛", "气促", "腹泻", "肌肉酸痛", "嗅觉味觉减退"]


def test_the_ledger_keeps_the_chinese_words_in_any_language():
    with translation.override("en"):
        values = [value for value, _label in CheckForm().fields["symptom_tags"].choices]
        text = symptoms_text({"symptom_tags": ["发热", "嗅觉味觉减退"], "symptoms_other": "头痛"})
    assert values[:2] == ["发热", "咳嗽"]
    assert text == "发热、嗅觉味觉减退、头痛"
    assert split_symptoms(text) == {"symptom_tags": ["发热", "嗅觉味觉减退"], "symptoms_other": "头痛"}
