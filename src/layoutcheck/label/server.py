"""The labeling web app: a Flask app over a :class:`~layoutcheck.label.store.LabelStore`.

Security, as issue 12 asks:

- the server binds to 127.0.0.1 only (:func:`make_label_server`), and every request must name a
  loopback host (``127.0.0.1``, ``localhost``, ``[::1]``), which defeats DNS rebinding;
- every ``/api`` request carries the per-start token; a mutating one only in the
  ``X-Layoutcheck-Token`` header, which another web page cannot set on a cross-origin request
  without a CORS preflight this server never answers;
- files are served only by pair id and role, through :func:`~layoutcheck.label.store.inside`;
- uploads must be PNGs of exactly the candidate's size, under :data:`MAX_UPLOAD` bytes;
- every error is a JSON ``{"error": ...}`` with its status, never a traceback.
"""

from __future__ import annotations

import hmac
import io
import logging
import secrets
from collections import OrderedDict
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
from flask import Flask, Response, jsonify, request, send_file
from werkzeug.exceptions import HTTPException
from werkzeug.serving import BaseWSGIServer, make_server

from layoutcheck.dataset import CLASS_NAMES, NUM_CLASSES, change_mask, differing
from layoutcheck.errors import InputError, LayoutcheckError
from layoutcheck.imageio import encode_png, load_image
from layoutcheck.label.predict import Predictor
from layoutcheck.label.store import LabelConflict, LabelStore, UnknownPair, UnsafePath

TOKEN_HEADER = "X-Layoutcheck-Token"
MAX_UPLOAD = 64 * 1024 * 1024  # bytes: a 1280 x 16000 mask is ~1-3 MB as PNG
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "[::1]", "::1"})
_ROLES = ("reference", "candidate", "mask", "diff", "prediction")
_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_log = logging.getLogger(__name__)


class UploadError(InputError):
    """An uploaded mask is not a PNG of the candidate's size with class values."""


def static_dir() -> Path:
    """The page's HTML, JS and CSS (package data)."""
    return Path(str(resources.files("layoutcheck.label").joinpath("static")))


def new_token() -> str:
    return secrets.token_urlsafe(24)


def create_app(store: LabelStore, *, token: str, predictor: Predictor | None = None,
               uncertainty: dict[str, float] | None = None) -> Flask:
    """The Flask app of one labeling session.

    Args:
        store: the pairs and their saves.
        token: the per-start secret every ``/api`` request must carry.
        predictor: pre-fills unlabeled pairs with the model's mask when given.
        uncertainty: per pair id, shown in the queue (``--order uncertainty``).
    """
    app = Flask("layoutcheck.label", static_folder=str(static_dir()), static_url_path="/static")
    app.config["MAX_CONTENT_LENGTH"] = MAX_UPLOAD
    app.json.sort_keys = False  # type: ignore[attr-defined]
    cache: OrderedDict[tuple[str, str, int], bytes] = OrderedDict()
    scores = dict(uncertainty or {})

    def cached(key: tuple[str, str, int], make: Any) -> bytes:
        if key not in cache:
            cache[key] = make()
            while len(cache) > 16:
                cache.popitem(last=False)
        cache.move_to_end(key)
        return cache[key]

    @app.before_request
    def guard() -> Response | None:
        if _hostname(request.host or "") not in LOOPBACK_HOSTS:
            return _error(403, f"host {request.host!r} refused: the labeling server answers only on 127.0.0.1")
        if not request.path.startswith("/api/"):
            return None
        given = request.headers.get(TOKEN_HEADER, "")
        if not given and request.method in ("GET", "HEAD"):
            given = request.args.get("token", "")
        if not given or not hmac.compare_digest(given.encode(), token.encode()):
            return _error(403, f"missing or wrong {TOKEN_HEADER}: open the URL `layoutcheck label` printed")
        return None

    @app.after_request
    def headers(response: Response) -> Response:
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["Cache-Control"] = "no-store"
        return response

    @app.get("/")
    def index() -> Response:
        return send_file(static_dir() / "index.html", mimetype="text/html", max_age=0)

    @app.get("/api/pairs")
    def pairs() -> Response:
        labeled, total = store.progress()
        items = []
        for e in store.entries():
            item = e.summary()
            item["uncertainty"] = scores.get(e.id)
            items.append(item)
        return jsonify({
            "pairs": items, "labeled": labeled, "total": total, "classes": list(CLASS_NAMES),
            "prediction": predictor is not None, "folder": str(store.root),
        })

    @app.get("/api/pairs/<pair_id>")
    def pair(pair_id: str) -> Response:
        item = store.get(pair_id).summary()
        item["uncertainty"] = scores.get(pair_id)
        return jsonify(item)

    @app.get("/api/pairs/<pair_id>/<role>.png")
    def image(pair_id: str, role: str) -> Response:
        if role not in _ROLES:
            raise UnknownPair(f"no image {role!r}; one of {', '.join(_ROLES)}")
        entry = store.get(pair_id)
        if role in ("reference", "candidate", "mask"):
            return send_file(store.image_path(pair_id, role), mimetype="image/png", max_age=0)
        if role == "diff":
            data = cached((pair_id, role, entry.revision), lambda: _diff_png(store, pair_id))
        else:
            if predictor is None:
                raise UnknownPair("no model: start `layoutcheck label` with --model to pre-fill masks")

            def make() -> bytes:
                ref = load_image(store.image_path(pair_id, "reference"))
                cand = load_image(store.image_path(pair_id, "candidate"))
                result = predictor.predict(ref, cand)
                scores[pair_id] = result.uncertainty
                return encode_png(result.mask)

            data = cached((pair_id, role, 0), make)
        return Response(data, mimetype="image/png")

    @app.post("/api/pairs/<pair_id>/mask")
    def save_mask(pair_id: str) -> Response:
        entry = store.get(pair_id)
        mask = _read_mask(request.get_data(cache=False), entry.width, entry.height)
        entry = store.save(pair_id, mask, base_revision=_int_arg("revision"), force=_flag("force"))
        return _saved(entry)

    @app.post("/api/pairs/<pair_id>/benign")
    def save_benign(pair_id: str) -> Response:
        entry = store.get(pair_id)
        mask = np.zeros((entry.height, entry.width), dtype=np.uint8)
        entry = store.save(pair_id, mask, base_revision=_int_arg("revision"), force=_flag("force"))
        return _saved(entry)

    @app.post("/api/pairs/<pair_id>/change")
    def save_change(pair_id: str) -> Response:
        store.get(pair_id)  # an unknown pair: 404 before any image is read
        mask = change_mask(load_image(store.image_path(pair_id, "reference")),
                           load_image(store.image_path(pair_id, "candidate")))
        entry = store.save(pair_id, mask, base_revision=_int_arg("revision"), force=_flag("force"))
        return _saved(entry)

    @app.post("/api/pairs/<pair_id>/skip")
    def skip(pair_id: str) -> Response:
        entry = store.skip(pair_id)
        labeled, total = store.progress()
        return jsonify({"pair": entry.summary(), "labeled": labeled, "total": total})

    def _saved(entry: Any) -> Response:
        labeled, total = store.progress()
        return jsonify({"pair": entry.summary(), "labeled": labeled, "total": total})

    @app.errorhandler(LabelConflict)
    def conflict(exc: LabelConflict) -> tuple[Response, int]:
        body = {"error": str(exc), "revision": exc.current}
        return jsonify(body), 409

    @app.errorhandler(UnknownPair)
    def unknown(exc: UnknownPair) -> Response:
        return _error(404, str(exc))

    @app.errorhandler(UnsafePath)
    def unsafe(exc: UnsafePath) -> Response:
        return _error(403, f"refused: {exc}")

    @app.errorhandler(LayoutcheckError)
    def bad_input(exc: LayoutcheckError) -> Response:
        return _error(400, str(exc))

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException) -> Response:
        text = exc.description or exc.name
        if exc.code == 413:
            text = f"upload too large: the limit is {MAX_UPLOAD // (1024 * 1024)} MB"
        return _error(exc.code or 500, text)

    @app.errorhandler(Exception)
    def internal(exc: Exception) -> Response:
        _log.exception("labeling server: unexpected error on %s", request.path)
        return _error(500, f"internal error ({type(exc).__name__}); the server's console has the details")

    return app


def _hostname(host: str) -> str:
    """``host:port`` without the port (``[::1]:8000`` -> ``[::1]``)."""
    if host.startswith("["):
        return host.split("]", 1)[0] + "]"
    return host.rsplit(":", 1)[0]


def _error(status: int, message: str) -> Response:
    response = jsonify({"error": message})
    response.status_code = status
    return response


def _int_arg(name: str) -> int:
    raw = request.args.get(name)
    if raw is None and request.is_json:
        raw = (request.get_json(silent=True) or {}).get(name)
    try:
        return int(raw) if raw is not None else 0
    except (TypeError, ValueError):
        raise InputError(f"{name} must be an integer, got {raw!r}") from None


def _flag(name: str) -> bool:
    raw = request.args.get(name)
    if raw is None and request.is_json:
        raw = (request.get_json(silent=True) or {}).get(name)
    return str(raw).lower() in ("1", "true", "yes")


def _read_mask(data: bytes, width: int, height: int) -> np.ndarray:
    """The class values of an uploaded PNG: an 8-bit grey or palette PNG, or RGB(A) whose red
    channel holds the class (what a browser canvas writes).

    Raises:
        UploadError: not a PNG, not the candidate's size, or values that are not classes.
    """
    from PIL import Image

    if not data.startswith(_PNG_SIGNATURE):
        raise UploadError("the mask must be a PNG image (the upload does not start with the PNG signature)")
    # The size from the IHDR chunk, before Pillow opens it: a declared 60000 x 60000 is refused
    # here as a wrong size, not decoded (nor reported as a decompression bomb).
    if len(data) >= 24 and data[12:16] == b"IHDR":
        declared = (int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big"))
        if declared != (width, height):
            raise UploadError(f"the mask must be {width}x{height} (the candidate's size), got {declared[0]}x{declared[1]}")
    try:
        with Image.open(io.BytesIO(data), formats=["PNG"]) as im:
            if im.size != (width, height):  # checked before decoding: no decompression bomb
                raise UploadError(f"the mask must be {width}x{height} (the candidate's size), got {im.size[0]}x{im.size[1]}")
            if im.mode in ("L", "P"):
                mask = np.asarray(im, dtype=np.uint8)
            elif im.mode in ("RGB", "RGBA"):
                mask = np.ascontiguousarray(np.asarray(im, dtype=np.uint8)[:, :, 0])
            else:
                raise UploadError(f"the mask must be an 8-bit grey, palette or RGB(A) PNG, got mode {im.mode}")
    except UploadError:
        raise
    except (OSError, ValueError, SyntaxError) as exc:  # Pillow's errors for broken files
        raise UploadError(f"the mask is not a readable PNG ({exc})") from None
    if int(mask.max(initial=0)) >= NUM_CLASSES:
        raise UploadError(f"mask value {int(mask.max())} is not a class (0..{NUM_CLASSES - 1})")
    return mask


def _diff_png(store: LabelStore, pair_id: str) -> bytes:
    """The candidate dimmed, with the pixels that differ from the reference in magenta."""
    ref = load_image(store.image_path(pair_id, "reference"))
    cand = load_image(store.image_path(pair_id, "candidate"))
    out = (cand.astype(np.uint16) // 3 + 170).astype(np.uint8)  # (H, W, 3): faded
    out[differing(ref, cand)] = (230, 0, 160)
    return encode_png(out)


def make_label_server(app: Flask, *, port: int = 0) -> BaseWSGIServer:
    """A threaded WSGI server on 127.0.0.1 (never another interface); ``port=0`` picks a free one.

    Raises:
        InputError: the port is taken or not allowed.
    """
    try:
        return make_server("127.0.0.1", port, app, threaded=True)
    except OSError as exc:
        raise InputError(f"cannot listen on 127.0.0.1:{port} ({exc.strerror or exc}); try another --port") from None
