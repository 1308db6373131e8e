"""The instance's persisted secrets: RSA signing key, its ``kid`` and the ``sk_test_`` key.

Files in the data dir (created with mode 0600, written atomically):
``signing-key.pem`` (PKCS#8 private key) and ``instance.json`` (``{"kid", "secret_key"}``).
"""

from __future__ import annotations

import base64
import json
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from authguard.testing import KeyPair

KEY_FILE = "signing-key.pem"
INSTANCE_FILE = "instance.json"


@dataclass(frozen=True)
class Instance:
    """What makes this dev instance itself: the signing key pair and the secret key."""

    key: KeyPair
    secret_key: str

    @classmethod
    def load_or_create(cls, data_dir: Path) -> Instance:
        data_dir.mkdir(parents=True, exist_ok=True)
        key_path, meta_path = data_dir / KEY_FILE, data_dir / INSTANCE_FILE
        if key_path.exists() and meta_path.exists():
            meta = json.loads(meta_path.read_text(encoding="utf-8"))
            pair = KeyPair.from_private_pem(key_path.read_text(encoding="ascii"), meta["kid"])
            return cls(key=pair, secret_key=str(meta["secret_key"]))
        pair = KeyPair.generate(kid="ins_" + secrets.token_hex(12))
        instance = cls(key=pair, secret_key="sk_test_" + secrets.token_urlsafe(32))
        write_private(key_path, pair.private_pem())
        write_private(meta_path, json.dumps({"kid": pair.kid, "secret_key": instance.secret_key}))
        return instance


def write_private(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` with mode 0600, replacing it atomically."""
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def publishable_key(frontend_host: str) -> str:
    """``pk_test_`` + unpadded base64 of ``"<host:port>$"``, Clerk's format."""
    encoded = base64.b64encode(f"{frontend_host}$".encode()).decode("ascii").rstrip("=")
    return f"pk_test_{encoded}"


def frontend_host(host: str, port: int) -> str:
    """The Frontend API host the publishable key names.

    Clerk's key parser (and ``authguard.settings.parse_publishable_key``) requires a dot in the
    host, so ``localhost`` cannot be encoded; the server binds 127.0.0.1 for ``localhost`` and
    the key names that address, which is the same listening socket.
    """
    name = "127.0.0.1" if host == "localhost" else host
    return f"{name}:{port}"
