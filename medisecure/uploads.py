"""A cap on uploaded files, applied while the request is read.

Django keeps an upload of any size (in memory, then in a temporary file)
before a form can look at it. Put first among a view's upload handlers, this
one stops passing a file's bytes on once it is over the cap, so an oversized
upload fills neither memory nor disk, and hands the form a stand-in that
knows only the name and the size, for a plain "too large" message."""

from __future__ import annotations

import functools
from collections.abc import Callable
from io import BytesIO

from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler
from django.views.decorators.csrf import csrf_exempt, csrf_protect


class OversizedUpload(UploadedFile):
    """An upload that went over the cap: its name and size, no content."""

    def __init__(self, name: str, content_type: str, size: int):
        super().__init__(file=BytesIO(), name=name, content_type=content_type, size=size)


class SizeCapUploadHandler(FileUploadHandler):
    def __init__(self, request=None, *, max_bytes: int):
        super().__init__(request)
        self.max_bytes = max_bytes
        self.received = 0

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.received = 0

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        # None keeps the chunk from the handlers after this one.
        return raw_data if self.received <= self.max_bytes else None

    def file_complete(self, file_size):
        if self.received <= self.max_bytes:
            return None  # the next handler completes the file as usual
        return OversizedUpload(self.file_name, self.content_type, self.received)


def upload_capped(*, max_bytes: Callable[[], int]):
    """For a view that takes an upload: put the size cap first among the
    request's upload handlers, then check CSRF. Upload handlers can only
    change before the body is read, which the CSRF check does; hence the
    check runs inside, once the cap is in place (Django's documented way).
    `max_bytes` is read per request, so a setting changed in a test holds."""

    def decorate(view):
        protected = csrf_protect(view)

        @functools.wraps(view)
        def capped(request, *args, **kwargs):
            request.upload_handlers.insert(0, SizeCapUploadHandler(request, max_bytes=max_bytes()))
            return protected(request, *args, **kwargs)

        return csrf_exempt(capped)

    return decorate
