"""The backup file: a gzipped tar holding manifest.json, then the payload (db.sqlite3 or dump.pgc).

The manifest says what the payload is: that it is a Bravely backup (`format`), which Bravely and
Django made it, the database engine, the migrations applied in the snapshot, when it was taken,
and the payload's SHA-256 and size. `read_manifest` and `extract_payload` refuse anything else
with a `BackupError` that says why; nothing is extracted outside the folder given, and only the
two expected regular files are read. Plain Python: no Django import.
"""

import gzip
import hashlib
import io
import json
import os
import re
import tarfile
import tempfile
import zlib
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path

FORMAT = "bravely-backup"
FORMAT_VERSION = 1
MANIFEST_NAME = "manifest.json"
PAYLOAD_NAMES = {"sqlite": "db.sqlite3", "postgresql": "dump.pgc"}
MAX_MANIFEST_BYTES = 1_000_000
CHUNK = 1 << 20
# What reading a truncated or corrupted tar.gz raises (a disk error is not among them).
DAMAGED = (tarfile.TarError, EOFError, zlib.error, gzip.BadGzipFile)


class BackupError(Exception):
    """The file is not a backup this install can use, or making one failed; the message says why."""


@dataclass(frozen=True)
class Manifest:
    bravely_version: str
    django_version: str
    engine: str  # "sqlite" | "postgresql"
    created_at: str  # ISO 8601, UTC
    migrations: tuple[tuple[str, str], ...]  # (app, name), sorted
    payload_name: str
    payload_sha256: str
    payload_size: int

    def to_json(self) -> bytes:
        data = {"format": FORMAT, "format_version": FORMAT_VERSION, **asdict(self)}
        data["migrations"] = [list(pair) for pair in self.migrations]
        data["payload"] = {"name": data.pop("payload_name"), "sha256": data.pop("payload_sha256"),
                           "size": data.pop("payload_size")}
        return json.dumps(data, indent=2).encode() + b"\n"

    @classmethod
    def from_json(cls, raw: bytes) -> "Manifest":
        try:
            data = json.loads(raw)
        except (UnicodeDecodeError, ValueError) as error:
            raise BackupError(f"its manifest is not valid JSON ({error})") from None
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise BackupError(f"its manifest does not say format {FORMAT!r}")
        version = data.get("format_version")
        if not isinstance(version, int) or isinstance(version, bool):
            raise BackupError("its manifest has no format_version")
        if version > FORMAT_VERSION:
            raise BackupError(f"it uses backup format {version}, made by a newer Bravely; this "
                              f"install reads format {FORMAT_VERSION}. Upgrade Bravely first")
        payload = data.get("payload")
        migrations = data.get("migrations")
        problems = []
        for key in ("bravely_version", "django_version", "engine", "created_at"):
            if not isinstance(data.get(key), str) or not data[key]:
                problems.append(key)
        if data.get("engine") not in PAYLOAD_NAMES:
            problems.append("engine")
        if not (isinstance(migrations, list) and all(
                isinstance(pair, list) and len(pair) == 2
                and all(isinstance(part, str) and part for part in pair) for pair in migrations)):
            problems.append("migrations")
        if not (isinstance(payload, dict)
                and payload.get("name") == PAYLOAD_NAMES.get(data.get("engine"))
                and isinstance(payload.get("sha256"), str)
                and re.fullmatch(r"[0-9a-f]{64}", payload["sha256"])
                and isinstance(payload.get("size"), int) and payload["size"] >= 0):
            problems.append("payload")
        if not problems:
            try:
                datetime.fromisoformat(data["created_at"])
            except ValueError:
                problems.append("created_at")
        if problems:
            raise BackupError(f"its manifest is invalid ({', '.join(sorted(set(problems)))})")
        return cls(bravely_version=data["bravely_version"], django_version=data["django_version"],
                   engine=data["engine"], created_at=data["created_at"],
                   migrations=tuple(sorted((app, name) for app, name in migrations)),
                   payload_name=payload["name"], payload_sha256=payload["sha256"],
                   payload_size=payload["size"])


def file_sha256(path: Path) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    with open(path, "rb") as stream:
        while chunk := stream.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def write_archive(destination: Path, manifest: Manifest, payload: Path) -> None:
    """Write the archive next to `destination`, then rename it into place (never half a file).
    Readable by its owner only: it holds every client record."""
    destination.parent.mkdir(parents=True, exist_ok=True)
    fd, partial = tempfile.mkstemp(prefix=".partial-", suffix=".tar.gz", dir=destination.parent)
    try:
        with os.fdopen(fd, "wb") as raw, tarfile.open(fileobj=raw, mode="w:gz") as tar:
            body = manifest.to_json()
            info = tarfile.TarInfo(MANIFEST_NAME)
            info.size, info.mode, info.mtime = len(body), 0o600, int(datetime.now().timestamp())
            tar.addfile(info, io.BytesIO(body))
            info = tar.gettarinfo(str(payload), arcname=manifest.payload_name)
            info.mode, info.uid, info.gid, info.uname, info.gname = 0o600, 0, 0, "", ""
            with open(payload, "rb") as stream:
                tar.addfile(info, stream)
            raw.flush()
            os.fsync(raw.fileno())
        os.chmod(partial, 0o600)
        os.replace(partial, destination)
    except BaseException:
        Path(partial).unlink(missing_ok=True)
        raise


class BackupArchive:
    """An opened backup file: `manifest` is read and checked on opening; `extract_payload`
    copies the payload out and checks its checksum. Use as a context manager."""

    def __init__(self, path: Path):
        self.path = Path(path)
        if not self.path.is_file():
            raise BackupError("there is no such file")
        try:
            self._tar = tarfile.open(self.path, mode="r:*")
        except DAMAGED:
            raise BackupError("it is not a tar archive") from None
        try:
            self.manifest = self._read_manifest()
        except BaseException:
            self._tar.close()
            raise

    def __enter__(self) -> "BackupArchive":
        return self

    def __exit__(self, *exc) -> None:
        self._tar.close()

    def _members(self) -> dict[str, tarfile.TarInfo]:
        try:
            members = self._tar.getmembers()
        except DAMAGED as error:
            raise BackupError(f"the archive is damaged ({error})") from None
        return {member.name: member for member in members}

    def _read_manifest(self) -> Manifest:
        members = self._members()
        member = members.get(MANIFEST_NAME)
        if member is None:
            raise BackupError(f"it has no {MANIFEST_NAME}: not a Bravely backup")
        if not member.isfile() or member.size > MAX_MANIFEST_BYTES:
            raise BackupError(f"its {MANIFEST_NAME} is not a small regular file")
        manifest = Manifest.from_json(self._read(member))
        unexpected = sorted(set(members) - {MANIFEST_NAME, manifest.payload_name})
        if unexpected:
            raise BackupError(f"it holds unexpected files: {', '.join(unexpected)}")
        payload = members.get(manifest.payload_name)
        if payload is None or not payload.isfile():
            raise BackupError(f"it has no {manifest.payload_name}")
        if payload.size != manifest.payload_size:
            raise BackupError(f"{manifest.payload_name} is {payload.size} bytes but the manifest "
                              f"says {manifest.payload_size}: the payload was changed")
        self._payload = payload
        return manifest

    def _read(self, member: tarfile.TarInfo) -> bytes:
        try:
            return self._tar.extractfile(member).read()
        except DAMAGED as error:
            raise BackupError(f"the archive is damaged ({error})") from None

    def extract_payload(self, folder: Path) -> Path:
        """Copy the payload into `folder` (owner-only) and check its SHA-256 against the
        manifest. Returns the file's path; raises BackupError (and removes it) on a mismatch."""
        target = Path(folder) / self.manifest.payload_name
        digest, size = hashlib.sha256(), 0
        try:
            source = self._tar.extractfile(self._payload)
            with open(os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb") as out:
                while chunk := source.read(CHUNK):
                    digest.update(chunk)
                    size += len(chunk)
                    out.write(chunk)
        except DAMAGED as error:
            target.unlink(missing_ok=True)
            raise BackupError(f"the archive is damaged ({error})") from None
        except BaseException:
            target.unlink(missing_ok=True)
            raise
        if digest.hexdigest() != self.manifest.payload_sha256 or size != self.manifest.payload_size:
            target.unlink(missing_ok=True)
            raise BackupError(f"the checksum of {self.manifest.payload_name} does not match the "
                              f"manifest: the payload is damaged or was changed")
        return target
