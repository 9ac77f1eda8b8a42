from .directory import directory, hsds_json, hsds_zip, service_detail  # noqa: F401
