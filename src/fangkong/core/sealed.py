"""A file sealed with a passphrase: what a backup is written in (core.backups).

Layout: a header (magic, format, the scrypt parameters and salt, a nonce prefix, a check value), then the
content in chunks, each encrypted and authenticated with AES-256-GCM under a key derived from the passphrase
by scrypt (RFC 7914). A chunk's nonce is the prefix and its number, and what it is authenticated with (the
header, its number, whether it is the last) makes a reordered, cut or spliced file fail to open instead of
opening short. The check value, an empty message sealed under a nonce no chunk uses, tells a wrong
passphrase from a damaged file before any content is read.
"""

import os
import struct

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

MAGIC = b"FANGKONG-BACKUP\n"
FORMAT = 1
CHUNK = 1024 * 1024
# scrypt cost: 2**17 × 8 × 128 bytes = 128 MiB and about half a second per derivation, the strength
# recommended for a file an attacker may try passphrases against offline
SCRYPT_LOG_N, SCRYPT_R, SCRYPT_P = 17, 8, 1
_HEAD = struct.Struct(">16sBBBB16s8s16s")  # magic, format, log2 n, r, p, salt, nonce prefix, check
_CHUNK_HEAD = struct.Struct(">BI")  # last?, length of the sealed chunk
_CHECK_NUMBER = 0xFFFFFFFF


class WrongPassphrase(Exception):
    """The passphrase does not open the file."""


class Damaged(Exception):
    """The file is not a sealed file, or was cut or changed after it was written."""


def _key(passphrase: str, salt: bytes, log_n: int, r: int, p: int) -> AESGCM:
    derived = Scrypt(salt=salt, length=32, n=2 ** log_n, r=r, p=p).derive(passphrase.encode("utf-8"))
    return AESGCM(derived)


def _nonce(prefix: bytes, number: int) -> bytes:
    return prefix + struct.pack(">I", number)


def _associated(header: bytes, number: int, last: bool) -> bytes:
    return header + struct.pack(">IB", number, last)


class SealingWriter:
    """A writable file object whose content lands sealed in `raw` (an open binary file); `close()` seals
    the last chunk (the file is incomplete without it) but leaves `raw` open."""

    def __init__(self, raw, passphrase: str):
        salt, prefix = os.urandom(16), os.urandom(8)
        self._aead = _key(passphrase, salt, SCRYPT_LOG_N, SCRYPT_R, SCRYPT_P)
        unchecked = _HEAD.pack(MAGIC, FORMAT, SCRYPT_LOG_N, SCRYPT_R, SCRYPT_P, salt, prefix, b"\0" * 16)
        check = self._aead.encrypt(_nonce(prefix, _CHECK_NUMBER), b"", unchecked)
        self._header = _HEAD.pack(MAGIC, FORMAT, SCRYPT_LOG_N, SCRYPT_R, SCRYPT_P, salt, prefix, check)
        self._raw, self._prefix, self._number, self._buffer = raw, prefix, 0, bytearray()
        self._closed = False
        raw.write(self._header)

    def write(self, data) -> int:
        self._buffer += data
        # a chunk is sealed as "not the last" only when more content is known to follow it
        while len(self._buffer) > CHUNK:
            self._seal(bytes(self._buffer[:CHUNK]), last=False)
            del self._buffer[:CHUNK]
        return len(data)

    def _seal(self, plain: bytes, *, last: bool) -> None:
        sealed = self._aead.encrypt(_nonce(self._prefix, self._number), plain,
                                    _associated(self._header, self._number, last))
        self._raw.write(_CHUNK_HEAD.pack(last, len(sealed)) + sealed)
        self._number += 1

    def flush(self) -> None:
        self._raw.flush()

    def close(self) -> None:
        if not self._closed:
            self._seal(bytes(self._buffer), last=True)
            self._buffer.clear()
            self._closed = True
            self._raw.flush()


class OpeningReader:
    """A readable file object of the content of the sealed file `raw`. WrongPassphrase at once when the
    passphrase does not open it; Damaged (while reading) when it was cut, reordered or changed."""

    def __init__(self, raw, passphrase: str):
        self._raw = raw
        header = raw.read(_HEAD.size)
        if len(header) < _HEAD.size or not header.startswith(MAGIC):
            raise Damaged("not a Fangkong backup")
        _magic, version, log_n, r, p, salt, prefix, check = _HEAD.unpack(header)
        if version != FORMAT or not (10 <= log_n <= 22 and 1 <= r <= 32 and 1 <= p <= 16):
            raise Damaged(f"unknown format {version} or parameters")
        self._aead = _key(passphrase, salt, log_n, r, p)
        unchecked = header[:-16] + b"\0" * 16
        try:
            self._aead.decrypt(_nonce(prefix, _CHECK_NUMBER), check, unchecked)
        except InvalidTag:
            raise WrongPassphrase from None
        self._header, self._prefix, self._number = header, prefix, 0
        self._plain, self._done = bytearray(), False

    def _next_chunk(self) -> None:
        head = self._raw.read(_CHUNK_HEAD.size)
        if len(head) < _CHUNK_HEAD.size:
            raise Damaged("the file ends before its last part")
        last, length = _CHUNK_HEAD.unpack(head)
        sealed = self._raw.read(length)
        if len(sealed) < length or length > CHUNK + 16 or last not in (0, 1):
            raise Damaged("the file ends inside a part")
        try:
            self._plain += self._aead.decrypt(_nonce(self._prefix, self._number), sealed,
                                              _associated(self._header, self._number, bool(last)))
        except InvalidTag:
            raise Damaged(f"part {self._number} was changed") from None
        self._number += 1
        if last:
            if self._raw.read(1):
                raise Damaged("content after the last part")
            self._done = True

    def read(self, size: int = -1) -> bytes:
        while not self._done and (size < 0 or len(self._plain) < size):
            self._next_chunk()
        if size < 0:
            size = len(self._plain)
        out = bytes(self._plain[:size])
        del self._plain[:size]
        return out

    def readable(self) -> bool:
        return True
