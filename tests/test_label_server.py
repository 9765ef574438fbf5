"""The labeling web app's rules: loopback only, the token, no path out, validated uploads, JSON errors."""

from __future__ import annotations

import io
import json
import threading
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image

from layoutcheck.dataset import read_manifest
from layoutcheck.label import create_app, make_label_server, open_store
from layoutcheck.label.server import MAX_UPLOAD, TOKEN_HEADER

from .label_helpers import labeling_folder, painted

TOKEN = "t0ken-for-tests"
AUTH = {TOKEN_HEADER: TOKEN}


@pytest.fixture
def served(tmp_path: Path) -> tuple[Any, Path, str]:
    root, pair_id = labeling_folder(tmp_path)
    app = create_app(open_store(root), token=TOKEN)
    return app.test_client(), root, pair_id


def png(array: np.ndarray) -> bytes:
    out = io.BytesIO()
    Image.fromarray(array).save(out, format="PNG")
    return out.getvalue()


def test_queue_images_and_save(served: tuple[Any, Path, str]) -> None:
    client, root, pair_id = served
    data = client.get("/api/pairs", headers=AUTH).get_json()
    assert data["total"] == 1 and data["labeled"] == 0 and data["classes"][2] == "overlap"
    assert data["pairs"][0]["regions"], "the judge's regions are shown as hints"
    assert client.get("/").status_code == 200
    assert client.get("/static/label.js").status_code == 200
    r = client.get(f"/api/pairs/{pair_id}/candidate.png?token={TOKEN}")
    assert r.status_code == 200 and r.data.startswith(b"\x89PNG")
    assert client.get(f"/api/pairs/{pair_id}/diff.png", headers=AUTH).status_code == 200
    r = client.post(f"/api/pairs/{pair_id}/mask?revision=0", data=png(painted()), headers=AUTH)
    assert r.status_code == 200, r.get_json()
    assert r.get_json()["labeled"] == 1 and r.get_json()["pair"]["revision"] == 1
    (sample,) = read_manifest(root)
    assert sample.classes == (2,) and sample.source == "label"
    r = client.get(f"/api/pairs/{pair_id}/mask.png", headers=AUTH)
    assert np.array_equal(np.asarray(Image.open(io.BytesIO(r.data))), painted())


def test_rgba_upload_reads_the_red_channel(served: tuple[Any, Path, str]) -> None:
    client, root, pair_id = served
    grey = painted(value=7)
    rgba = np.dstack([grey, grey, grey, np.full_like(grey, 255)])
    r = client.post(f"/api/pairs/{pair_id}/mask?revision=0", data=png(rgba), headers=AUTH)
    assert r.status_code == 200
    assert read_manifest(root)[0].classes == (7,)


def test_benign_and_conflict(served: tuple[Any, Path, str]) -> None:
    client, root, pair_id = served
    assert client.post(f"/api/pairs/{pair_id}/benign", json={"revision": 0}, headers=AUTH).status_code == 200
    assert read_manifest(root)[0].kind == "benign"
    r = client.post(f"/api/pairs/{pair_id}/mask?revision=0", data=png(painted()), headers=AUTH)  # a stale tab
    assert r.status_code == 409
    assert "another tab" in r.get_json()["error"] and r.get_json()["revision"] == 1
    r = client.post(f"/api/pairs/{pair_id}/mask?revision=0&force=1", data=png(painted()), headers=AUTH)
    assert r.status_code == 200 and r.get_json()["pair"]["revision"] == 2


def test_changed_not_broken_saves_a_change_mask_where_the_pair_differs(served: tuple[Any, Path, str]) -> None:
    """A layout-level false alarm is a change that broke nothing: class 1 where the screenshots
    differ, so that a fine-tune passes it at layout and still fails it at strict (a "No defect"
    label would teach strict to pass it too)."""
    from layoutcheck.dataset import load_sample
    from layoutcheck.imageio import load_image
    from layoutcheck.dataset import CHANGE_REACH, differing

    client, root, pair_id = served
    r = client.post(f"/api/pairs/{pair_id}/change?revision=0", headers=AUTH)
    assert r.status_code == 200, r.get_json()
    assert r.get_json()["pair"]["kind"] == "change" and r.get_json()["labeled"] == 1
    (sample,) = read_manifest(root)
    assert sample.kind == "change" and sample.classes == (1,) and sample.source == "label" and sample.boxes
    _, cand, mask = load_sample(root, sample)
    ref = load_image(root / sample.reference)
    differs = differing(ref, cand)
    assert differs.any() and (mask[differs] == 1).all() and set(np.unique(mask).tolist()) == {0, 1}
    assert mask.sum() <= (differs.sum() + 1) * (2 * CHANGE_REACH + 1) ** 2  # near what differs, not the page
    assert client.post("/api/pairs/nope/change", headers=AUTH).status_code == 404
    assert client.post(f"/api/pairs/{pair_id}/change?revision=0", headers=AUTH).status_code == 409  # a stale tab


def test_every_api_request_needs_the_token(served: tuple[Any, Path, str]) -> None:
    client, root, pair_id = served
    assert client.get("/api/pairs").status_code == 403
    assert client.get("/api/pairs", headers={TOKEN_HEADER: "wrong"}).status_code == 403
    assert client.get(f"/api/pairs/{pair_id}/candidate.png").status_code == 403
    for path in (f"/api/pairs/{pair_id}/mask?revision=0", f"/api/pairs/{pair_id}/benign", f"/api/pairs/{pair_id}/skip"):
        # What another web page can send: no custom header; the token in the URL does not count for a POST.
        r = client.post(path + ("&" if "?" in path else "?") + f"token={TOKEN}", data=png(painted()),
                        headers={"Origin": "http://evil.example"})
        assert r.status_code == 403, path
        assert "error" in r.get_json()
    assert not (root / "manifest.jsonl").exists()


def test_foreign_host_is_refused(served: tuple[Any, Path, str]) -> None:
    client, _, _ = served
    # DNS rebinding: a hostile name that resolves to 127.0.0.1 reaches the port with its own Host.
    assert client.get("/api/pairs", headers={**AUTH, "Host": "evil.example:8765"}).status_code == 403
    assert client.get("/", headers={"Host": "evil.example"}).status_code == 403
    assert client.get("/api/pairs", headers={**AUTH, "Host": "localhost:8765"}).status_code == 200
    assert client.get("/api/pairs", headers={**AUTH, "Host": "[::1]:8765"}).status_code == 200


@pytest.mark.parametrize(
    "path",
    [
        "/api/pairs/..%2F..%2Fetc%2Fpasswd/candidate.png",
        "/api/pairs/%2e%2e/candidate.png",
        "/api/pairs/%252e%252e%252fsecret/candidate.png",
        "/api/pairs/../../secret.png",
        "/static/../store.py",
        "/static/%2e%2e/store.py",
        "/static/..%2fstore.py",
        "/static//etc/passwd",
        "/api/pairs/%2Fetc%2Fpasswd/reference.png",
    ],
)
def test_no_path_outside_the_folder(served: tuple[Any, Path, str], path: str) -> None:
    client, _, _ = served
    r = client.get(path, headers=AUTH, follow_redirects=True)  # werkzeug merges "//" by a redirect
    assert r.status_code in (403, 404)
    assert b"root:" not in r.data and b"def " not in r.data
    if path.startswith("/api/"):
        assert "error" in r.get_json()


def test_symlink_out_of_the_folder_is_refused(served: tuple[Any, Path, str], tmp_path: Path) -> None:
    client, root, pair_id = served
    secret = tmp_path / "secret.png"
    secret.write_bytes(png(np.zeros((4, 4, 3), np.uint8)))
    cand = root / "samples" / pair_id / "cand.png"
    cand.unlink()
    cand.symlink_to(secret)
    r = client.get(f"/api/pairs/{pair_id}/candidate.png", headers=AUTH)
    assert r.status_code == 403 and "outside" in r.get_json()["error"]


def test_unknown_pair_is_a_json_404(served: tuple[Any, Path, str]) -> None:
    client, _, pair_id = served
    for r in (
        client.get("/api/pairs/nope", headers=AUTH),
        client.get("/api/pairs/nope/candidate.png", headers=AUTH),
        client.post("/api/pairs/nope/mask?revision=0", data=png(painted()), headers=AUTH),
        client.post("/api/pairs/nope/benign", headers=AUTH),
        client.get(f"/api/pairs/{pair_id}/prediction.png", headers=AUTH),  # no --model
        client.get(f"/api/pairs/{pair_id}/secrets.png", headers=AUTH),
        client.get("/api/nothing", headers=AUTH),
    ):
        assert r.status_code == 404 and r.is_json and "error" in r.get_json()
        assert b"Traceback" not in r.data


@pytest.mark.parametrize(
    "body, expect",
    [
        (b"GIF89a not a png", "PNG signature"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, "not a readable PNG"),
        (png(np.zeros((10, 10), np.uint8)), "320x240"),
        (png(np.full((240, 320), 14, np.uint8)), "not a class"),
        (png(np.zeros((240, 320), bool)), "mode"),  # a 1-bit PNG
    ],
)
def test_bad_uploads_are_refused(served: tuple[Any, Path, str], body: bytes, expect: str) -> None:
    client, root, pair_id = served
    r = client.post(f"/api/pairs/{pair_id}/mask?revision=0", data=body, headers=AUTH)
    assert r.status_code == 400 and expect in r.get_json()["error"]
    assert not (root / "manifest.jsonl").exists()


def test_oversized_upload_is_refused(served: tuple[Any, Path, str]) -> None:
    client, _, pair_id = served
    r = client.post(f"/api/pairs/{pair_id}/mask?revision=0", data=b"\0" * (MAX_UPLOAD + 1), headers=AUTH)
    assert r.status_code == 413 and "too large" in r.get_json()["error"]


def test_a_huge_declared_png_is_refused_before_decoding(served: tuple[Any, Path, str]) -> None:
    client, _, pair_id = served
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    bomb = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 60000, 60000, 8, 0, 0, 0, 0)) + chunk(b"IEND", b"")
    r = client.post(f"/api/pairs/{pair_id}/mask?revision=0", data=bomb, headers=AUTH)
    assert r.status_code == 400 and "320x240" in r.get_json()["error"]


def test_internal_errors_are_json_without_traceback(served: tuple[Any, Path, str], monkeypatch: pytest.MonkeyPatch) -> None:
    client, _, pair_id = served

    def boom(*args: object, **kwargs: object) -> None:
        raise RuntimeError("secret detail")

    monkeypatch.setattr("layoutcheck.label.store.LabelStore.save", boom)
    r = client.post(f"/api/pairs/{pair_id}/benign", headers=AUTH)
    assert r.status_code == 500 and "internal error" in r.get_json()["error"]
    assert b"secret detail" not in r.data and b"Traceback" not in r.data


def test_server_binds_loopback_only(tmp_path: Path) -> None:
    root, _ = labeling_folder(tmp_path)
    server = make_label_server(create_app(open_store(root), token=TOKEN), port=0)
    try:
        assert server.server_address[0] == "127.0.0.1"
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        url = f"http://127.0.0.1:{server.server_port}/api/pairs"
        with pytest.raises(urllib.error.HTTPError) as info:
            urllib.request.urlopen(url, timeout=5)
        assert info.value.code == 403
        request = urllib.request.Request(url, headers=AUTH)
        with urllib.request.urlopen(request, timeout=5) as response:
            assert json.load(response)["total"] == 1
    finally:
        server.shutdown()
        server.server_close()
