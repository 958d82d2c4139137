"""The text model file (文本模型文件): a NumPy ``.npz`` archive with a JSON header, no pickle.

A model file holds plain arrays (``numpy.save`` format, read with ``allow_pickle=False``) and a
JSON document (stored as UTF-8 bytes in the ``meta`` array) with the format name, its version,
the label set and how texts are cut into features. Loading one never runs code from the file,
unlike a pickle or joblib file. Still, a model decides which texts are flagged: use model files
only from a trusted source (your own training, or the ones shipped with Fanzha).

Writing is deterministic: the same model gives the same bytes (fixed member order and
timestamps), so the shipped default models can be rebuilt and compared.
"""
from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import numpy as np

FORMAT = "fanzha-text-model"
VERSION = 1
_FIXED_TIME = (1980, 1, 1, 0, 0, 0)


class TextModelError(ValueError):
    """A model file that cannot be used; the message says why and what to do."""


def write_model_file(path: str | Path, meta: dict, arrays: dict[str, np.ndarray]) -> None:
    """Write ``meta`` (JSON-able) and ``arrays`` (no object dtypes) to ``path``."""
    header = dict(meta, format=FORMAT, version=VERSION)
    members = {"meta": np.frombuffer(json.dumps(header, ensure_ascii=False, sort_keys=True).encode("utf-8"),
                                     dtype=np.uint8)}
    for name, array in arrays.items():
        if array.dtype.hasobject:
            raise TypeError(f"array {name!r} holds Python objects; model files hold plain arrays only")
        members[name] = np.ascontiguousarray(array)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        for name in sorted(members):
            buffer = io.BytesIO()
            np.lib.format.write_array(buffer, members[name], allow_pickle=False)
            info = zipfile.ZipInfo(name + ".npy", date_time=_FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zf.writestr(info, buffer.getvalue(), compresslevel=9)
    tmp.replace(path)


def read_model_file(path: str | Path) -> tuple[dict, dict[str, np.ndarray]]:
    """Read a model file; raise TextModelError for anything that is not one Fanzha can use."""
    path = Path(path)
    if not path.is_file():
        raise TextModelError(f"{path}: no such model file")
    if not zipfile.is_zipfile(path):
        raise TextModelError(f"{path}: not a Fanzha text model (train one with `fanzha text train`)")
    try:
        with np.load(path, allow_pickle=False) as archive:
            arrays = {name: archive[name] for name in archive.files}
    except Exception as exc:  # noqa: BLE001 - a damaged or foreign archive fails in many ways
        raise TextModelError(f"{path}: not a Fanzha text model ({exc.__class__.__name__}: {exc})") from None
    if not all(isinstance(a, np.ndarray) for a in arrays.values()):  # members that are no .npy arrays
        raise TextModelError(f"{path}: not a Fanzha text model (damaged archive members)")
    raw = arrays.pop("meta", None)
    try:
        meta = json.loads(raw.tobytes().decode("utf-8")) if raw is not None and raw.dtype == np.uint8 else None
    except (UnicodeDecodeError, json.JSONDecodeError):
        meta = None
    if not isinstance(meta, dict) or meta.get("format") != FORMAT:
        raise TextModelError(f"{path}: not a Fanzha text model (no {FORMAT} header)")
    if meta.get("version") != VERSION:
        raise TextModelError(f"{path}: text model format version {meta.get('version')} is not supported "
                             f"by this Fanzha (it reads version {VERSION}); retrain the model")
    return meta, arrays
