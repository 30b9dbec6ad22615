"""A sealed file opens with its passphrase only, and one cut, changed or reordered fails instead of opening short."""

import io
import os

import pytest

from fangkong.core import sealed


@pytest.fixture(autouse=True)
def _small(monkeypatch):
    # a cheap key derivation and small parts, so that a few kilobytes make several parts
    monkeypatch.setattr(sealed, "SCRYPT_LOG_N", 10)
    monkeypatch.setattr(sealed, "CHUNK", 1000)


def seal(content: bytes, passphrase: str = "a long passphrase") -> bytes:
    raw = io.BytesIO()
    writer = sealed.SealingWriter(raw, passphrase)
    for start in range(0, len(content), 777):
        writer.write(content[start:start + 777])
    writer.close()
    return raw.getvalue()


def opened(data: bytes, passphrase: str = "a long passphrase") -> bytes:
    return sealed.OpeningReader(io.BytesIO(data), passphrase).read()


def test_what_is_sealed_opens_with_the_passphrase():
    content = os.urandom(5500)
    data = seal(content)
    assert opened(data) == content
    assert content[:64] not in data
    assert opened(seal(b"")) == b""
    assert opened(seal(b"x" * 3000)) == b"x" * 3000  # a whole number of parts


def test_a_wrong_passphrase_is_told_before_anything_is_read():
    with pytest.raises(sealed.WrongPassphrase):
        sealed.OpeningReader(io.BytesIO(seal(b"content")), "another passphrase")


def test_a_cut_file_fails():
    data = seal(os.urandom(5500))
    for end in (len(data) - 1, len(data) - 1020, 200):
        with pytest.raises(sealed.Damaged):
            opened(data[:end])


def test_a_changed_or_reordered_file_fails():
    data = bytearray(seal(os.urandom(5500)))
    changed = bytearray(data)
    changed[300] ^= 1
    with pytest.raises(sealed.Damaged):
        opened(bytes(changed))
    header = sealed._HEAD.size  # then each full part: its head, 1000 bytes sealed, the tag
    first = sealed._CHUNK_HEAD.size + 1000 + 16
    swapped = data[:header] + data[header + first:header + 2 * first] + data[header:header + first] + data[header + 2 * first:]
    assert len(swapped) == len(data)
    with pytest.raises(sealed.Damaged):
        opened(bytes(swapped))
    with pytest.raises(sealed.Damaged):
        opened(bytes(data) + b"more")


def test_a_file_that_is_not_sealed_is_refused():
    with pytest.raises(sealed.Damaged):
        opened(b"SQLite format 3\0" + b"\0" * 200)
