"""Upload storage and limits come from the environment, as the README says."""

from tests.core.test_settings import PRODUCTION, _run

SHOW = (
    "from django.conf import settings; "
    "print(settings.STORAGES['default']['BACKEND']); "
    "print(settings.STORAGES['default'].get('OPTIONS', {}).get('bucket_name')); "
    "print(settings.MATERIAL_UPLOAD_MAX_MB); "
    "from django.core.files.storage import default_storage; "
    "print(default_storage.__class__.__name__)"
)


def test_uploads_default_to_the_filesystem_under_data_dir(tmp_path):
    result = _run(["shell", "-c", SHOW], {**PRODUCTION, "DATA_DIR": str(tmp_path)})
    assert result.returncode == 0, result.stderr
    backend, bucket, limit, storage = result.stdout.split()[-4:]
    assert backend == "django.core.files.storage.FileSystemStorage"
    assert (bucket, limit, storage) == ("None", "20", "FileSystemStorage")


def test_s3_compatible_storage_is_configuration_only(tmp_path):
    env = {
        **PRODUCTION,
        "DATA_DIR": str(tmp_path),
        "UPLOADS_S3_BUCKET": "academy-uploads",
        "UPLOADS_S3_ENDPOINT_URL": "https://s3.example.org",
        "MATERIAL_UPLOAD_MAX_MB": "5",
    }
    result = _run(["shell", "-c", SHOW], env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-4:] == [
        "storages.backends.s3.S3Storage",
        "academy-uploads",
        "5",
        "S3Storage",
    ]


def test_a_bad_upload_limit_stops_the_portal(tmp_path):
    result = _run(["check"], {**PRODUCTION, "MATERIAL_UPLOAD_MAX_MB": "lots"})
    assert result.returncode != 0
    assert "MATERIAL_UPLOAD_MAX_MB" in result.stderr
