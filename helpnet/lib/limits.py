"""Size limits of requests: a friendly, translated page for a request over a limit, and the upload cap.

Django refuses a body over DATA_UPLOAD_MAX_MEMORY_SIZE, more than DATA_UPLOAD_MAX_NUMBER_FIELDS fields or
DATA_UPLOAD_MAX_NUMBER_FILES files with a SuspiciousOperation, which becomes its bare 400 page. ``bad_request``
(handler400 in urls.py) answers those with 413 and a page in the user's language that says what to do; any
other bad request keeps Django's 400. Uploads do not count towards DATA_UPLOAD_MAX_MEMORY_SIZE: the upload
handler refuses a multipart body over HELPNET_MAX_UPLOAD_SIZE before any of it is read or written to disk.
"""

import time
from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.core.files.uploadhandler import FileUploadHandler
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views import defaults

TOO_BIG = (RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent)


def max_upload_size() -> int:
    return int(getattr(settings, "HELPNET_MAX_UPLOAD_SIZE", 5 * 1024 * 1024))


class UploadTooBig(RequestDataTooBig):
    pass


class MaxSizeUploadHandler(FileUploadHandler):
    """First in FILE_UPLOAD_HANDLERS: refuses a multipart body over the limit from its Content-Length, and
    counts the bytes as they come, in case the length was not given or lied."""

    received = 0

    def handle_raw_input(
        self, input_data: Any, META: Any, content_length: int, boundary: Any, encoding: Any = None
    ) -> None:
        if content_length > max_upload_size():
            raise UploadTooBig("The upload is larger than HELPNET_MAX_UPLOAD_SIZE.")

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        self.received += len(raw_data)
        if self.received > max_upload_size():
            raise UploadTooBig("The upload is larger than HELPNET_MAX_UPLOAD_SIZE.")
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if isinstance(exception, TOO_BIG):
        context = {
            "upload": isinstance(exception, UploadTooBig),
            "upload_size": max_upload_size(),
            "fields": isinstance(exception, TooManyFieldsSent),
        }
        return render(request, "lib/request_too_big.html", context, status=413)
    return defaults.bad_request(request, exception)  # type: ignore[arg-type]


def retry_after(window_seconds: int) -> int:
    """Seconds until the current fixed window of helpnet.lib.ratelimit ends (at least 1)."""
    return max(1, window_seconds - int(time.time()) % window_seconds)


def too_many_requests(response: HttpResponse, window_seconds: int) -> HttpResponse:
    """The answer over a rate limit: 429 with Retry-After (the page itself keeps what was typed)."""
    response.status_code = 429
    response["Retry-After"] = str(retry_after(window_seconds))
    return response
