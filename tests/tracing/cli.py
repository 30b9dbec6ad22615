"""Calling the tracing commands in process: their JSON answer, or the error they refuse with."""

import json

import pytest
from django.core.management import CommandError, call_command


def run(capsys, *args) -> dict:
    call_command(*args)
    return json.loads(capsys.readouterr().out)


def refused(*args) -> CommandError:
    with pytest.raises(CommandError) as caught:
        call_command(*args)
    return caught.value
