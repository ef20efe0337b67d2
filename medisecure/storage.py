"""The S3 storage private documents go to (django-storages, configured in
settings.STORAGES["documents"]).

django-storages avoids overwriting by asking S3 whether a name is taken and
then writing: two writers can both hear "free". Here the write itself carries
`If-None-Match: *`, so S3 refuses to replace an object that exists, whoever
got there first. Documents are capped well below S3's single-request limit,
so one PutObject carries the whole file."""

from __future__ import annotations

from botocore.exceptions import ClientError
from storages.backends.s3 import S3Storage
from storages.utils import clean_name


class StoredNameTaken(Exception):
    """An object already exists under the name; nothing was written."""


class NoOverwriteS3Storage(S3Storage):
    def get_available_name(self, name, max_length=None):
        # The conditional write decides; no look-up first.
        return clean_name(name)

    def _save(self, name, content):
        cleaned = clean_name(name)
        content.seek(0)
        try:
            self.connection.meta.client.put_object(
                Bucket=self.bucket_name,
                Key=self._normalize_name(cleaned),
                Body=content.read(),
                IfNoneMatch="*",
                **self._get_write_parameters(cleaned, content),
            )
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in (
                "PreconditionFailed",
                "ConditionalRequestConflict",
            ):
                raise StoredNameTaken(cleaned) from error
            raise
        return cleaned
