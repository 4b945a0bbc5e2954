import logging

from . import services

logger = logging.getLogger(__name__)


def data_export_build(export_id: int) -> bool:
    try:
        return services.data_export_build(export_id=export_id)
    except Exception:
        # Left pending, the export would block its owner from asking again.
        logger.exception("Data export %s could not be made", export_id)
        services.data_export_fail(export_id=export_id)
        raise


def privacy_retention_run() -> dict[str, int]:
    return services.privacy_retention_run()
