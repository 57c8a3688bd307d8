"""filestore: throughput of a large file through the local server against S3 (moto) directly.

Through the server is what a client does for a large file: an upload request, the presigned
POST straight to S3 (fields first, the file last), then the upload address without a file (a
server-side copy into place); a download request, then GET /api/files/download/{token},
whose 302 leads to a presigned S3 GET. Directly is one
boto3 put_object / get_object of the same bytes. Figures are MB/s (10^6 bytes), the
median of `runs`, each timing the whole client flow (the API calls included).

Called by `python -m tools.bench` with its local stack running.
"""

from __future__ import annotations

import os
import statistics
import time
import uuid
from collections.abc import Callable
from functools import partial
from typing import Any

import boto3
import requests
from botocore.config import Config

from tools.bench.traffic import expect_status

MB = 1_000_000
CHUNK = 1024 * 1024
PASSWORD = "bench-pass1"  # noqa: S105 - a throwaway local account


def _seconds(action: Callable[[], None]) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def _sign_up(filestore_url: str) -> str:
    fields = {
        "username": f"bench{uuid.uuid4().hex[:12]}",
        "lastname": "Bench",
        "firstname": "Mark",
        "password": PASSWORD,
    }
    answer = expect_status(requests.post(f"{filestore_url}/api/user/sign", json=fields, timeout=30), 200)
    return str(answer.json()["token"])


def _upload_through_server(filestore_url: str, token: str, name: str, content: bytes) -> None:
    target = {"user_token": token, "disk": "main", "folder": "bench", "file_name": name}
    request = requests.post(f"{filestore_url}/api/files/upload/request", json=target, timeout=30)
    granted = expect_status(request, 200).json()
    upload = granted["upload"]
    # requests sends the data fields (Content-Type among them) first and the file last, as S3 requires
    posted = requests.post(upload["url"], data=upload["fields"], files={"file": (name, content)}, timeout=600)
    expect_status(posted, 204)  # S3's default success_action_status
    # then the upload address without a file moves it into place
    done = requests.post(
        f"{filestore_url}/api/files/upload/{granted['upload_token']}", params={"user_token": token}, timeout=600
    )
    expect_status(done, 200)


def _download_through_server(filestore_url: str, token: str, name: str, expected: bytes) -> None:
    params = {"user_token": token, "disk": "main", "folder": "bench", "file_name": name, "timeout": "600"}
    request = requests.get(f"{filestore_url}/api/files/download/request", params=params, timeout=30)
    grant = expect_status(request, 200).json()
    url = f"{filestore_url}/api/files/download/{grant['download_token']}"
    # Follows the 302 to S3; read in 1 MiB chunks (requests' .content reads 10 KiB at a time, twice as slow here)
    with requests.get(url, params={"user_token": token}, timeout=600, stream=True) as answer:
        content = b"".join(expect_status(answer, 200).iter_content(CHUNK))
        redirected = bool(answer.history) and answer.history[0].status_code == 302
    if not redirected or content != expected:
        raise RuntimeError(f"download through the server did not redirect or differs ({answer.status_code})")


def _s3_client(s3_endpoint: str) -> Any:
    return boto3.client(
        "s3",
        endpoint_url=s3_endpoint,
        aws_access_key_id="local",
        aws_secret_access_key="local",  # noqa: S106 - moto accepts any credentials
        region_name="us-east-1",
        config=Config(s3={"addressing_style": "path"}, read_timeout=600),
    )


def _direct_get(s3: Any, bucket: str, key: str, expected: bytes) -> None:
    if s3.get_object(Bucket=bucket, Key=key)["Body"].read() != expected:
        raise RuntimeError("direct S3 GET differs")


def _rate(size: int, seconds: list[float]) -> float:
    return size / MB / statistics.median(seconds)


def bench(filestore_url: str, s3_endpoint: str, bucket: str, size_mb: int = 50, runs: int = 3) -> None:
    """Print upload and download MB/s of a `size_mb` MB file: through the local server, directly, and the ratio."""
    print(f"\n== filestore: a {size_mb} MB file through the local server vs S3 (moto) directly, median of {runs}")
    content = os.urandom(size_mb * MB)
    token = _sign_up(filestore_url)
    s3 = _s3_client(s3_endpoint)
    timings: dict[str, list[float]] = {"server up": [], "server down": [], "direct up": [], "direct down": []}
    # Untimed: warm the functions (a cold worker's imports are not throughput)
    warm = content[: 5 * MB]  # over the direct-download limit, so the redirect path is warmed too
    _upload_through_server(filestore_url, token, "warm-up.bin", warm)
    _download_through_server(filestore_url, token, "warm-up.bin", warm)
    for run in range(runs):
        name = f"run{run}-{uuid.uuid4().hex[:8]}.bin"
        key = f"bench-direct/{name}"
        timings["server up"].append(_seconds(partial(_upload_through_server, filestore_url, token, name, content)))
        timings["server down"].append(_seconds(partial(_download_through_server, filestore_url, token, name, content)))
        timings["direct up"].append(_seconds(partial(s3.put_object, Bucket=bucket, Key=key, Body=content)))
        timings["direct down"].append(_seconds(partial(_direct_get, s3, bucket, key, content)))
        s3.delete_object(Bucket=bucket, Key=key)
        target = {"user_token": token, "disk": "main", "folder": "bench", "file_name": name}
        expect_status(requests.delete(f"{filestore_url}/api/files/delete", params=target, timeout=30), 200)
    print(f"{'':<10} {'server (presigned)':>20} {'S3 directly':>14} {'ratio':>7}")
    for way in ("up", "down"):
        server, direct = _rate(len(content), timings[f"server {way}"]), _rate(len(content), timings[f"direct {way}"])
        label = "upload" if way == "up" else "download"
        print(f"{label:<10} {server:>15.1f} MB/s {direct:>9.1f} MB/s {server / direct:>6.2f}x")
